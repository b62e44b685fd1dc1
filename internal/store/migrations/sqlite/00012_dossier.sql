-- The candidate's dossier complet (issue 8, R12–R16), SQLite flavour.
--   inscriptions.date_session  the target session date ('YYYY-MM-DD', NULL until the référent
--                              sets it) standing in for the jury's sessions; version for the
--                              concurrent edits of the inscription
--   dossier_pieces             every version of every piece (append-only: a new version never
--                              overwrites); systeme for the pieces the system froze at the close
--   dossier_resumes            every version of the summary (append-only)
--   dossier_projets            the projects (R6, R7, R11), versioned, deleted before the deadline
--   dossier_reouvertures       the admin's reopenings of a closed dossier (append-only)
--   dossier_rappels            the reminders sent (J-7, J-2): each goes once

-- +goose Up
ALTER TABLE inscriptions ADD COLUMN date_session TEXT;
ALTER TABLE inscriptions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE dossier_pieces (
    id             INTEGER PRIMARY KEY,
    inscription_id INTEGER NOT NULL REFERENCES inscriptions (id),
    kind           TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    file_id        INTEGER NOT NULL REFERENCES files (id),
    annexes_page   INTEGER,
    mesure         TEXT    NOT NULL, -- JSON of dossier.Measure
    systeme        INTEGER CHECK (systeme IN (0, 1)) NOT NULL,
    depose_le      TEXT    NOT NULL,
    depose_par     INTEGER NOT NULL, -- user id, 0 for the system
    UNIQUE (inscription_id, kind, version)
);

CREATE TABLE dossier_resumes (
    id             INTEGER PRIMARY KEY,
    inscription_id INTEGER NOT NULL REFERENCES inscriptions (id),
    texte          TEXT    NOT NULL,
    enregistre_le  TEXT    NOT NULL,
    enregistre_par INTEGER NOT NULL
);
CREATE INDEX dossier_resumes_inscription ON dossier_resumes (inscription_id);

CREATE TABLE dossier_projets (
    id             INTEGER PRIMARY KEY,
    inscription_id INTEGER NOT NULL REFERENCES inscriptions (id),
    titre          TEXT    NOT NULL,
    origine        TEXT    NOT NULL,
    entreprise     TEXT    NOT NULL,
    url            TEXT    NOT NULL,
    blog           TEXT    NOT NULL,
    confidentiel   INTEGER CHECK (confidentiel IN (0, 1)) NOT NULL,
    competences    TEXT    NOT NULL, -- codes joined by ','
    approuve_par   INTEGER,
    approuve_le    TEXT,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL
);
CREATE INDEX dossier_projets_inscription ON dossier_projets (inscription_id);

CREATE TABLE dossier_reouvertures (
    id             INTEGER PRIMARY KEY,
    inscription_id INTEGER NOT NULL REFERENCES inscriptions (id),
    motif          TEXT    NOT NULL,
    jusqu_au       TEXT    NOT NULL, -- YYYY-MM-DD
    par            INTEGER NOT NULL,
    le             TEXT    NOT NULL
);
CREATE INDEX dossier_reouvertures_inscription ON dossier_reouvertures (inscription_id);

CREATE TABLE dossier_rappels (
    inscription_id INTEGER NOT NULL REFERENCES inscriptions (id),
    echeance       TEXT    NOT NULL, -- YYYY-MM-DD
    jours          INTEGER NOT NULL,
    envoye_le      TEXT    NOT NULL,
    UNIQUE (inscription_id, echeance, jours)
);

-- +goose StatementBegin
CREATE TRIGGER dossier_pieces_no_update BEFORE UPDATE ON dossier_pieces
BEGIN
    SELECT RAISE(ABORT, 'dossier_pieces are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER dossier_pieces_no_delete BEFORE DELETE ON dossier_pieces
BEGIN
    SELECT RAISE(ABORT, 'dossier_pieces are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER dossier_resumes_no_update BEFORE UPDATE ON dossier_resumes
BEGIN
    SELECT RAISE(ABORT, 'dossier_resumes are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER dossier_resumes_no_delete BEFORE DELETE ON dossier_resumes
BEGIN
    SELECT RAISE(ABORT, 'dossier_resumes are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER dossier_reouvertures_no_update BEFORE UPDATE ON dossier_reouvertures
BEGIN
    SELECT RAISE(ABORT, 'dossier_reouvertures are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER dossier_reouvertures_no_delete BEFORE DELETE ON dossier_reouvertures
BEGIN
    SELECT RAISE(ABORT, 'dossier_reouvertures are append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER dossier_reouvertures_no_delete;
DROP TRIGGER dossier_reouvertures_no_update;
DROP TRIGGER dossier_resumes_no_delete;
DROP TRIGGER dossier_resumes_no_update;
DROP TRIGGER dossier_pieces_no_delete;
DROP TRIGGER dossier_pieces_no_update;
DROP TABLE dossier_rappels;
DROP TABLE dossier_reouvertures;
DROP TABLE dossier_projets;
DROP TABLE dossier_resumes;
DROP TABLE dossier_pieces;
ALTER TABLE inscriptions DROP COLUMN version;
ALTER TABLE inscriptions DROP COLUMN date_session;
