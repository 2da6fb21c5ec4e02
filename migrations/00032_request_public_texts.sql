-- A public request in each reader's language: the public title, description and note stay the
-- request's own words (in whatever language they were written), and request_public_texts holds
-- them again in a catalog language. Public pages read public_request_texts beside
-- public_requests and fall back to the request's own words where a language has none.

-- +goose Up
CREATE TABLE request_public_texts (
    request_id  bigint NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    lang        text   NOT NULL CHECK (lang ~ '^[a-z]{2,3}$'),
    title       text   NOT NULL DEFAULT '',
    description text   NOT NULL DEFAULT '',
    note        text   NOT NULL DEFAULT '',
    PRIMARY KEY (request_id, lang)
);

-- A translation of a public request is news to the public pages (their cache, the sheets sync).
-- +goose StatementBegin
CREATE FUNCTION request_public_texts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE requests SET public_changed_at = now()
    WHERE id = COALESCE(NEW.request_id, OLD.request_id) AND is_public;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER request_public_texts_changed AFTER INSERT OR UPDATE OR DELETE ON request_public_texts
    FOR EACH ROW EXECUTE FUNCTION request_public_texts_changed();

CREATE VIEW public_request_texts AS
SELECT t.request_id, t.lang, t.title, t.description, t.note
FROM request_public_texts t JOIN public_requests p ON p.id = t.request_id;

-- +goose Down
DROP VIEW public_request_texts;
DROP TRIGGER request_public_texts_changed ON request_public_texts;
DROP FUNCTION request_public_texts_changed();
DROP TABLE request_public_texts;
