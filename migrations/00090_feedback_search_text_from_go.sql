-- A voice's search text (koe_search_key: NFKC, ASCII lower case, katakana to hiragana) was a
-- generated column, so PostgreSQL folded the words of every stored voice: normalize() is slow,
-- and folding took about a sixth of an import's INSERT (20,000 voices: 0.4–0.5 s of backend CPU
-- for the key alone). The ingest now folds in Go (store.SearchKey, the function a search query
-- is folded with) and stores the result; the column is a plain one.
--
-- Every other writer (the dataset loader, a restore, psql, a future one) still gets the
-- database's fold: a row inserted without search_text, or updated in title or body without a
-- new search_text, takes koe_search_key(title, body) from a trigger. The WHEN clauses are read
-- without calling the function, so an ingest that brings its own search text pays nothing.
-- DROP EXPRESSION keeps every stored value and rewrites nothing.

-- +goose Up
ALTER TABLE feedback ALTER COLUMN search_text DROP EXPRESSION;

-- +goose StatementBegin
CREATE FUNCTION koe_feedback_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_text := koe_search_key(NEW.title, NEW.body);
    RETURN NEW;
END $$;
-- +goose StatementEnd

CREATE TRIGGER feedback_search_text_ins BEFORE INSERT ON feedback
    FOR EACH ROW WHEN (NEW.search_text IS NULL) EXECUTE FUNCTION koe_feedback_search_text();
CREATE TRIGGER feedback_search_text_upd BEFORE UPDATE OF title, body ON feedback
    FOR EACH ROW WHEN (NEW.search_text IS NOT DISTINCT FROM OLD.search_text
        AND (NEW.title IS DISTINCT FROM OLD.title OR NEW.body IS DISTINCT FROM OLD.body))
    EXECUTE FUNCTION koe_feedback_search_text();

-- +goose Down
DROP TRIGGER feedback_search_text_upd ON feedback;
DROP TRIGGER feedback_search_text_ins ON feedback;
DROP FUNCTION koe_feedback_search_text();
ALTER TABLE feedback DROP COLUMN search_text;
ALTER TABLE feedback ADD COLUMN search_text text GENERATED ALWAYS AS (koe_search_key(title, body)) STORED;
CREATE INDEX feedback_search_bigrams_idx ON feedback USING gin (koe_bigrams(search_text));
