-- The numéro de déclaration d'activité (NDA) of a training centre: 11 digits given by the
-- préfecture de région (Code du travail L6351-1); the attestation de formation carries it
-- (L6353-1). Empty until the certificateur or the centre's référent records it.

-- +goose Up
ALTER TABLE organismes ADD COLUMN nda TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE organismes DROP COLUMN nda;
