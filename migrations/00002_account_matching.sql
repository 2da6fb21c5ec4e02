-- Accounts from CSV, kintone and Stripe; matching voices to them.

-- +goose Up

-- manual_fields names the fields a person set by hand in Koe; syncs leave those alone.
ALTER TABLE accounts ADD COLUMN manual_fields text[] NOT NULL DEFAULT '{}';

-- Account syncs record their runs beside ingest runs; they also count updated rows.
ALTER TABLE ingest_runs ADD COLUMN updated integer NOT NULL DEFAULT 0;

-- A rule a person saved from the unknown-account queue: this email, or anyone at this domain,
-- speaks for this account. Patterns are lower case.
CREATE TABLE match_rules (
    id          bigserial PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('email', 'domain')),
    pattern     text        NOT NULL CHECK (pattern = lower(pattern) AND pattern <> ''),
    account_id  bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_by  text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, pattern)
);

-- Every MRR an account has had, so a voice matched late still gets the MRR of when it arrived.
CREATE TABLE account_mrr_history (
    account_id  bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    valid_from  timestamptz NOT NULL,
    mrr_minor   bigint      NOT NULL,
    currency    text        NOT NULL,
    PRIMARY KEY (account_id, valid_from)
);

INSERT INTO account_mrr_history (account_id, valid_from, mrr_minor, currency)
SELECT id, created_at, mrr_minor, currency FROM accounts;

-- Re-matching looks voices up by sender.
CREATE INDEX feedback_author_idx ON feedback (lower(author_email), company_name);

-- +goose StatementBegin
CREATE FUNCTION record_account_mrr() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.mrr_minor IS DISTINCT FROM OLD.mrr_minor OR NEW.currency IS DISTINCT FROM OLD.currency THEN
        INSERT INTO account_mrr_history (account_id, valid_from, mrr_minor, currency)
        VALUES (NEW.id, now(), NEW.mrr_minor, NEW.currency)
        ON CONFLICT (account_id, valid_from) DO UPDATE
            SET mrr_minor = EXCLUDED.mrr_minor, currency = EXCLUDED.currency;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER accounts_mrr_history
    AFTER INSERT OR UPDATE OF mrr_minor, currency ON accounts
    FOR EACH ROW EXECUTE FUNCTION record_account_mrr();

-- +goose Down
DROP TRIGGER accounts_mrr_history ON accounts;
DROP FUNCTION record_account_mrr();
DROP TABLE account_mrr_history;
DROP TABLE match_rules;
DROP INDEX feedback_author_idx;
ALTER TABLE ingest_runs DROP COLUMN updated;
ALTER TABLE accounts DROP COLUMN manual_fields;
