-- A review's raw record, as its source stored it, may already show the store's developer reply
-- (Google Play's developerComment, App Store Connect's response): Koe reads it as soon as it can,
-- not an hour later. raw_read_at is the feedback row's updated_at when its raw record was last
-- read, so a record rewritten by a later ingest run is read again.

-- +goose Up
ALTER TABLE review_replies ADD COLUMN raw_read_at timestamptz;

-- +goose Down
ALTER TABLE review_replies DROP COLUMN raw_read_at;
