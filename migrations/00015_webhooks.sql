-- Outgoing webhooks. Triggers put one outbox message (target 'webhook') per subscribed endpoint
-- in the transaction of the change itself — whichever path made it (dashboard, API, Slack, sheet,
-- import) — with the event's payload as it was then; a worker posts them, signed, and logs each
-- attempt.

-- +goose Up
CREATE TABLE webhooks (
    id         bigserial   PRIMARY KEY,
    url        text        NOT NULL CHECK (url ~ '^https?://'),
    secret     text        NOT NULL,
    events     text[]      NOT NULL,
    active     boolean     NOT NULL DEFAULT true,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
    id          bigserial   PRIMARY KEY,
    webhook_id  bigint      NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    outbox_id   bigint      REFERENCES outbox (id) ON DELETE SET NULL,
    event       text        NOT NULL,
    attempt     integer     NOT NULL,
    status_code integer,
    error       text        NOT NULL DEFAULT '',
    duration_ms integer     NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id DESC);

CREATE SEQUENCE webhook_event_seq;

-- +goose StatementBegin
CREATE FUNCTION koe_webhook_emit(event text, data jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (target, dedupe_key, kind, channel, subject)
    SELECT 'webhook', 'webhook:' || w.id || ':' || nextval('webhook_event_seq'), event, w.url,
        jsonb_build_object('webhook_id', w.id, 'event', event, 'occurred_at', now(), 'data', data)
    FROM webhooks w WHERE w.active AND event = ANY (w.events);
END $$;

CREATE FUNCTION koe_webhook_requests() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r jsonb := jsonb_build_object('id', NEW.id, 'title', NEW.title, 'status', NEW.status, 'public', NEW.is_public,
        'public_title', NEW.public_title, 'public_note', NEW.public_note, 'status_changed_at', NEW.status_changed_at);
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM koe_webhook_emit('request.created', jsonb_build_object('request', r));
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        PERFORM koe_webhook_emit('request.status_changed', jsonb_build_object('request', r, 'previous_status', OLD.status));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION koe_webhook_feedback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM koe_webhook_emit('feedback.linked', jsonb_build_object(
        'feedback', jsonb_build_object('id', NEW.id, 'source_kind', NEW.source_kind, 'source_name', NEW.source_name,
            'account_id', NEW.account_id, 'tag', NEW.tag, 'status', NEW.status, 'received_at', NEW.received_at),
        'request_id', NEW.request_id, 'previous_request_id', OLD.request_id));
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER koe_webhook_requests AFTER INSERT OR UPDATE OF status ON requests
    FOR EACH ROW EXECUTE FUNCTION koe_webhook_requests();
CREATE TRIGGER koe_webhook_feedback AFTER UPDATE OF request_id ON feedback
    FOR EACH ROW WHEN (NEW.request_id IS NOT NULL AND NEW.request_id IS DISTINCT FROM OLD.request_id)
    EXECUTE FUNCTION koe_webhook_feedback();

-- +goose Down
DROP TRIGGER koe_webhook_feedback ON feedback;
DROP TRIGGER koe_webhook_requests ON requests;
DROP FUNCTION koe_webhook_feedback();
DROP FUNCTION koe_webhook_requests();
DROP FUNCTION koe_webhook_emit(text, jsonb);
DROP SEQUENCE webhook_event_seq;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
