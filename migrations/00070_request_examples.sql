-- Every voice a person links to a request becomes an example of it. The suggester in each
-- replica keeps its requests' examples in memory and reads this log from where it left off, so
-- a link made anywhere (the sheet, Slack, Google Sheets, an import) teaches every replica without
-- rebuilding the suggester over all requests. Triggers write it, so no linking path can forget
-- to; statement-level, so a bulk import pays one INSERT … SELECT, not one per row. The suggester
-- purges rows older than a day (a replica that far behind rebuilds anyway).

-- +goose Up
CREATE TABLE request_examples (
    id          bigserial   PRIMARY KEY,
    feedback_id bigint      NOT NULL,
    -- request_id is the request linked to; NULL when the voice was taken off one.
    request_id  bigint,
    at          timestamptz NOT NULL DEFAULT now()
);

-- +goose StatementBegin
CREATE FUNCTION koe_request_examples_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO request_examples (feedback_id, request_id)
        SELECT id, request_id FROM koe_new_rows WHERE request_id IS NOT NULL;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION koe_request_examples_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO request_examples (feedback_id, request_id)
        SELECT n.id, n.request_id FROM koe_new_rows n JOIN koe_old_rows o ON o.id = n.id
        WHERE n.request_id IS DISTINCT FROM o.request_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER feedback_request_examples_ins AFTER INSERT ON feedback
    REFERENCING NEW TABLE AS koe_new_rows FOR EACH STATEMENT EXECUTE FUNCTION koe_request_examples_ins();
CREATE TRIGGER feedback_request_examples_upd AFTER UPDATE ON feedback
    REFERENCING OLD TABLE AS koe_old_rows NEW TABLE AS koe_new_rows FOR EACH STATEMENT EXECUTE FUNCTION koe_request_examples_upd();

-- +goose Down
DROP TRIGGER feedback_request_examples_upd ON feedback;
DROP TRIGGER feedback_request_examples_ins ON feedback;
DROP FUNCTION koe_request_examples_upd();
DROP FUNCTION koe_request_examples_ins();
DROP TABLE request_examples;
