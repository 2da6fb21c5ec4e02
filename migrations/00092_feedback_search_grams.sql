-- The sheet's search narrows voices by the two-character pieces of their folded words
-- (migration 00031). The index held those pieces as text, computed from search_text by
-- koe_bigrams for every stored voice: on the 200,000-voice import (cmd/koe-importload) the GIN
-- index took more than half of the INSERT, the regular expressions that cut the pieces a tenth of
-- that again. Each piece is now a 32-bit integer, its two characters' code points side by side
-- (first << 16 | second, wrapping modulo 2^32: exact for every pair of the Basic Multilingual
-- Plane, where Japanese and Latin text lives; a pair with an emoji may share its number with
-- another pair, and the LIKE that checks the whole query drops what the index let through). The
-- ingest computes the numbers in Go with the search text (store.searchGrams) and stores them in
-- search_grams; the GIN index is over that column. Inserting 50,000 voices into a table with only
-- this index took 1.0–1.3 s instead of 3.1–3.4 s.
--
-- Every other writer gets the database's numbers from koe_search_grams, which the triggers call
-- only when a row comes without them (or with words changed and not its search text).

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION koe_search_grams(s text) RETURNS int[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT ARRAY(SELECT DISTINCT ((ascii(substr(s, i, 1))::bigint * 65536 + ascii(substr(s, i + 1, 1))
        + 2147483648) % 4294967296 - 2147483648)::int AS g
        FROM generate_series(1, char_length(s) - 1) AS i ORDER BY g) $$;
-- +goose StatementEnd

ALTER TABLE feedback ADD COLUMN search_grams int[];
-- Every stored voice gets its pieces here: 200,000 voices took 24 s (31 s with the feedback
-- triggers on, which gather every changed row for the backlog's summaries; the pieces change
-- none of them).
ALTER TABLE feedback DISABLE TRIGGER USER;
UPDATE feedback SET search_grams = koe_search_grams(search_text);
ALTER TABLE feedback ENABLE TRIGGER USER;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION koe_feedback_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.search_text IS NULL OR (TG_OP = 'UPDATE'
        AND NEW.search_text IS NOT DISTINCT FROM OLD.search_text
        AND (NEW.title IS DISTINCT FROM OLD.title OR NEW.body IS DISTINCT FROM OLD.body)) THEN
        NEW.search_text := koe_search_key(NEW.title, NEW.body);
        NEW.search_grams := koe_search_grams(NEW.search_text);
    ELSIF NEW.search_grams IS NULL OR (TG_OP = 'UPDATE'
        AND NEW.search_text IS DISTINCT FROM OLD.search_text
        AND NEW.search_grams IS NOT DISTINCT FROM OLD.search_grams) THEN
        NEW.search_grams := koe_search_grams(NEW.search_text);
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd

DROP TRIGGER feedback_search_text_ins ON feedback;
DROP TRIGGER feedback_search_text_upd ON feedback;
CREATE TRIGGER feedback_search_text_ins BEFORE INSERT ON feedback
    FOR EACH ROW WHEN (NEW.search_text IS NULL OR NEW.search_grams IS NULL)
    EXECUTE FUNCTION koe_feedback_search_text();
CREATE TRIGGER feedback_search_text_upd BEFORE UPDATE OF title, body, search_text, search_grams ON feedback
    FOR EACH ROW WHEN (NEW.search_text IS NULL OR NEW.search_grams IS NULL
        OR (NEW.search_text IS NOT DISTINCT FROM OLD.search_text
            AND (NEW.title IS DISTINCT FROM OLD.title OR NEW.body IS DISTINCT FROM OLD.body))
        OR (NEW.search_text IS DISTINCT FROM OLD.search_text
            AND NEW.search_grams IS NOT DISTINCT FROM OLD.search_grams))
    EXECUTE FUNCTION koe_feedback_search_text();

CREATE INDEX feedback_search_grams_idx ON feedback USING gin (search_grams);
DROP INDEX feedback_search_bigrams_idx;

-- +goose Down
CREATE INDEX feedback_search_bigrams_idx ON feedback USING gin (koe_bigrams(search_text));
DROP INDEX feedback_search_grams_idx;
DROP TRIGGER feedback_search_text_upd ON feedback;
DROP TRIGGER feedback_search_text_ins ON feedback;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION koe_feedback_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
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
ALTER TABLE feedback DROP COLUMN search_grams;
DROP FUNCTION koe_search_grams(text);
