-- A staff member's saved views of the feedback sheet: a name for a set of filters.

-- +goose Up
CREATE TABLE saved_views (
    id         bigserial   PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text        NOT NULL CHECK (name <> ''),
    query      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, name)
);

-- +goose Down
DROP TABLE saved_views;
