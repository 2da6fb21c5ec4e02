-- Storing a voice computed its search pieces (koe_bigrams, the index expression of
-- feedback_search_bigrams_idx) with a subquery: generate_series, substr and a DISTINCT sort, run
-- through the SQL function executor for every row, about half of what an import's INSERT cost.
-- The same pieces come from two regular-expression passes and a split, which PostgreSQL inlines:
-- every character doubled, the first dropped, cut into pairs ("abc" → "aabbcc" → "abbcc" →
-- ab|bc|c) and the last single character left off. The pieces are the same set as before (the
-- index ignores repeats, and @> does too), so the index stays valid without a rebuild. U+FFFF
-- (a noncharacter) separates the pairs; text that holds one takes the old way.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION koe_bigrams_each(s text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT ARRAY(SELECT DISTINCT substr(s, i, 2) FROM generate_series(1, char_length(s) - 1) AS i) $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION koe_bigrams(s text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN strpos(s, U&'\FFFF') > 0 THEN koe_bigrams_each(s)
        ELSE (string_to_array(regexp_replace(substr(regexp_replace(s, '(.)', '\1\1', 'g'), 2),
            '(..)', '\1' || U&'\FFFF', 'g'), U&'\FFFF'))[1:char_length(s) - 1] END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION koe_bigrams(s text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT ARRAY(SELECT DISTINCT substr(s, i, 2) FROM generate_series(1, char_length(s) - 1) AS i) $$;
-- +goose StatementEnd
DROP FUNCTION koe_bigrams_each(text);
