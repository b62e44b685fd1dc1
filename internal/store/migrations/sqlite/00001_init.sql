-- Certif schema, SQLite flavour. Times are UTC text "2006-01-02T15:04:05.000000Z" (fixed
-- width, so text order is time order); booleans are INTEGER 0/1.

-- +goose Up
CREATE TABLE certifications (
    id                INTEGER PRIMARY KEY,
    code              TEXT    NOT NULL UNIQUE,
    intitule          TEXT    NOT NULL,
    niveau            TEXT    NOT NULL,
    rncp              TEXT    NOT NULL,
    active_version_id INTEGER REFERENCES referentiel_versions (id),
    created_at        TEXT    NOT NULL
);

CREATE TABLE referentiel_versions (
    id               INTEGER PRIMARY KEY,
    certification_id INTEGER NOT NULL REFERENCES certifications (id),
    version          INTEGER NOT NULL,
    intitule         TEXT    NOT NULL,
    niveau           TEXT    NOT NULL,
    rncp             TEXT    NOT NULL,
    content          TEXT    NOT NULL, -- the référentiel as canonical JSON
    content_sha256   TEXT    NOT NULL,
    imported_at      TEXT    NOT NULL,
    UNIQUE (certification_id, version)
);

CREATE TABLE organismes (
    id                      INTEGER PRIMARY KEY,
    nom                     TEXT    NOT NULL,
    siret                   TEXT    NOT NULL UNIQUE,
    certificateur           INTEGER NOT NULL CHECK (certificateur IN (0, 1)),
    habilitation_formation  INTEGER NOT NULL CHECK (habilitation_formation IN (0, 1)),
    habilitation_evaluation INTEGER NOT NULL CHECK (habilitation_evaluation IN (0, 1)),
    active                  INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at              TEXT    NOT NULL
);

-- At most one certificateur.
CREATE UNIQUE INDEX organismes_one_certificateur ON organismes (certificateur) WHERE certificateur = 1;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE, -- stored normalised (account.NormalizeEmail)
    nom           TEXT    NOT NULL,
    prenom        TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    centre_id     INTEGER REFERENCES organismes (id),
    active        INTEGER NOT NULL CHECK (active IN (0, 1)),
    lang          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    search_key    TEXT    NOT NULL, -- folded e-mail, nom and prénom for the search box
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);

CREATE INDEX users_centre ON users (centre_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT    NOT NULL,
    hash         TEXT    NOT NULL UNIQUE, -- hex SHA-256 of the token; the token itself is never stored
    created_at   TEXT    NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY, -- hex SHA-256 of the scs token
    data   BLOB NOT NULL,
    expiry TEXT NOT NULL
);

CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT    NOT NULL,
    actor_id  INTEGER NOT NULL, -- 0 for the system
    action    TEXT    NOT NULL,
    entity    TEXT    NOT NULL,
    entity_id INTEGER NOT NULL,
    detail    TEXT    NOT NULL  -- JSON, never personal data
);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE organismes;
UPDATE certifications SET active_version_id = NULL;
DROP TABLE referentiel_versions;
DROP TABLE certifications;
