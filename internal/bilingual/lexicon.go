// Package bilingual bridges Japanese and English text: it finds the dictionary words in a run
// of Japanese script and gives their English glosses, so a Japanese voice and an English request
// (or the other way round) share terms. The lexicon is generated from EDICT (see gen/ and
// LICENSE-EDICT.txt) and embedded, so nothing is downloaded at run time.
package bilingual

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
)

//go:embed lexicon.zst
var lexiconZst []byte

//go:embed support.tsv
var supportTSV string

// stemMark ends a key that is the unchanging stem of a verb or adjective (届く → "届~").
const stemMark = "~"

// Lexicon maps Japanese words to English glosses. It is read-only once loaded and safe for
// concurrent use.
type Lexicon struct {
	words   map[string]int32 // whole word → index into glosses
	stems   map[string]int32 // verb or adjective stem → index into glosses
	glosses [][]string
	lengths map[rune]uint16    // first rune → bit n set when a key of n runes starts with it
	pairs   map[[2]rune]uint16 // first two runes → bit n set when a key of n ≥ 2 runes starts with them

	loans     map[string][]int32 // consonants of an English gloss word → its own gloss lists
	loanSpelt []string           // the English word of gloss list loanBase+i, respelt
	loanBase  int32
	loanMemo  sync.Map // katakana run → []piece, how katakanaRun segmented it
}

var (
	defaultOnce sync.Once
	defaultLex  *Lexicon
)

// Default is the embedded lexicon, loaded on first use (once per process).
func Default() *Lexicon {
	defaultOnce.Do(func() {
		lex, err := parse(lexiconZst)
		if err != nil {
			panic("bilingual: embedded lexicon: " + err.Error()) // a broken build, not bad input
		}
		if supplement {
			lex.supplement(supportTSV)
		}
		if loanwords {
			lex.buildLoanwords()
		}
		defaultLex = lex
	})
	return defaultLex
}

func parse(zst []byte) (*Lexicon, error) {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	raw, err := dec.DecodeAll(zst, nil)
	if err != nil {
		return nil, err
	}
	// Keys are substrings of one string: no allocation per key.
	data := string(raw)
	l := &Lexicon{words: make(map[string]int32, 1<<18), stems: map[string]int32{},
		lengths: map[rune]uint16{}, pairs: map[[2]rune]uint16{}}
	for len(data) > 0 {
		line := data
		if i := strings.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = ""
		}
		gl, keys, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		idx := int32(len(l.glosses))
		l.glosses = append(l.glosses, strings.Split(gl, "|"))
		for len(keys) > 0 {
			key := keys
			if i := strings.IndexByte(keys, ' '); i >= 0 {
				key, keys = keys[:i], keys[i+1:]
			} else {
				keys = ""
			}
			if k, isStem := strings.CutSuffix(key, stemMark); isStem {
				l.stems[k] = idx
				key = k
			} else {
				l.words[key] = idx
			}
			l.index(key)
		}
	}
	return l, nil
}

// index notes key's length under its first runes, for match.
func (l *Lexicon) index(key string) {
	first, size := utf8.DecodeRuneInString(key)
	n := utf8.RuneCountInString(key)
	if n >= 16 {
		return
	}
	l.lengths[first] |= 1 << n
	if n >= 2 {
		second, _ := utf8.DecodeRuneInString(key[size:])
		l.pairs[[2]rune{first, second}] |= 1 << n
	}
}

// supplement is on unless measuring what support.tsv adds.
var supplement = true

// supplement puts the glosses of support.tsv before the dictionary's for its keys.
func (l *Lexicon) supplement(tsv string) {
	for _, line := range strings.Split(tsv, "\n") {
		key, gl, ok := strings.Cut(line, "\t")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		m := l.words
		if k, isStem := strings.CutSuffix(key, stemMark); isStem {
			m, key = l.stems, k
		}
		glosses := strings.Split(gl, "|")
		if old, ok := m[key]; ok {
			for _, g := range l.glosses[old] {
				if !slices.Contains(glosses, g) && !slices.Contains(glosses, strings.SplitN(g, "=", 2)[0]) {
					glosses = append(glosses, g)
				}
			}
		}
		m[key] = int32(len(l.glosses))
		l.glosses = append(l.glosses, glosses)
		l.index(key)
	}
}

// Len is the number of distinct gloss lists.
func (l *Lexicon) Len() int { return len(l.glosses) }

// particles follow a noun, never a verb stem: after one of them a key is read as a whole word.
const particles = "をがはのにでともへやか"

// Words segments text (Japanese script; other runes end a run) by longest dictionary match and
// calls fn with each word found, the id of its gloss list (in [0, Len()), the same for words
// that share one, so a caller can cache what it derives from them) and the glosses, best sense
// first. A verb or adjective is found
// through its stem, so 届いていません meets 届く. Runes no key starts with are skipped.
func (l *Lexicon) Words(text string, fn func(word string, id int, glosses []string)) {
	tried := 0 // the end of the last run of katakana read for loanwords
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if l.loans != nil && i >= tried && isKatakana(r) && r != 'ー' {
			n, read := l.katakana(text, i, fn)
			tried = i + n
			if read {
				i += n
				continue
			}
		}
		n, idx := l.match(text, i, r)
		if n == 0 {
			i += size
			continue
		}
		fn(text[i:i+n], int(idx), l.glosses[idx])
		i += n
	}
}

// match finds the longest key at text[i:] (first rune r), preferring a stem to a whole word of
// the same length when kana that could be a conjugation follow it. It returns the key's length
// in bytes.
func (l *Lexicon) match(text string, i int, r rune) (int, int32) {
	mask := l.lengths[r]
	if mask == 0 || !isJapanese(r) {
		return 0, 0
	}
	// Most positions are ruled out by their first two runes, before any look-up in the big maps.
	mask &= 1 << 1
	r2, size := utf8.DecodeRuneInString(text[i+utf8.RuneLen(r):])
	if size > 0 && isJapanese(r2) {
		mask |= l.pairs[[2]rune{r, r2}]
	}
	if mask == 0 {
		return 0, 0
	}
	// ends[n] is the byte offset after n runes of Japanese script.
	var ends [16]int
	n, j := 0, i
	for n < 15 && j < len(text) && mask>>(n+1) != 0 {
		r, size := utf8.DecodeRuneInString(text[j:])
		if !isJapanese(r) {
			break
		}
		j += size
		n++
		ends[n] = j
	}
	for ; n > 0; n-- {
		if mask&(1<<n) == 0 {
			continue
		}
		key := text[i:ends[n]]
		if n < 3 && katakanaRun(text, i, ends[n]) {
			continue // ガン in ガントチャート: a short loanword inside a longer unknown one
		}
		if next, _ := utf8.DecodeRuneInString(text[ends[n]:]); unicode.Is(unicode.Hiragana, next) && !strings.ContainsRune(particles, next) {
			if idx, ok := l.stems[key]; ok {
				return len(key), idx
			}
		}
		if idx, ok := l.words[key]; ok {
			return len(key), idx
		}
	}
	return 0, 0
}

// katakanaRun tells text[i:j] is all katakana and the katakana goes on after it.
func katakanaRun(text string, i, j int) bool {
	next, _ := utf8.DecodeRuneInString(text[j:])
	if !isKatakana(next) {
		return false
	}
	for _, r := range text[i:j] {
		if !isKatakana(r) {
			return false
		}
	}
	return true
}

func isKatakana(r rune) bool { return unicode.Is(unicode.Katakana, r) || r == 'ー' }

func isJapanese(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == '々' || r == 'ー'
}
