-- The public roadmap and the customer page.
--
-- Public pages read only the views public_requests and public_status_changes: they name the
-- public columns and nothing else, so an internal title, an account or a voice cannot reach a
-- public response through them. Customers sign in with Google or a one-time link by email and
-- see the requests of their own account.

-- +goose Up
ALTER TABLE requests ADD COLUMN public_changed_at timestamptz NOT NULL DEFAULT now();

-- Each status a request has had, with the public note that came with it.
CREATE TABLE request_status_changes (
    id         bigserial   PRIMARY KEY,
    request_id bigint      NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    status     text        NOT NULL,
    note       text        NOT NULL DEFAULT '',
    at         timestamptz NOT NULL
);
CREATE INDEX request_status_changes_request_idx ON request_status_changes (request_id, at DESC);
CREATE INDEX request_status_changes_at_idx ON request_status_changes (at DESC);

INSERT INTO request_status_changes (request_id, status, note, at)
SELECT id, status, public_note, status_changed_at FROM requests;

-- +goose StatementBegin
CREATE FUNCTION requests_public_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO request_status_changes (request_id, status, note, at)
        VALUES (NEW.id, NEW.status, NEW.public_note, NEW.status_changed_at);
    ELSIF NEW.public_note IS DISTINCT FROM OLD.public_note THEN
        -- A note written after the change belongs to the latest status.
        UPDATE request_status_changes SET note = NEW.public_note
        WHERE id = (SELECT id FROM request_status_changes WHERE request_id = NEW.id ORDER BY at DESC, id DESC LIMIT 1);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER requests_public_history AFTER INSERT OR UPDATE ON requests
    FOR EACH ROW EXECUTE FUNCTION requests_public_history();

-- +goose StatementBegin
CREATE FUNCTION requests_public_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.public_title, NEW.public_description, NEW.public_note, NEW.status, NEW.is_public, NEW.merged_into)
        IS DISTINCT FROM (OLD.public_title, OLD.public_description, OLD.public_note, OLD.status, OLD.is_public, OLD.merged_into) THEN
        NEW.public_changed_at := now();
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER requests_public_changed BEFORE UPDATE ON requests
    FOR EACH ROW EXECUTE FUNCTION requests_public_changed();

CREATE VIEW public_requests AS
SELECT id, public_title AS title, public_description AS description, public_note AS note, status, status_changed_at
FROM requests
WHERE is_public AND merged_into IS NULL AND status <> 'declined' AND public_title <> '';

CREATE VIEW public_status_changes AS
SELECT h.id, h.request_id, p.title, h.status, h.note, h.at
FROM request_status_changes h JOIN public_requests p ON p.id = h.request_id
WHERE h.status <> 'declined';

-- Customers who signed in: their address, the account it matched then, and their settings.
CREATE TABLE customers (
    email          text        PRIMARY KEY CHECK (email = lower(email)),
    account_id     bigint      REFERENCES accounts (id) ON DELETE SET NULL,
    notify_shipped boolean     NOT NULL DEFAULT false,
    locale         text        NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz
);
CREATE INDEX customers_account_idx ON customers (account_id) WHERE notify_shipped;

CREATE TABLE customer_sessions (
    token_hash bytea       PRIMARY KEY,
    email      text        NOT NULL REFERENCES customers (email) ON DELETE CASCADE,
    csrf       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX customer_sessions_expires_idx ON customer_sessions (expires_at);

-- One-time sign-in links: only the token's SHA-256 is kept; used_at makes a link work once.
CREATE TABLE sign_in_links (
    token_hash bytea       PRIMARY KEY,
    email      text        NOT NULL,
    ip         text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX sign_in_links_email_idx ON sign_in_links (email, created_at DESC);
CREATE INDEX sign_in_links_ip_idx ON sign_in_links (ip, created_at DESC);

-- +goose Down
DROP TABLE sign_in_links;
DROP TABLE customer_sessions;
DROP TABLE customers;
DROP VIEW public_status_changes;
DROP VIEW public_requests;
DROP TRIGGER requests_public_changed ON requests;
DROP FUNCTION requests_public_changed();
DROP TRIGGER requests_public_history ON requests;
DROP FUNCTION requests_public_history();
DROP TABLE request_status_changes;
ALTER TABLE requests DROP COLUMN public_changed_at;
