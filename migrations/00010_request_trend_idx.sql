-- The backlog's trend column counts, for the requests on a page, their voices week by week:
-- a range per request off this index instead of every voice the request ever had.

-- +goose Up
CREATE INDEX feedback_request_time_idx ON feedback (request_id, received_at) INCLUDE (status)
    WHERE request_id IS NOT NULL;

-- +goose Down
DROP INDEX feedback_request_time_idx;
