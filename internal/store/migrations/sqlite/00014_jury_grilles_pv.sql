-- The jury sessions (issue 9), second part, SQLite flavour: grids, decisions, PV.
--   grille_saisies     every save of a juror's grid for a passage (append-only; the current
--                      grid is the highest version; UNIQUE (passage, juror, version) is what
--                      refuses a stale save: two saves of the same version cannot both land)
--   pv_amendements     an admin's correction after the PV was signed, with its reason (append-only)
--   passage_decisions  the jury's decision per bloc (append-only; the current one is the latest
--                      row of a (passage, bloc); an amendment's rows name it)
--   pv_signatures      each member's sign-off of the PV (append-only, date, time, IP)
--   passages.resultat  the result of the passage (package jury: reussite_totale…), '' until decided
--   passages.convoque_le / rappel_le  when the convocation and the reminder were queued ('' until then)

-- +goose Up
CREATE TABLE grille_saisies (
    id         INTEGER PRIMARY KEY,
    passage_id INTEGER NOT NULL REFERENCES passages (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    version    INTEGER NOT NULL CHECK (version >= 1),
    data       TEXT    NOT NULL, -- the grid as JSON (package jury)
    le         TEXT    NOT NULL,
    UNIQUE (passage_id, user_id, version)
);

CREATE TABLE pv_amendements (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES jury_sessions (id),
    passage_id INTEGER NOT NULL REFERENCES passages (id),
    motif      TEXT    NOT NULL,
    par        INTEGER NOT NULL,
    le         TEXT    NOT NULL
);
CREATE INDEX pv_amendements_session ON pv_amendements (session_id);

CREATE TABLE passage_decisions (
    id              INTEGER PRIMARY KEY,
    passage_id      INTEGER NOT NULL REFERENCES passages (id),
    bloc_code       TEXT    NOT NULL,
    decision        TEXT    NOT NULL CHECK (decision IN ('valide', 'non_valide')),
    propose         TEXT    NOT NULL CHECK (propose IN ('valide', 'non_valide')),
    motif           TEXT    NOT NULL,
    reste_a_evaluer TEXT    NOT NULL,
    amendement_id   INTEGER REFERENCES pv_amendements (id),
    par             INTEGER NOT NULL,
    le              TEXT    NOT NULL
);
CREATE INDEX passage_decisions_passage ON passage_decisions (passage_id, bloc_code, id);

CREATE TABLE pv_signatures (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES jury_sessions (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    signe_le   TEXT    NOT NULL,
    ip         TEXT    NOT NULL,
    UNIQUE (session_id, user_id)
);

ALTER TABLE passages ADD COLUMN resultat TEXT NOT NULL DEFAULT '';
ALTER TABLE passages ADD COLUMN convoque_le TEXT NOT NULL DEFAULT '';
ALTER TABLE passages ADD COLUMN rappel_le TEXT NOT NULL DEFAULT '';

-- +goose StatementBegin
CREATE TRIGGER grille_saisies_no_update BEFORE UPDATE ON grille_saisies
BEGIN
    SELECT RAISE(ABORT, 'grille_saisies are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER grille_saisies_no_delete BEFORE DELETE ON grille_saisies
BEGIN
    SELECT RAISE(ABORT, 'grille_saisies are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pv_amendements_no_update BEFORE UPDATE ON pv_amendements
BEGIN
    SELECT RAISE(ABORT, 'pv_amendements are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pv_amendements_no_delete BEFORE DELETE ON pv_amendements
BEGIN
    SELECT RAISE(ABORT, 'pv_amendements are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER passage_decisions_no_update BEFORE UPDATE ON passage_decisions
BEGIN
    SELECT RAISE(ABORT, 'passage_decisions are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER passage_decisions_no_delete BEFORE DELETE ON passage_decisions
BEGIN
    SELECT RAISE(ABORT, 'passage_decisions are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pv_signatures_no_update BEFORE UPDATE ON pv_signatures
BEGIN
    SELECT RAISE(ABORT, 'pv_signatures are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pv_signatures_no_delete BEFORE DELETE ON pv_signatures
BEGIN
    SELECT RAISE(ABORT, 'pv_signatures are append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER pv_signatures_no_delete;
DROP TRIGGER pv_signatures_no_update;
DROP TRIGGER passage_decisions_no_delete;
DROP TRIGGER passage_decisions_no_update;
DROP TRIGGER pv_amendements_no_delete;
DROP TRIGGER pv_amendements_no_update;
DROP TRIGGER grille_saisies_no_delete;
DROP TRIGGER grille_saisies_no_update;
ALTER TABLE passages DROP COLUMN rappel_le;
ALTER TABLE passages DROP COLUMN convoque_le;
ALTER TABLE passages DROP COLUMN resultat;
DROP TABLE pv_signatures;
DROP TABLE passage_decisions;
DROP TABLE pv_amendements;
DROP TABLE grille_saisies;
