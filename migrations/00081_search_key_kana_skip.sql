-- Folding a voice's words for search (koe_search_key, feedback.search_text) spent most of its
-- time in translate(), which walks its 86-character katakana list for every character of the
-- text, katakana or not. Text with no katakana (English voices, and many Japanese ones) is now
-- checked with one regular expression and kept; text with katakana is translated as before. The
-- result is the same for every text, so stored search_text stays valid.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION koe_hiragana(s text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN s ~ '[ァ-ヶ]' THEN translate(s,
        'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶ',
        'ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖ')
        ELSE s END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION koe_search_key(title text, body text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT koe_hiragana(lower(normalize(coalesce(title, '') || ' ' || coalesce(body, ''), NFKC) COLLATE "C")) $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION koe_search_key(title text, body text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT translate(lower(normalize(coalesce(title, '') || ' ' || coalesce(body, ''), NFKC) COLLATE "C"),
        'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶ',
        'ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖ') $$;
-- +goose StatementEnd
DROP FUNCTION koe_hiragana(text);
