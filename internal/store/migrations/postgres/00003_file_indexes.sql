-- Files are looked up by the evaluation or stage that references them (FileByID).

-- +goose Up
CREATE INDEX evaluation_preuves_file ON evaluation_preuves (file_id);
CREATE INDEX stages_cachet ON stages (cachet_file_id);

-- +goose Down
DROP INDEX stages_cachet;
DROP INDEX evaluation_preuves_file;
