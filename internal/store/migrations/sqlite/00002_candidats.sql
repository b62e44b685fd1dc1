-- Candidates, inscriptions, training plan, livret, internships (SQLite flavour).

-- +goose Up
ALTER TABLE users ADD COLUMN activation_hash TEXT;
ALTER TABLE users ADD COLUMN activation_expires TEXT   ;
CREATE UNIQUE INDEX users_activation ON users (activation_hash);

CREATE TABLE candidats (
    id                     INTEGER PRIMARY KEY,
    nom_naissance          TEXT    NOT NULL,
    nom_usage              TEXT    NOT NULL,
    prenoms                TEXT    NOT NULL, -- JSON array of 1 to 3 strings
    sexe                   TEXT    NOT NULL,
    date_naissance         TEXT    NOT NULL, -- YYYY-MM-DD
    commune_naissance_code TEXT    NOT NULL,
    commune_naissance      TEXT    NOT NULL,
    pays_naissance         TEXT    NOT NULL,
    email                  TEXT    NOT NULL,
    telephone              TEXT    NOT NULL,
    adresse                TEXT    NOT NULL, -- JSON candidat.Adresse
    identity_key           TEXT    NOT NULL UNIQUE, -- folded birth name | first prénom | birth date
    search_key             TEXT    NOT NULL,
    user_id                INTEGER REFERENCES users (id),
    created_at             TEXT      NOT NULL,
    updated_at             TEXT      NOT NULL
);
CREATE INDEX candidats_user ON candidats (user_id);

CREATE TABLE inscriptions (
    id               INTEGER PRIMARY KEY,
    candidat_id      INTEGER     NOT NULL REFERENCES candidats (id),
    certification_id INTEGER     NOT NULL REFERENCES certifications (id),
    version_id       INTEGER     NOT NULL REFERENCES referentiel_versions (id),
    centre_id        INTEGER     NOT NULL REFERENCES organismes (id),
    voie             TEXT    NOT NULL,
    type_vae         TEXT    NOT NULL,
    promotion        TEXT    NOT NULL,
    date_inscription TEXT    NOT NULL, -- YYYY-MM-DD
    blocs_vises      TEXT    NOT NULL, -- JSON array of bloc codes
    statut           TEXT    NOT NULL,
    created_at       TEXT      NOT NULL,
    updated_at       TEXT      NOT NULL,
    UNIQUE (candidat_id, certification_id, centre_id, promotion)
);
CREATE INDEX inscriptions_centre ON inscriptions (centre_id, promotion);

CREATE TABLE modules (
    id               INTEGER PRIMARY KEY,
    centre_id        INTEGER     NOT NULL REFERENCES organismes (id),
    certification_id INTEGER     NOT NULL REFERENCES certifications (id),
    intitule         TEXT    NOT NULL,
    heures           REAL      NOT NULL,
    competences      TEXT    NOT NULL, -- JSON array of compétence codes
    active           INTEGER CHECK (active IN (0, 1)) NOT NULL,
    created_at       TEXT      NOT NULL,
    updated_at       TEXT      NOT NULL
);
CREATE INDEX modules_centre ON modules (centre_id);

CREATE TABLE seances (
    id               INTEGER PRIMARY KEY,
    inscription_id   INTEGER     NOT NULL REFERENCES inscriptions (id),
    module_id        INTEGER     NOT NULL REFERENCES modules (id),
    debut            TEXT    NOT NULL, -- YYYY-MM-DD
    fin              TEXT    NOT NULL,
    heures_prevues   REAL      NOT NULL,
    heures_realisees REAL      NOT NULL,
    created_at       TEXT      NOT NULL,
    updated_at       TEXT      NOT NULL
);
CREATE INDEX seances_inscription ON seances (inscription_id);

CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    storage_key TEXT    NOT NULL UNIQUE,
    nom         TEXT    NOT NULL, -- the uploaded file name, cleaned
    mime        TEXT    NOT NULL, -- sniffed, never the client's claim
    taille      INTEGER     NOT NULL,
    sha256      TEXT    NOT NULL,
    uploaded_by INTEGER     NOT NULL, -- user id, 0 for a tutor's one-time link
    created_at  TEXT      NOT NULL
);

-- Livret entries are never overwritten: a correction is a new row naming the one it replaces.
CREATE TABLE evaluations (
    id              INTEGER PRIMARY KEY,
    inscription_id  INTEGER     NOT NULL REFERENCES inscriptions (id),
    competences     TEXT    NOT NULL, -- JSON array of compétence codes
    forme           TEXT    NOT NULL,
    date_evaluation TEXT    NOT NULL, -- YYYY-MM-DD
    evaluateur_id   INTEGER     NOT NULL REFERENCES users (id),
    criteres        TEXT    NOT NULL, -- JSON object critère code → acquis | non_acquis
    score           REAL   ,
    bareme          REAL   ,
    seuil           REAL   ,
    commentaire     TEXT    NOT NULL,
    remplace_id     INTEGER UNIQUE REFERENCES evaluations (id),
    created_at      TEXT      NOT NULL,
    created_by      INTEGER     NOT NULL
);
CREATE INDEX evaluations_inscription ON evaluations (inscription_id);

CREATE TABLE evaluation_preuves (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations (id),
    file_id       INTEGER NOT NULL REFERENCES files (id),
    PRIMARY KEY (evaluation_id, file_id)
);

CREATE TABLE projets (
    id             INTEGER PRIMARY KEY,
    inscription_id INTEGER     NOT NULL REFERENCES inscriptions (id),
    bloc           TEXT    NOT NULL,
    titre          TEXT    NOT NULL,
    description    TEXT    NOT NULL,
    url            TEXT    NOT NULL,
    soumis_le      TEXT      NOT NULL,
    soumis_par     INTEGER     NOT NULL,
    decision       TEXT    NOT NULL, -- '' (en attente), valide, refuse
    decision_par   INTEGER,
    decision_le    TEXT   ,
    commentaire    TEXT    NOT NULL,
    UNIQUE (inscription_id, bloc)
);

CREATE TABLE stages (
    id                 INTEGER PRIMARY KEY,
    inscription_id     INTEGER     NOT NULL REFERENCES inscriptions (id),
    entreprise         TEXT    NOT NULL,
    entreprise_siret   TEXT    NOT NULL,
    tuteur_nom         TEXT    NOT NULL,
    tuteur_email       TEXT    NOT NULL,
    debut              TEXT    NOT NULL, -- YYYY-MM-DD
    fin                TEXT    NOT NULL,
    lien_hash          TEXT UNIQUE, -- SHA-256 of the tutor's one-time link token; NULL once used
    lien_expire        TEXT   ,
    fiche              TEXT, -- JSON of the fiche d'appréciation, NULL until filled
    fiche_remplie_le   TEXT   ,
    cachet_file_id     INTEGER REFERENCES files (id),
    created_at         TEXT      NOT NULL,
    updated_at         TEXT      NOT NULL
);
CREATE INDEX stages_inscription ON stages (inscription_id);

-- +goose StatementBegin
CREATE TRIGGER evaluations_no_update BEFORE UPDATE ON evaluations
BEGIN
    SELECT RAISE(ABORT, 'evaluations are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER evaluations_no_delete BEFORE DELETE ON evaluations
BEGIN
    SELECT RAISE(ABORT, 'evaluations are append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER evaluations_no_delete;
DROP TRIGGER evaluations_no_update;
DROP TABLE stages;
DROP TABLE projets;
DROP TABLE evaluation_preuves;
DROP TABLE evaluations;
DROP TABLE files;
DROP TABLE seances;
DROP TABLE modules;
DROP TABLE inscriptions;
DROP TABLE candidats;
DROP INDEX users_activation;
ALTER TABLE users DROP COLUMN activation_expires;
ALTER TABLE users DROP COLUMN activation_hash;
