-- An in-training evaluation follows a training module (seed: « évaluées suite à chaque
-- module »): module_id names it (a module of the candidate's centre, active when the entry is
-- written; NULL for entries written before, or when none is named). Its form is the
-- référentiel's for the compétence; another form needs a written reason, motif_forme ('' when
-- the form is the référentiel's). Entries stay append-only: these columns are written once.

-- +goose Up
ALTER TABLE evaluations ADD COLUMN module_id INTEGER REFERENCES modules (id);
ALTER TABLE evaluations ADD COLUMN motif_forme TEXT NOT NULL DEFAULT '';
CREATE INDEX evaluations_module ON evaluations (module_id);

-- +goose Down
DROP INDEX evaluations_module;
ALTER TABLE evaluations DROP COLUMN motif_forme;
ALTER TABLE evaluations DROP COLUMN module_id;
