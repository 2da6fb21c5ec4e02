-- Suggestions are made as voices come in only for the recent ones (older ones when a person opens
-- them): the voices still to look at are found newest first, without walking the history that
-- an import leaves unsuggested.

-- +goose Up
CREATE INDEX feedback_unsuggested_recent_idx ON feedback (received_at DESC, id)
    WHERE status = 'new' AND request_id IS NULL AND suggested_at IS NULL;

-- +goose Down
DROP INDEX feedback_unsuggested_recent_idx;
