-- Versions on the records several people edit (an UPDATE says WHERE id = ? AND version = ?,
-- zero rows is a conflict), and identity matching scoped to a centre.
--
-- candidats.identite is the bare identity (folded birth name | first prénom | birth date);
-- identity_key becomes "<centre id>|<identite>", unique per centre: one person enrolled in two
-- centres has one record per centre until the certificateur merges them.

-- +goose Up
ALTER TABLE candidats ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stages ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE modules ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE seances ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE organismes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

ALTER TABLE candidats ADD COLUMN identite TEXT NOT NULL DEFAULT '';
UPDATE candidats SET identite = identity_key;
UPDATE candidats SET identity_key = COALESCE(
    (SELECT CAST(MIN(i.centre_id) AS TEXT) FROM inscriptions i WHERE i.candidat_id = candidats.id), '0') || '|' || identite;
CREATE INDEX candidats_identite ON candidats (identite);

-- +goose Down
-- Fails when one identity has records in several centres (they would collide): merge them first.
DROP INDEX candidats_identite;
UPDATE candidats SET identity_key = identite;
ALTER TABLE candidats DROP COLUMN identite;
ALTER TABLE users DROP COLUMN version;
ALTER TABLE organismes DROP COLUMN version;
ALTER TABLE seances DROP COLUMN version;
ALTER TABLE modules DROP COLUMN version;
ALTER TABLE stages DROP COLUMN version;
ALTER TABLE candidats DROP COLUMN version;
