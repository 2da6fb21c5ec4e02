-- A request's public note: what customers are told when its status changes (shown on the roadmap).

-- +goose Up
ALTER TABLE requests ADD COLUMN public_note text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE requests DROP COLUMN public_note;
