-- What ranking needs of the voices, kept up to date as they change, so that a view of the
-- backlog reads one row per request × account × tag (× source kind × language, the voice-level
-- filters) instead of every voice: the newest voice that counts (linked, not ignored or spam)
-- and the account's MRR when it arrived. Weights, decay, rates and the account's current data
-- are applied when a ranking is made.
--
-- Triggers keep it, in the transaction of the change, whatever statement makes it (the sheet,
-- a merge, an import, an account or request deleted, another replica, psql): a statement's
-- changed voices give the (request, account) pairs to work out again from feedback.
--
-- backlog_link_requests names, per request, the last transaction that changed its rows, so a
-- process that keeps the rows in memory reads again only what changed: every request changed by
-- a transaction not finished before its last read (xid >= that read's snapshot xmin). Taking
-- that row first also queues two transactions changing one request's rows, so the second works
-- them out again after the first committed (each statement of the trigger function reads anew
-- under READ COMMITTED). Request 0 means "everything" (feedback was truncated).

-- +goose Up
CREATE TABLE backlog_links (
    request_id  bigint      NOT NULL,
    account_id  bigint      NOT NULL,
    tag         text        NOT NULL, -- '' for untagged
    source_kind text        NOT NULL,
    language    text        NOT NULL,
    last_at     timestamptz NOT NULL,
    mrr_at_receipt_minor bigint,
    PRIMARY KEY (request_id, account_id, tag, source_kind, language)
);

CREATE TABLE backlog_link_requests (
    request_id bigint PRIMARY KEY,
    changed_by xid8   NOT NULL
);
CREATE INDEX backlog_link_requests_changed_idx ON backlog_link_requests (changed_by);

-- backlog_links_redo works out again the rows of the given (request, account) pairs.
CREATE FUNCTION backlog_links_redo(reqs bigint[], accts bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF reqs IS NULL THEN
        RETURN;
    END IF;
    -- In request order, so that two statements never wait on each other's requests crosswise.
    INSERT INTO backlog_link_requests AS b (request_id, changed_by)
    SELECT DISTINCT r, pg_current_xact_id() FROM unnest(reqs) AS r ORDER BY r
    ON CONFLICT (request_id) DO UPDATE SET changed_by = excluded.changed_by;

    DELETE FROM backlog_links l
    USING (SELECT DISTINCT r, a FROM unnest(reqs, accts) AS k(r, a)) k
    WHERE l.request_id = k.r AND l.account_id = k.a;

    INSERT INTO backlog_links (request_id, account_id, tag, source_kind, language, last_at, mrr_at_receipt_minor)
    SELECT DISTINCT ON (f.request_id, f.account_id, COALESCE(f.tag, ''), f.source_kind, f.language)
           f.request_id, f.account_id, COALESCE(f.tag, ''), f.source_kind, f.language, f.received_at, f.mrr_at_receipt_minor
    FROM (SELECT DISTINCT r, a FROM unnest(reqs, accts) AS k(r, a)) k
    JOIN feedback f ON f.request_id = k.r AND f.account_id = k.a
    WHERE f.status NOT IN ('ignored', 'spam')
    ORDER BY f.request_id, f.account_id, COALESCE(f.tag, ''), f.source_kind, f.language, f.received_at DESC, f.id DESC;
END $$;

-- Transition tables take one event per trigger: three triggers share this function.
CREATE FUNCTION backlog_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    reqs  bigint[];
    accts bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(request_id), array_agg(account_id) INTO reqs, accts
        FROM new_rows WHERE request_id IS NOT NULL AND account_id IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(request_id), array_agg(account_id) INTO reqs, accts
        FROM old_rows WHERE request_id IS NOT NULL AND account_id IS NOT NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Only voices whose ranking columns changed (not a note, a suggestion, the words).
        SELECT array_agg(k.r), array_agg(k.a) INTO reqs, accts
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        CROSS JOIN LATERAL (VALUES (o.request_id, o.account_id), (n.request_id, n.account_id)) AS k(r, a)
        WHERE (o.request_id, o.account_id, o.tag, o.source_kind, o.language, o.received_at, o.mrr_at_receipt_minor,
               o.status IN ('ignored', 'spam'))
              IS DISTINCT FROM
              (n.request_id, n.account_id, n.tag, n.source_kind, n.language, n.received_at, n.mrr_at_receipt_minor,
               n.status IN ('ignored', 'spam'))
          AND k.r IS NOT NULL AND k.a IS NOT NULL;
    END IF;
    PERFORM backlog_links_redo(reqs, accts);
    RETURN NULL;
END $$;

CREATE FUNCTION backlog_links_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE backlog_links;
    DELETE FROM backlog_link_requests;
    INSERT INTO backlog_link_requests (request_id, changed_by) VALUES (0, pg_current_xact_id());
    RETURN NULL;
END $$;

CREATE TRIGGER feedback_backlog_links_ins AFTER INSERT ON feedback
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION backlog_links_changed();
CREATE TRIGGER feedback_backlog_links_upd AFTER UPDATE ON feedback
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION backlog_links_changed();
CREATE TRIGGER feedback_backlog_links_del AFTER DELETE ON feedback
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION backlog_links_changed();
CREATE TRIGGER feedback_backlog_links_trunc AFTER TRUNCATE ON feedback
    FOR EACH STATEMENT EXECUTE FUNCTION backlog_links_truncated();

-- Backfill.
INSERT INTO backlog_links (request_id, account_id, tag, source_kind, language, last_at, mrr_at_receipt_minor)
SELECT DISTINCT ON (f.request_id, f.account_id, COALESCE(f.tag, ''), f.source_kind, f.language)
       f.request_id, f.account_id, COALESCE(f.tag, ''), f.source_kind, f.language, f.received_at, f.mrr_at_receipt_minor
FROM feedback f
WHERE f.request_id IS NOT NULL AND f.account_id IS NOT NULL AND f.status NOT IN ('ignored', 'spam')
ORDER BY f.request_id, f.account_id, COALESCE(f.tag, ''), f.source_kind, f.language, f.received_at DESC, f.id DESC;
INSERT INTO backlog_link_requests (request_id, changed_by) VALUES (0, pg_current_xact_id());

-- +goose Down
DROP TRIGGER feedback_backlog_links_trunc ON feedback;
DROP TRIGGER feedback_backlog_links_del ON feedback;
DROP TRIGGER feedback_backlog_links_upd ON feedback;
DROP TRIGGER feedback_backlog_links_ins ON feedback;
DROP FUNCTION backlog_links_truncated();
DROP FUNCTION backlog_links_changed();
DROP FUNCTION backlog_links_redo(bigint[], bigint[]);
DROP TABLE backlog_link_requests;
DROP TABLE backlog_links;
