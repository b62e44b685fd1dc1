-- The jury sessions (issue 9, R5, R17, R18), SQLite flavour — the foundation: sessions,
-- members, passages, recevabilité, jurors' profiles, confidentiality attestations.
--   users.profession/college/externe  a juror's profile (college: employeur | salarie |
--                                     independant; externe to the certificateur and the centre)
--   recevabilites        the certificateur's decisions on a VAE inscription (append-only history)
--   jury_sessions        the sessions de validation (etat: package jury), versioned
--   session_membres      the jury of a session, with its président
--   passages             a candidate convoked to a slot of a session (presence: '' until then)
--   passage_jures        the members who evaluate one passage
--   jury_attestations    the confidentiality attestations signed (append-only, R17)

-- +goose Up
ALTER TABLE users ADD COLUMN profession TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN college TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN externe INTEGER NOT NULL DEFAULT 0 CHECK (externe IN (0, 1));

CREATE TABLE recevabilites (
    id             INTEGER PRIMARY KEY,
    inscription_id INTEGER NOT NULL REFERENCES inscriptions (id),
    decision       TEXT    NOT NULL CHECK (decision IN ('recevable', 'non_recevable')),
    motif          TEXT    NOT NULL,
    date_decision  TEXT    NOT NULL, -- YYYY-MM-DD
    par            INTEGER NOT NULL,
    le             TEXT    NOT NULL
);
CREATE INDEX recevabilites_inscription ON recevabilites (inscription_id);

CREATE TABLE jury_sessions (
    id                            INTEGER PRIMARY KEY,
    certification_id              INTEGER NOT NULL REFERENCES certifications (id),
    date_session                  TEXT    NOT NULL, -- YYYY-MM-DD
    lieu                          TEXT    NOT NULL, -- the address, or the link when distanciel
    distanciel                    INTEGER NOT NULL CHECK (distanciel IN (0, 1)),
    centre_id                     INTEGER NOT NULL REFERENCES organismes (id),
    duree_presentation_min        INTEGER NOT NULL,
    duree_entretien_technique_min INTEGER NOT NULL,
    duree_entretien_final_min     INTEGER NOT NULL,
    etat                          TEXT    NOT NULL,
    version                       INTEGER NOT NULL DEFAULT 1,
    created_at                    TEXT    NOT NULL,
    updated_at                    TEXT    NOT NULL
);
CREATE INDEX jury_sessions_date ON jury_sessions (date_session);

CREATE TABLE session_membres (
    session_id INTEGER NOT NULL REFERENCES jury_sessions (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    president  INTEGER NOT NULL CHECK (president IN (0, 1)),
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_membres_user ON session_membres (user_id);

CREATE TABLE passages (
    id             INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES jury_sessions (id),
    inscription_id INTEGER NOT NULL REFERENCES inscriptions (id),
    heure          TEXT    NOT NULL, -- HH:MM
    presence       TEXT    NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    UNIQUE (session_id, inscription_id)
);
CREATE INDEX passages_inscription ON passages (inscription_id);

CREATE TABLE passage_jures (
    passage_id INTEGER NOT NULL REFERENCES passages (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (passage_id, user_id)
);

CREATE TABLE jury_attestations (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES jury_sessions (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    texte      TEXT    NOT NULL,
    signe_le   TEXT    NOT NULL,
    ip         TEXT    NOT NULL,
    UNIQUE (session_id, user_id)
);

-- +goose StatementBegin
CREATE TRIGGER recevabilites_no_update BEFORE UPDATE ON recevabilites
BEGIN
    SELECT RAISE(ABORT, 'recevabilites are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER recevabilites_no_delete BEFORE DELETE ON recevabilites
BEGIN
    SELECT RAISE(ABORT, 'recevabilites are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER jury_attestations_no_update BEFORE UPDATE ON jury_attestations
BEGIN
    SELECT RAISE(ABORT, 'jury_attestations are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER jury_attestations_no_delete BEFORE DELETE ON jury_attestations
BEGIN
    SELECT RAISE(ABORT, 'jury_attestations are append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER jury_attestations_no_delete;
DROP TRIGGER jury_attestations_no_update;
DROP TRIGGER recevabilites_no_delete;
DROP TRIGGER recevabilites_no_update;
DROP TABLE jury_attestations;
DROP TABLE passage_jures;
DROP TABLE passages;
DROP TABLE session_membres;
DROP TABLE jury_sessions;
DROP TABLE recevabilites;
ALTER TABLE users DROP COLUMN externe;
ALTER TABLE users DROP COLUMN college;
ALTER TABLE users DROP COLUMN profession;
