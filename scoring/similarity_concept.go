package scoring

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/koehq/koe/internal/bilingual"
)

var (
	conceptCacheOnce sync.Once
	conceptCacheOf   *bilingual.Lexicon
	conceptCacheData []atomic.Pointer[[]string]
)

// conceptCache holds, per gloss list of the lexicon, its concept terms, derived on first use.
func conceptCache(lex *bilingual.Lexicon) []atomic.Pointer[[]string] {
	conceptCacheOnce.Do(func() {
		conceptCacheOf = lex
		conceptCacheData = make([]atomic.Pointer[[]string], lex.Len())
	})
	if lex != conceptCacheOf {
		panic("scoring: one lexicon per process")
	}
	return conceptCacheData
}

// conceptsOf are the concept terms of the dictionary word with gloss list id: the words of its
// first gloss (before any "=" synonyms), stemmed, without stop words, prefixed "k". Two words
// for one thing (台所 and キッチン, 男性 and 男の人) share them, so they count as one context term.
func conceptsOf(cache []atomic.Pointer[[]string], id int, glosses []string) []string {
	if p := cache[id].Load(); p != nil {
		return *p
	}
	var ks []string
	if len(glosses) > 0 {
		g, _, _ := strings.Cut(glosses[0], "=")
		for _, w := range strings.Fields(g) {
			if !stopwords[w] {
				ks = append(ks, "k"+stem(w))
			}
		}
	}
	cache[id].Store(&ks)
	return ks
}
