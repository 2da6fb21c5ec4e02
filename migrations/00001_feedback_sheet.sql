-- The feedback sheet: accounts and their contacts, the voices (feedback), the requests they are
-- linked to, the configured sources with their cursors, ingest runs, users and the audit log.

-- +goose Up

CREATE TABLE accounts (
    id                  bigserial PRIMARY KEY,
    source              text        NOT NULL DEFAULT 'manual',
    external_id         text        NOT NULL,
    name                text        NOT NULL CHECK (name <> ''),
    -- name_key is the normalized company name (NFKC, width and case folded, legal forms and
    -- punctuation removed) used to match a company name given by a source.
    name_key            text        NOT NULL,
    domains             text[]      NOT NULL DEFAULT '{}',
    mrr_minor           bigint      NOT NULL DEFAULT 0 CHECK (mrr_minor >= 0),
    currency            text        NOT NULL DEFAULT 'JPY' CHECK (currency ~ '^[A-Z]{3}$'),
    plan                text        NOT NULL DEFAULT '',
    employees           integer     CHECK (employees >= 0),
    lifecycle           text        NOT NULL DEFAULT 'customer'
                                    CHECK (lifecycle IN ('prospect', 'customer', 'churned')),
    renewal_date        date,
    -- churn_risk is the CRM's or billing's own signal, 0 (safe) to 1 (leaving).
    churn_risk          real        CHECK (churn_risk >= 0 AND churn_risk <= 1),
    cancel_at_period_end boolean    NOT NULL DEFAULT false,
    -- expansion_minor is the extra MRR the account could add (CRM estimate), same currency.
    expansion_minor     bigint      CHECK (expansion_minor >= 0),
    -- deal_minor is the expected MRR of a prospect's open deal.
    deal_minor          bigint      CHECK (deal_minor >= 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, external_id)
);
CREATE INDEX accounts_name_key_idx ON accounts (name_key);
CREATE INDEX accounts_domains_idx ON accounts USING gin (domains);

