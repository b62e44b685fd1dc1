-- The outbox: every e-mail is written here in the transaction of the action that causes it
-- and delivered by the sender of `certif serve` (with retries); without SMTP it stays here,
-- readable by the admin. Password reset tokens are stored as their SHA-256 only.

-- +goose Up
CREATE TABLE courriels (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL, -- template name: activation, mot-de-passe, tuteur…
    recipient    TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    body_text    TEXT    NOT NULL,
    body_html    TEXT    NOT NULL,
    message_id   TEXT    NOT NULL UNIQUE, -- kept across retries
    state        TEXT    NOT NULL CHECK (state IN ('en_attente', 'envoye', 'echec')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT    NOT NULL,
    last_answer  TEXT    NOT NULL DEFAULT '', -- the SMTP server's last answer
    lease_until  TEXT,    -- a sender holds the message until then
    lease_owner  TEXT,
    created_at   TEXT    NOT NULL,
    sent_at      TEXT
);
CREATE INDEX courriels_due ON courriels (state, next_attempt);

ALTER TABLE users ADD COLUMN reset_hash TEXT;
ALTER TABLE users ADD COLUMN reset_expires TEXT;
CREATE UNIQUE INDEX users_reset ON users (reset_hash);

-- +goose Down
DROP INDEX users_reset;
ALTER TABLE users DROP COLUMN reset_expires;
ALTER TABLE users DROP COLUMN reset_hash;
DROP TABLE courriels;
