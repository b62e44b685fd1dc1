-- Sessions and API tokens can be revoked: a user's session epoch goes up when their password
-- changes (sessions remember the epoch they were opened at), and every API token expires.

-- +goose Up
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;

-- NULL (never set) is refused by UserByToken; tokens created before this migration get 90 days.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
UPDATE api_tokens SET expires_at = now() + interval '90 days' WHERE expires_at IS NULL;

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE users DROP COLUMN session_epoch;
