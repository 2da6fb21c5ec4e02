-- The signatures of Slack requests already answered, so a captured request cannot be replayed
-- within the five minutes its timestamp is accepted. Kept in PostgreSQL because replicas share
-- nothing in memory; rows past expires_at are purged hourly.

-- +goose Up
CREATE TABLE slack_requests_seen (
    signature  text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX slack_requests_seen_expires_idx ON slack_requests_seen (expires_at);

-- +goose Down
DROP TABLE slack_requests_seen;
