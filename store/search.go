package store

import (
	"slices"
	"strings"

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

// searchGrams are the two-character pieces of a folded text as the search index holds them
// (migration 00092, koe_search_grams): each pair's code points side by side in 32 bits (first <<
// 16 | second, wrapping), sorted, each once; none for fewer than two characters. The database's
// function gives the same numbers.
func searchGrams(key string) []int32 {
	g := make([]int32, 0, len(key)) // never nil: an empty array, not NULL, for a short text
	prev, first := rune(0), true
	for _, r := range key {
		if !first {
			g = append(g, int32(uint32(prev)<<16+uint32(r)))
		}
		prev, first = r, false
	}
	slices.Sort(g)
	return slices.Compact(g)
}

// searchText is a voice's search text, folded as koe_search_key(title, body) folds it: the ingest
// stores it with the voice, so that PostgreSQL does not fold the words of every imported voice
// again (migration 00090); other writers leave it to the database.
func searchText(title, body string) string { return SearchKey(title + " " + body) }
