-- The public roadmap answers a page at a time, newest status change first: this index holds the
-- public requests (the rows the view public_requests reads) in that order, so a page of 30 is
-- read from it instead of sorting every public request.

-- +goose Up
CREATE INDEX requests_public_newest_idx ON requests (status_changed_at DESC, id)
    WHERE is_public AND merged_into IS NULL AND status <> 'declined' AND public_title <> '';

-- +goose Down
DROP INDEX requests_public_newest_idx;
