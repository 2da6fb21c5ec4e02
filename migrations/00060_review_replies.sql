-- Replies to reviews: the reply state of each review Koe answers (a review without a row is
-- unanswered), and the templates a reply starts from. A reply is sent through the outbox (target
-- 'store'), so the row says what a person asked for and the outbox says what reached the store.

-- +goose Up
CREATE TABLE review_replies (
    feedback_id    bigint      PRIMARY KEY REFERENCES feedback (id) ON DELETE CASCADE,
    -- unanswered (a row only to remember when the store was last asked), draft, sending (queued
    -- in the outbox), sent, failed (the store refused: store_error), elsewhere (the store shows a
    -- developer reply Koe did not send: store_text), marked (answered by hand on a site without a
    -- reply API).
    state          text        NOT NULL CHECK (state IN ('unanswered', 'draft', 'sending', 'sent', 'failed', 'elsewhere', 'marked')),
    draft          text        NOT NULL DEFAULT '',
    -- written_by and sent_by are audit actors: a user's email, "slack:<user>", "cli".
    written_by     text        NOT NULL DEFAULT '',
    written_at     timestamptz,
    sent_by        text        NOT NULL DEFAULT '',
    sent_at        timestamptz,
    -- attempt counts the times Send was pressed: each is its own outbox message, sent once.
    attempt        integer     NOT NULL DEFAULT 0,
    store_reply_id text        NOT NULL DEFAULT '',
    store_error    text        NOT NULL DEFAULT '',
    store_text     text        NOT NULL DEFAULT '',
    -- checked_at is when the store was last asked for the reply it shows (answered elsewhere).
    checked_at     timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_replies_state_idx ON review_replies (state);
-- The queue lists reviews newest first; the navigation counts the waiting ones on every staff
-- page, from this index alone (status is in it).
CREATE INDEX feedback_reviews_idx ON feedback (received_at DESC, id DESC) INCLUDE (status) WHERE source_kind = 'review';

CREATE TABLE reply_templates (
    id          bigserial   PRIMARY KEY,
    name        text        NOT NULL CHECK (name <> ''),
    -- language is a voice language code (ja, en …); band is the rating band it answers: low (1–2
    -- stars), mid (3), high (4–5), any.
    language    text        NOT NULL CHECK (language <> ''),
    band        text        NOT NULL CHECK (band IN ('low', 'mid', 'high', 'any')),
    body        text        NOT NULL CHECK (body <> ''),
    updated_by  text        NOT NULL DEFAULT '',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (language, band, name)
);

-- +goose Down
DROP TABLE reply_templates;
DROP INDEX feedback_reviews_idx;
DROP TABLE review_replies;
