-- The backlog's language filter offers the languages voices are in: a skip scan down this index
-- (one probe per language) instead of reading a million voices.

-- +goose Up
CREATE INDEX feedback_language_idx ON feedback (language);

-- +goose Down
DROP INDEX feedback_language_idx;
