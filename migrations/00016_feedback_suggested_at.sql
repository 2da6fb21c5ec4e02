-- When Koe last looked for requests a new voice may belong to, whether or not it found any: a
-- voice that matches nothing is not looked at again on every pass (which starved the voices
-- after the first 2,000 such).

-- +goose Up
ALTER TABLE feedback ADD COLUMN suggested_at timestamptz;
UPDATE feedback f SET suggested_at = now() FROM (SELECT DISTINCT feedback_id FROM feedback_suggestions) s WHERE s.feedback_id = f.id;
CREATE INDEX feedback_unsuggested_idx ON feedback (id) WHERE status = 'new' AND request_id IS NULL AND suggested_at IS NULL;

-- +goose Down
DROP INDEX feedback_unsuggested_idx;
ALTER TABLE feedback DROP COLUMN suggested_at;
