-- feedback_request_time_idx (request_id, received_at), on the same rows, answers every lookup
-- this index did; one index fewer for every write of a linked voice.

-- +goose Up
DROP INDEX feedback_request_idx;

-- +goose Down
CREATE INDEX feedback_request_idx ON feedback (request_id) WHERE request_id IS NOT NULL;
