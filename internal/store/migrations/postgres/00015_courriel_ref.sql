-- The jury sessions (issue 9), convocations: a courriel may name the record its attachment is
-- made from when it leaves (ref, e.g. "passage:12": the candidate's PDF convocation, rendered
-- at delivery by the server's attacher); '' for the messages without attachment.

-- +goose Up
ALTER TABLE courriels ADD COLUMN ref TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE courriels DROP COLUMN ref;