CREATE TABLE contacts (
    id          bigserial PRIMARY KEY,
    email       text        NOT NULL CHECK (email LIKE '%@%'),
    name        text        NOT NULL DEFAULT '',
    account_id  bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contacts_email_key ON contacts (lower(email));
CREATE INDEX contacts_account_idx ON contacts (account_id);

CREATE TABLE users (
    id          bigserial PRIMARY KEY,
    email       text        NOT NULL CHECK (email LIKE '%@%'),
    name        text        NOT NULL DEFAULT '',
    role        text        NOT NULL CHECK (role IN ('admin', 'cs', 'po', 'viewer')),
    locale      text        NOT NULL DEFAULT '' CHECK (locale IN ('', 'ja', 'en')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE requests (
    id                  bigserial PRIMARY KEY,
    title               text        NOT NULL CHECK (title <> ''),
    description         text        NOT NULL DEFAULT '',
    public_title        text        NOT NULL DEFAULT '',
    public_description  text        NOT NULL DEFAULT '',
    status              text        NOT NULL DEFAULT 'under_review'
                                    CHECK (status IN ('under_review', 'planned', 'in_progress', 'shipped', 'declined')),
    is_public           boolean     NOT NULL DEFAULT false,
    merged_into         bigint      REFERENCES requests (id) ON DELETE SET NULL CHECK (merged_into <> id),
    status_changed_at   timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- A public request must have words written for customers.
    CHECK (NOT is_public OR public_title <> '')
);
CREATE INDEX requests_public_idx ON requests (status) WHERE is_public AND merged_into IS NULL;

CREATE TABLE feedback (
    id                  bigserial PRIMARY KEY,
    source_kind         text        NOT NULL
                                    CHECK (source_kind IN ('chat', 'review', 'email', 'slack', 'manual', 'sheet')),
    source_name         text        NOT NULL CHECK (source_name <> ''),
    source_id           text        NOT NULL CHECK (source_id <> ''),
    received_at         timestamptz NOT NULL,
    author_name         text        NOT NULL DEFAULT '',
    author_email        text        NOT NULL DEFAULT '',
    -- company_name is the company as the source gave it (review sites, chat widgets).
    company_name        text        NOT NULL DEFAULT '',
    account_id          bigint      REFERENCES accounts (id) ON DELETE SET NULL,
    -- match_rule says how account_id was found: manual_rule, contact, domain, company_name.
    match_rule          text        NOT NULL DEFAULT '',
    -- The account's MRR when the voice was received; the current MRR lives on accounts.
    mrr_at_receipt_minor bigint     CHECK (mrr_at_receipt_minor >= 0),
    mrr_currency        text        NOT NULL DEFAULT '',
    title               text        NOT NULL DEFAULT '',
    body                text        NOT NULL,
    context             text        NOT NULL DEFAULT '',
    language            text        NOT NULL DEFAULT 'und',
    rating              real        CHECK (rating >= 0 AND rating <= 5),
    sentiment           real        CHECK (sentiment >= -1 AND sentiment <= 1),
    url                 text        NOT NULL DEFAULT '',
    raw                 jsonb,
    status              text        NOT NULL DEFAULT 'new'
                                    CHECK (status IN ('new', 'triaged', 'ignored', 'spam')),
    request_id          bigint      REFERENCES requests (id) ON DELETE SET NULL,
    tag                 text        CHECK (tag IN ('churn_risk', 'expansion', 'usability', 'internal_efficiency')),
    insight             text        NOT NULL DEFAULT '',
    who_benefits        text        NOT NULL DEFAULT '',
    triaged_by          bigint      REFERENCES users (id) ON DELETE SET NULL,
    triaged_at          timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_kind, source_name, source_id)
);
CREATE INDEX feedback_received_idx ON feedback (received_at DESC);
CREATE INDEX feedback_status_idx ON feedback (status, received_at DESC);
CREATE INDEX feedback_request_idx ON feedback (request_id) WHERE request_id IS NOT NULL;
CREATE INDEX feedback_account_idx ON feedback (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX feedback_unmatched_idx ON feedback (lower(author_email)) WHERE account_id IS NULL;

CREATE TABLE sources (
    id                  bigserial PRIMARY KEY,
    kind                text        NOT NULL,
    name                text        NOT NULL UNIQUE CHECK (name <> ''),
    config              jsonb       NOT NULL DEFAULT '{}',
    enabled             boolean     NOT NULL DEFAULT true,
    interval_seconds    integer     NOT NULL DEFAULT 900 CHECK (interval_seconds > 0),
    -- cursor is the source's own high-water mark (time, page token, id), written in the same
    -- transaction as the items it covers.
    cursor              text        NOT NULL DEFAULT '',
    last_run_at         timestamptz,
    last_success_at     timestamptz,
    last_error          text        NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ingest_runs (
    id          bigserial PRIMARY KEY,
    source_id   bigint      REFERENCES sources (id) ON DELETE CASCADE,
    kind        text        NOT NULL,
    name        text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    read        integer     NOT NULL DEFAULT 0,
    new         integer     NOT NULL DEFAULT 0,
    duplicate   integer     NOT NULL DEFAULT 0,
    skipped     integer     NOT NULL DEFAULT 0,
    failed      integer     NOT NULL DEFAULT 0,
    error       text        NOT NULL DEFAULT ''
);
CREATE INDEX ingest_runs_source_idx ON ingest_runs (source_id, started_at DESC);

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    -- actor names who did it: a user's email, "sheet:<id>", "slack:<user>", "system".
    actor       text        NOT NULL,
    user_id     bigint      REFERENCES users (id) ON DELETE SET NULL,
    entity      text        NOT NULL,
    entity_id   bigint      NOT NULL,
    action      text        NOT NULL,
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE ingest_runs;
DROP TABLE sources;
DROP TABLE feedback;
DROP TABLE requests;
DROP TABLE users;
DROP TABLE contacts;
DROP TABLE accounts;
