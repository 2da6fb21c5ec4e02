-- The outbox: messages to post (Slack first), written in the same transaction as the change
-- that caused them, posted exactly once by one worker across replicas.

-- +goose Up
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    target          text        NOT NULL DEFAULT 'slack',
    -- dedupe_key makes the message once-only: the same change never enqueues it twice.
    dedupe_key      text        NOT NULL UNIQUE,
    kind            text        NOT NULL,
    channel         text        NOT NULL,
    -- subject says what the message is about (a voice, a request …), rendered when it is posted.
    subject         jsonb       NOT NULL DEFAULT '{}',
    -- parent_key: a reply in the thread of that message, posted after it.
    parent_key      text        REFERENCES outbox (dedupe_key) ON DELETE CASCADE,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    last_error      text        NOT NULL DEFAULT '',
    posted_channel  text        NOT NULL DEFAULT '',
    posted_ts       text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE status IN ('pending', 'sending');
-- The last post to a channel, for pacing across replicas.
CREATE INDEX outbox_channel_sent_idx ON outbox (posted_channel, sent_at) WHERE status = 'sent';
CREATE INDEX outbox_parent_idx ON outbox (parent_key) WHERE parent_key IS NOT NULL;

-- +goose Down
DROP TABLE outbox;
