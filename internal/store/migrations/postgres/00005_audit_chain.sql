-- The audit log becomes a hash chain (see internal/store/audit_chain.go for the encoding).
-- Each row carries prev_hash (the hash of the previous row in id order, '' for the first) and
-- hash (SHA-256 over its own content and prev_hash), both lowercase hex.
--
-- Rows written before this migration have no hashes yet: Store.Migrate seals them, in id order,
-- right after the migrations, in one transaction. The trigger function therefore lets a row be
-- sealed exactly once (hash and prev_hash from NULL to a value, every other column unchanged)
-- and refuses every other UPDATE, DELETE and TRUNCATE, as before.
--
-- It also creates the cluster-wide role certif_app (NOLOGIN) when it is missing and grants it
-- what the server needs in this schema: read and write on every table, except audit_log where
-- it may only SELECT and INSERT (so that even without the trigger it cannot rewrite history),
-- and goose_db_version, which it may only read. See README, « PostgreSQL : un rôle qui ne
-- possède pas les tables ».

-- +goose Up
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT, ADD COLUMN hash TEXT;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND OLD.prev_hash IS NULL
       AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
       AND (NEW.id, NEW.at, NEW.actor_id, NEW.action, NEW.entity, NEW.entity_id, NEW.detail)
           IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor_id, OLD.action, OLD.entity, OLD.entity_id, OLD.detail) THEN
        RETURN NEW; -- sealing a row written before the chain existed
    END IF;
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
-- +goose StatementEnd

-- The role is shared by every schema of the cluster (tests migrate many schemas at once):
-- creating it tolerates another migration creating it at the same moment, and a migrating
-- user without CREATEROLE skips the grants with a notice instead of failing.
-- +goose StatementBegin
DO $$
DECLARE
    s text := current_schema();
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'certif_app') THEN
        BEGIN
            CREATE ROLE certif_app NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL; -- created meanwhile by a migration of another schema
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'certif: cannot create role certif_app (no CREATEROLE): grants skipped';
                RETURN;
        END;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO certif_app', s);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO certif_app', s);
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON TABLE %I.audit_log FROM certif_app', s);
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON TABLE %I.goose_db_version FROM certif_app', s);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO certif_app', s);
    -- Tables and sequences that later migrations create (as the same owner) get the same rights.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO certif_app', s);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO certif_app', s);
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE
    s text := current_schema();
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'certif_app') THEN
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE ALL ON SEQUENCES FROM certif_app', s);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE ALL ON TABLES FROM certif_app', s);
        EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM certif_app', s);
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM certif_app', s);
        EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM certif_app', s);
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
-- +goose StatementEnd

ALTER TABLE audit_log DROP COLUMN hash, DROP COLUMN prev_hash;
