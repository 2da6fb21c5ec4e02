-- What the ranked backlog is made of (voices, accounts, requests, exchange rates) counts its
-- changes, so that a ranking can be reused until the data under it changes: every statement
-- that writes one of those tables adds one to a counter, in the same transaction as the change,
-- so the sum of the counters moves exactly when a change becomes visible. The counter is split
-- into 16 slots picked by backend, so writers on many connections (replicas, ingest workers)
-- do not queue on one row.

-- +goose Up
CREATE TABLE backlog_changes (
    slot int PRIMARY KEY,
    n    bigint NOT NULL DEFAULT 0
);
INSERT INTO backlog_changes (slot) SELECT generate_series(0, 15);

CREATE FUNCTION backlog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE backlog_changes SET n = n + 1 WHERE slot = pg_backend_pid() % 16;
    RETURN NULL;
END $$;

CREATE TRIGGER feedback_backlog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON feedback
    FOR EACH STATEMENT EXECUTE FUNCTION backlog_changed();
CREATE TRIGGER accounts_backlog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION backlog_changed();
CREATE TRIGGER requests_backlog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON requests
    FOR EACH STATEMENT EXECUTE FUNCTION backlog_changed();
CREATE TRIGGER exchange_rates_backlog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON exchange_rates
    FOR EACH STATEMENT EXECUTE FUNCTION backlog_changed();

-- +goose Down
DROP TRIGGER exchange_rates_backlog_changed ON exchange_rates;
DROP TRIGGER requests_backlog_changed ON requests;
DROP TRIGGER accounts_backlog_changed ON accounts;
DROP TRIGGER feedback_backlog_changed ON feedback;
DROP FUNCTION backlog_changed();
DROP TABLE backlog_changes;
