-- Undo on the feedback sheet looks up a person's last change to voices: their newest audit
-- entries, without reading the whole log.

-- +goose Up
CREATE INDEX audit_log_feedback_actor_idx ON audit_log (actor, at DESC) WHERE entity = 'feedback';

-- +goose Down
DROP INDEX audit_log_feedback_actor_idx;
