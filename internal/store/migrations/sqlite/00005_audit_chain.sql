-- The audit log becomes a hash chain (see internal/store/audit_chain.go for the encoding).
-- Each row carries prev_hash (the hash of the previous row in id order, '' for the first) and
-- hash (SHA-256 over its own content and prev_hash), both lowercase hex.
--
-- Rows written before this migration have no hashes yet: Store.Migrate seals them, in id order,
-- right after the migrations, in one transaction. The UPDATE trigger therefore lets a row be
-- sealed exactly once (hash and prev_hash from NULL to a value, every other column unchanged)
-- and refuses every other UPDATE, as before.

-- +goose Up
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;

DROP TRIGGER audit_log_no_update;

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (OLD.hash IS NULL AND OLD.prev_hash IS NULL
          AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
          AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor_id IS OLD.actor_id
          AND NEW.action IS OLD.action AND NEW.entity IS OLD.entity
          AND NEW.entity_id IS OLD.entity_id AND NEW.detail IS OLD.detail)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_no_update;

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

ALTER TABLE audit_log DROP COLUMN hash;
ALTER TABLE audit_log DROP COLUMN prev_hash;
