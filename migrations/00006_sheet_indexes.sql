-- The feedback sheet sorted by MRR (at the time of the voice) reads an index instead of sorting a
-- million rows (805 ms → see the closing note of issue 8).

-- +goose Up
CREATE INDEX feedback_mrr_idx ON feedback (mrr_at_receipt_minor DESC NULLS LAST, received_at DESC, id DESC);

-- +goose Down
DROP INDEX feedback_mrr_idx;
