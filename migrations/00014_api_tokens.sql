-- The REST API: tokens made by admins (only their SHA-256 is kept), and the answers to POSTs
-- sent with an Idempotency-Key, so that a retried POST gets the first answer instead of a second
-- voice.

-- +goose Up
CREATE TABLE api_tokens (
    id           bigserial   PRIMARY KEY,
    name         text        NOT NULL CHECK (name <> ''),
    token_hash   bytea       NOT NULL UNIQUE,
    prefix       text        NOT NULL,
    scope        text        NOT NULL CHECK (scope IN ('read', 'write')),
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE TABLE idempotency_keys (
    token_id     bigint      NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    key          text        NOT NULL,
    request_hash bytea       NOT NULL,
    status       integer     NOT NULL,
    body         bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE api_tokens;
