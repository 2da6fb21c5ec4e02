-- Search as Japanese users type: a voice's words kept once in a normal form (NFKC folds width,
-- so ＣＳＶ is CSV and ｶﾀｶﾅ is カタカナ; katakana become hiragana; ASCII letters lower case,
-- under the "C" collation so that every cluster folds alike), and an index of that form's
-- two-character pieces. pg_trgm is not used: under the embedded cluster's C locale it finds no
-- trigrams in Japanese (show_trgm('ばっくあっぷ') is empty). store.SearchKey folds a query the
-- same way; the sheet looks up the query's pieces in the index, then checks the whole query.

-- +goose Up
CREATE FUNCTION koe_search_key(title text, body text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT translate(lower(normalize(coalesce(title, '') || ' ' || coalesce(body, ''), NFKC) COLLATE "C"),
        'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶ',
        'ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖ') $$;

CREATE FUNCTION koe_bigrams(s text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT ARRAY(SELECT DISTINCT substr(s, i, 2) FROM generate_series(1, char_length(s) - 1) AS i) $$;

ALTER TABLE feedback ADD COLUMN search_text text GENERATED ALWAYS AS (koe_search_key(title, body)) STORED;
CREATE INDEX feedback_search_bigrams_idx ON feedback USING gin (koe_bigrams(search_text));

-- +goose Down
DROP INDEX feedback_search_bigrams_idx;
ALTER TABLE feedback DROP COLUMN search_text;
DROP FUNCTION koe_bigrams(text);
DROP FUNCTION koe_search_key(text, text);
