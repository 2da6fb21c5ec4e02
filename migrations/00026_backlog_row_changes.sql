-- Which accounts and requests changed what a ranking reads of them, and in which transaction,
-- as backlog_link_requests (00025) does for the summaries: a process that keeps them in memory
-- reads again, before each view, only those changed by a transaction not finished at its last
-- read. An update that changes nothing a ranking reads (a sync touching updated_at, a public
-- text) is not counted. Id 0 means "all of that table" (it was truncated).

-- +goose Up
CREATE TABLE backlog_row_changes (
    tbl        text   NOT NULL CHECK (tbl IN ('accounts', 'requests')),
    id         bigint NOT NULL,
    changed_by xid8   NOT NULL,
    PRIMARY KEY (tbl, id)
);
CREATE INDEX backlog_row_changes_changed_idx ON backlog_row_changes (changed_by);

CREATE FUNCTION backlog_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(id) INTO ids FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(id) INTO ids FROM old_rows;
    ELSIF TG_TABLE_NAME = 'accounts' THEN
        SELECT array_agg(DISTINCT k) INTO ids
        FROM old_rows o JOIN new_rows n ON n.id = o.id CROSS JOIN LATERAL (VALUES (o.id), (n.id)) AS k(k)
        WHERE (o.name, o.mrr_minor, o.currency, o.plan, o.employees, o.lifecycle, o.renewal_date, o.churn_risk,
               o.cancel_at_period_end, o.expansion_minor, o.deal_minor)
              IS DISTINCT FROM
              (n.name, n.mrr_minor, n.currency, n.plan, n.employees, n.lifecycle, n.renewal_date, n.churn_risk,
               n.cancel_at_period_end, n.expansion_minor, n.deal_minor);
    ELSE
        SELECT array_agg(DISTINCT k) INTO ids
        FROM old_rows o JOIN new_rows n ON n.id = o.id CROSS JOIN LATERAL (VALUES (o.id), (n.id)) AS k(k)
        WHERE (o.title, o.status, o.merged_into, o.created_at) IS DISTINCT FROM (n.title, n.status, n.merged_into, n.created_at);
    END IF;
    IF ids IS NOT NULL THEN
        -- In id order: two statements never wait on each other's rows crosswise.
        INSERT INTO backlog_row_changes (tbl, id, changed_by)
        SELECT DISTINCT TG_TABLE_NAME, i, pg_current_xact_id() FROM unnest(ids) AS i ORDER BY 2
        ON CONFLICT (tbl, id) DO UPDATE SET changed_by = excluded.changed_by;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION backlog_rows_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM backlog_row_changes WHERE tbl = TG_TABLE_NAME;
    INSERT INTO backlog_row_changes (tbl, id, changed_by) VALUES (TG_TABLE_NAME, 0, pg_current_xact_id());
    RETURN NULL;
END $$;

CREATE TRIGGER accounts_backlog_rows_ins AFTER INSERT ON accounts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION backlog_rows_changed();
CREATE TRIGGER accounts_backlog_rows_upd AFTER UPDATE ON accounts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION backlog_rows_changed();
CREATE TRIGGER accounts_backlog_rows_del AFTER DELETE ON accounts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION backlog_rows_changed();
CREATE TRIGGER accounts_backlog_rows_trunc AFTER TRUNCATE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION backlog_rows_truncated();
CREATE TRIGGER requests_backlog_rows_ins AFTER INSERT ON requests
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION backlog_rows_changed();
CREATE TRIGGER requests_backlog_rows_upd AFTER UPDATE ON requests
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION backlog_rows_changed();
CREATE TRIGGER requests_backlog_rows_del AFTER DELETE ON requests
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION backlog_rows_changed();
CREATE TRIGGER requests_backlog_rows_trunc AFTER TRUNCATE ON requests
    FOR EACH STATEMENT EXECUTE FUNCTION backlog_rows_truncated();

-- +goose Down
DROP TRIGGER requests_backlog_rows_trunc ON requests;
DROP TRIGGER requests_backlog_rows_del ON requests;
DROP TRIGGER requests_backlog_rows_upd ON requests;
DROP TRIGGER requests_backlog_rows_ins ON requests;
DROP TRIGGER accounts_backlog_rows_trunc ON accounts;
DROP TRIGGER accounts_backlog_rows_del ON accounts;
DROP TRIGGER accounts_backlog_rows_upd ON accounts;
DROP TRIGGER accounts_backlog_rows_ins ON accounts;
DROP FUNCTION backlog_rows_truncated();
DROP FUNCTION backlog_rows_changed();
DROP TABLE backlog_row_changes;
