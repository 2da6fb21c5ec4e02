-- "Run now" from the dashboard: the source is due at the next poll of any `koe serve`, once.

-- +goose Up
ALTER TABLE sources ADD COLUMN run_requested_at timestamptz;

-- +goose Down
ALTER TABLE sources DROP COLUMN run_requested_at;
