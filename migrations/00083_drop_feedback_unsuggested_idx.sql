-- feedback_unsuggested_idx (id, over new, unlinked, unsuggested voices) served the suggester's
-- walk by id; since 00071 the only query with that condition (store.UnsuggestedVoices) walks
-- feedback_unsuggested_recent_idx newest first, and nothing reads this one. Every imported voice
-- is new, unlinked and unsuggested, so each paid an entry in both.

-- +goose Up
DROP INDEX IF EXISTS feedback_unsuggested_idx;

-- +goose Down
CREATE INDEX feedback_unsuggested_idx ON feedback (id) WHERE status = 'new' AND request_id IS NULL AND suggested_at IS NULL;
