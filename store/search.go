package store

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// SearchKey folds text the way the database folds a voice's words into feedback.search_text
// (migration 00031, koe_search_key): NFKC (full-width letters and digits become ASCII, half-width
// katakana full-width), katakana to hiragana, ASCII letters to lower case. Other letters keep
// their case, as PostgreSQL's lower() under the "C" collation keeps them.
func SearchKey(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case r >= 0x30A1 && r <= 0x30F6: // ァ … ヶ
			r -= 0x60
		}
		b.WriteRune(r)
	}
	return b.String()
}

// bigrams are the two-character pieces of a folded query, as koe_bigrams cuts them; none for a
// single character.
func bigrams(key string) []string {
	if utf8.RuneCountInString(key) < 2 {
		return nil
	}
	r := []rune(key)
	seen := map[string]bool{}
	var out []string
	for i := 0; i+1 < len(r); i++ {
		g := string(r[i : i+2])
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// searchText is a voice's search text, folded as koe_search_key(title, body) folds it: the ingest
// stores it with the voice, so that PostgreSQL does not fold the words of every imported voice
// again (migration 00090); other writers leave it to the database.
func searchText(title, body string) string { return SearchKey(title + " " + body) }
