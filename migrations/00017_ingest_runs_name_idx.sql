-- The sources list and the runner's poll read each source's latest run by its name: off this
-- index, not a scan of every run ever recorded.

-- +goose Up
CREATE INDEX ingest_runs_name_idx ON ingest_runs (name, started_at DESC);

-- +goose Down
DROP INDEX ingest_runs_name_idx;
