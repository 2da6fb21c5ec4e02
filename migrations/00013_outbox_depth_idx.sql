-- /metrics counts the outbox's unsent messages by target and status at every scrape: off this
-- index, not a scan of every message ever sent.

-- +goose Up
CREATE INDEX outbox_unsent_idx ON outbox (target, status) WHERE status <> 'sent';

-- +goose Down
DROP INDEX outbox_unsent_idx;
