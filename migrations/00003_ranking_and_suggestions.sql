-- Ranking settings, stored suggestions, and what makes ranking fast.

-- +goose Up

-- settings holds documented, editable configuration kept in the database (the ranking weights).
CREATE TABLE settings (
    key         text PRIMARY KEY,
    value       jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text        NOT NULL DEFAULT ''
);

-- The requests a voice most likely belongs to, best first, computed when it arrives.
CREATE TABLE feedback_suggestions (
    feedback_id bigint      NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    rank        smallint    NOT NULL CHECK (rank > 0),
    request_id  bigint      NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    score       real        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (feedback_id, rank)
);
CREATE INDEX feedback_suggestions_request_idx ON feedback_suggestions (request_id);

-- Ranking reads, per request, account and tag, the newest voice: straight off this index.
CREATE INDEX feedback_links_idx ON feedback (request_id, account_id, tag, received_at DESC)
    INCLUDE (mrr_at_receipt_minor, status)
    WHERE request_id IS NOT NULL AND account_id IS NOT NULL;

-- A backlog filtered to a period reads the same columns in time order, without the heap.
CREATE INDEX feedback_links_time_idx ON feedback (received_at)
    INCLUDE (request_id, account_id, tag, mrr_at_receipt_minor, status, source_kind, language)
    WHERE request_id IS NOT NULL AND account_id IS NOT NULL;

-- +goose Down
DROP INDEX feedback_links_time_idx;
DROP INDEX feedback_links_idx;
DROP TABLE feedback_suggestions;
DROP TABLE settings;
