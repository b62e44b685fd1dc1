-- Every stored file has an owner (kind, id) and a state: readability asks the owner's access
-- rule (store/file_owner.go), never a reverse look-up through the tables that use the file.
--   owner_kind  'evaluation' (evidence), 'stage' (company stamp); the dossier's pieces come next
--   owner_id    the owner's id; NULL while an evidence file waits for its evaluation
--   attached    0 until the owner's record takes the file; unattached files are swept
--   link_hash   for a file uploaded through a tutor's one-time link: the link's hash, so that
--               only a claim through the same link can attach it

-- +goose Up
ALTER TABLE files ADD COLUMN owner_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN owner_id INTEGER;
ALTER TABLE files ADD COLUMN attached INTEGER NOT NULL DEFAULT 0 CHECK (attached IN (0, 1));
ALTER TABLE files ADD COLUMN link_hash TEXT;

UPDATE files SET owner_kind = 'evaluation', attached = 1,
    owner_id = (SELECT MIN(p.evaluation_id) FROM evaluation_preuves p WHERE p.file_id = files.id)
WHERE id IN (SELECT file_id FROM evaluation_preuves);
UPDATE files SET owner_kind = 'stage', attached = 1,
    owner_id = (SELECT MIN(st.id) FROM stages st WHERE st.cachet_file_id = files.id)
WHERE attached = 0 AND id IN (SELECT cachet_file_id FROM stages WHERE cachet_file_id IS NOT NULL);
-- Files attached to nothing: a tutor's (uploaded by 0) was meant for a stage, any other for an
-- evaluation; their link is unknown, so they can no longer be claimed and the sweeper takes them.
UPDATE files SET owner_kind = CASE WHEN uploaded_by = 0 THEN 'stage' ELSE 'evaluation' END
WHERE owner_kind = '';

CREATE INDEX files_owner ON files (owner_kind, owner_id);
CREATE INDEX files_unattached ON files (created_at) WHERE attached = FALSE;

-- +goose Down
DROP INDEX files_unattached;
DROP INDEX files_owner;
ALTER TABLE files DROP COLUMN link_hash;
ALTER TABLE files DROP COLUMN attached;
ALTER TABLE files DROP COLUMN owner_id;
ALTER TABLE files DROP COLUMN owner_kind;
