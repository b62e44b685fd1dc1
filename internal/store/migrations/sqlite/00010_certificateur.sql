-- A fresh install runs a real certification: the certificateur's own record (address,
-- signatory, logo) beside its organisme row, and the certification's registration data at the
-- RNCP, edited by the admin (versioned: several admins may edit it).
--   certificateur_profils  one row per certificateur organisme (there is at most one); the
--                          organisme's version covers it (an edit bumps organismes.version)
--   logo_file_id           a file of owner kind 'certificateur', attached; NULL: no logo
--   date_enregistrement, date_fin_validite  YYYY-MM-DD, '' when unknown
--   mentions               the certificateur's mentions printed on documents ('' none)

--   candidat_corrections   what a candidate's identity was and became at each correction (JSON
--                          of the changed fields): personal data, so kept out of the hash-chained
--                          journal, whose "candidat.update" row names the correction's id

-- +goose Up
CREATE TABLE candidat_corrections (
    id INTEGER PRIMARY KEY,
    candidat_id INTEGER NOT NULL, -- no foreign key: a merged record goes, its history stays
    actor_id    INTEGER NOT NULL,
    at          TEXT NOT NULL,
    avant       TEXT NOT NULL,
    apres       TEXT NOT NULL
);
CREATE INDEX candidat_corrections_candidat ON candidat_corrections (candidat_id);

CREATE TABLE certificateur_profils (
    organisme_id       INTEGER PRIMARY KEY REFERENCES organismes (id),
    adresse            TEXT    NOT NULL DEFAULT '',
    signataire_nom     TEXT    NOT NULL DEFAULT '',
    signataire_qualite TEXT    NOT NULL DEFAULT '',
    logo_file_id       INTEGER REFERENCES files (id)
);

ALTER TABLE certifications ADD COLUMN date_enregistrement TEXT NOT NULL DEFAULT '';
ALTER TABLE certifications ADD COLUMN date_fin_validite TEXT NOT NULL DEFAULT '';
ALTER TABLE certifications ADD COLUMN mentions TEXT NOT NULL DEFAULT '';
ALTER TABLE certifications ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE certifications DROP COLUMN version;
ALTER TABLE certifications DROP COLUMN mentions;
ALTER TABLE certifications DROP COLUMN date_fin_validite;
ALTER TABLE certifications DROP COLUMN date_enregistrement;
DROP TABLE certificateur_profils;
DROP TABLE candidat_corrections;
