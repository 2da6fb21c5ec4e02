package bilingual

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// A katakana loanword the dictionary lacks (トランザクション, ノーティフィケーション, デビット: EDICT
// keeps common words and loanwords of up to six letters) is read back into English: its sounds are
// spelt in Latin letters and compared with the English words of the lexicon's own glosses, both
// reduced to the consonants a katakana spelling keeps (transaction and toranzakushon are both
// t-r-n-s-k-sh-n). Without it such a word is skipped, or worse, matched in pieces (ティフ, ビット).

// loanwords is on unless measuring what it adds.
var loanwords = true

// loanDist is the most edits (editDistance, a vowel put in or left out counting half), in
// hundredths of the katakana spelling's length, between a katakana word and the English word it
// is read as. At 40, JSTS read クロネコ as colonic and パラセーリング as pleasuring.
var loanDist = 25

// loanCost is what a loanword costs in segment, against 10 for a dictionary word: two dictionary
// words (25 > 20) beat one loanword.
var loanCost = 25

// minLoanKana and minLoanSounds bound what is read back: shorter words have too many English
// look-alikes (ビル: bill, build, bell).
const (
	minLoanKana   = 3
	minLoanSounds = 3
)

// buildLoanwords indexes the words of the lexicon's glosses (of four letters or more) by their
// consonants; a word becomes a
// gloss list of its own, so the ids Words reports stay below Len.
func (l *Lexicon) buildLoanwords() {
	n := len(l.glosses)
	seen := make(map[string]struct{}, 1<<16)
	var vocab []string
	for i := range n {
		for _, g := range l.glosses[i] {
			start := -1
			for k := 0; k <= len(g); k++ {
				if k < len(g) && g[k] != ' ' && g[k] != '=' {
					if start < 0 {
						start = k
					}
					continue
				}
				if start >= 0 {
					w := g[start:k] // a substring: no copy
					if len(w) >= 4 && isLatinWord(w) {
						if _, dup := seen[w]; !dup {
							seen[w] = struct{}{}
							vocab = append(vocab, w)
						}
					}
				}
				start = -1
			}
		}
	}
	l.loans = make(map[string][]int32, len(vocab)/2)
	l.loanSpelt = make([]string, 0, len(vocab))
	l.loanBase = int32(n)
	for k, w := range vocab {
		spelt := englishSounds(w)
		key := consonants(spelt)
		if len(key) < minLoanSounds {
			continue
		}
		l.loans[key] = append(l.loans[key], int32(len(l.glosses)))
		l.glosses = append(l.glosses, vocab[k:k+1:k+1])
		l.loanSpelt = append(l.loanSpelt, spelt)
	}
}

func isLatinWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// loanword reads a katakana word back into English: the id of the gloss list of the English word
// with its consonants whose spelling is closest, if one is clearly closest.
func (l *Lexicon) loanword(kana string) (int32, bool) {
	if l.loans == nil || utf8.RuneCountInString(kana) < minLoanKana {
		return 0, false
	}
	if first, _ := utf8.DecodeRuneInString(kana); strings.ContainsRune("ーッァィゥェォャュョン", first) {
		return 0, false // a word does not start there
	}
	spelt, ok := kanaSounds(kana)
	if !ok {
		return 0, false
	}
	key := consonants(spelt)
	if len(key) < minLoanSounds {
		return 0, false
	}
	best, bestD, ties := int32(0), 1<<30, 0
	for _, id := range l.loans[key] {
		d := editDistance(spelt, l.loanSpelt[id-l.loanBase])
		switch {
		case d < bestD:
			best, bestD, ties = id, d, 0
		case d == bestD:
			ties++
		}
	}
	// The vowels must mostly agree too: the consonants of debit are those of doubt and debut.
	if ties > 0 || bestD > 2*len(spelt)*loanDist/100 || spelt[0] != l.loanSpelt[best-l.loanBase][0] {
		return 0, false
	}
	return best, true
}

// piece is a word katakana found in a run: its end (bytes from the run's start) and gloss list.
type piece struct {
	end int
	id  int32
}

// katakana segments the run of katakana at text[i:] when the dictionary does not have it whole,
// into the fewest dictionary words and loanwords read back (ダッシュボード: dashboard, not dash
// board; デビットカード: debit, card), a rune no word covers costing as much as a word. It calls fn
// with each and returns the run's length in bytes and true, or false when the dictionary has the
// run whole, when no loanword is read in it, or when runes no word covers are left beside one:
// then match reads the run as before.
func (l *Lexicon) katakana(text string, i int, fn func(word string, id int, glosses []string)) (int, bool) {
	j := i
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if !isKatakana(r) {
			break
		}
		j += size
	}
	run := text[i:j]
	if _, ok := l.words[run]; ok {
		return len(run), false
	}
	var pieces []piece
	if m, ok := l.loanMemo.Load(run); ok {
		pieces = m.([]piece)
	} else {
		pieces = l.segment(run)
		l.loanMemo.Store(run, pieces)
	}
	if pieces == nil {
		return len(run), false
	}
	start := 0
	for _, p := range pieces {
		if p.id >= 0 {
			fn(run[start:p.end], int(p.id), l.glosses[p.id])
		}
		start = p.end
	}
	return len(run), true
}

// segment finds the cheapest cover of a katakana run (see katakana): pieces with id -1 are runes
// no word covers.
func (l *Lexicon) segment(run string) []piece {
	var offs []int // byte offset of each rune, and the end
	for k := range run {
		offs = append(offs, k)
	}
	offs = append(offs, len(run))
	n := len(offs) - 1
	// A dictionary word costs 10, a loanword read back loanCost (less sure), an uncovered rune
	// 20: モーターボート is motor boat, not motivator.
	cost := make([]int, n+1)
	back := make([]piece, n+1)
	from := make([]int, n+1)
	for k := 1; k <= n; k++ {
		cost[k] = 1 << 30
	}
	for a := 0; a < n; a++ {
		if cost[a] == 1<<30 {
			continue
		}
		relax := func(b, c int, id int32) {
			if cost[a]+c < cost[b] {
				cost[b], back[b], from[b] = cost[a]+c, piece{offs[b], id}, a
			}
		}
		relax(a+1, 20, -1)
		for b := a + 1; b <= n; b++ {
			w := run[offs[a]:offs[b]]
			if b-a < 3 && b < n {
				continue // ガン in ガントチャート: a short loanword inside a longer word
			}
			if id, ok := l.words[w]; ok {
				relax(b, 10, id)
			} else if id, ok := l.loanword(w); ok {
				relax(b, loanCost, id)
			}
		}
	}
	var out []piece
	loans, gaps := false, false
	for k := n; k > 0; k = from[k] {
		out = append(out, back[k])
		loans = loans || back[k].id >= l.loanBase
		gaps = gaps || back[k].id < 0
	}
	if !loans || gaps {
		return nil // the dictionary's own reading (match), or a loanword amid unknown runes (メックス in アメックス)
	}
	slices.Reverse(out)
	return out
}

// englishSounds respells an English word the way katakana would hear it, in lower-case letters
// with S for sh, C for ch, j for soft g, r for l, b for v, s for z; vowels kept.
func englishSounds(w string) string {
	for _, r := range [][2]string{{"ssion", "Son"}, {"tion", "Son"}, {"sion", "Son"}, {"ture", "Ca"},
		{"ph", "f"}, {"ck", "k"}, {"qu", "kw"}, {"q", "k"}, {"x", "ks"}, {"th", "s"}, {"sh", "S"},
		{"ch", "C"}, {"wh", "w"}, {"dge", "j"}} {
		w = strings.ReplaceAll(w, r[0], r[1])
	}
	out := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		c := w[i]
		var next byte
		if i+1 < len(w) {
			next = w[i+1]
		}
		switch c {
		case 'c':
			c = 'k'
			if next == 'e' || next == 'i' || next == 'y' {
				c = 's'
			}
		case 'g':
			if i > 0 && (next == 'e' || next == 'i' || next == 'y') {
				c = 'j' // page, logic; get and give keep their g
			}
		case 'r', 'w', 'h':
			if !isVowel(next) {
				continue // car, new, oh: not said in katakana
			}
		case 'l':
			c = 'r'
		case 'v':
			c = 'b'
		case 'z':
			c = 's'
		case 'y':
			c = 'i'
		}
		out = append(out, c)
	}
	return string(out)
}

func isVowel(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }

// consonants keeps the consonants of a respelt word, a doubled one once.
func consonants(s string) string {
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isVowel(c) || (len(out) > 0 && out[len(out)-1] == c) {
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

// kana spells each katakana in Latin letters as englishSounds does; the long-vowel mark and the
// small ッ add nothing.
var kana = map[rune]string{
	'ア': "a", 'イ': "i", 'ウ': "u", 'エ': "e", 'オ': "o",
	'カ': "ka", 'キ': "ki", 'ク': "ku", 'ケ': "ke", 'コ': "ko",
	'ガ': "ga", 'ギ': "gi", 'グ': "gu", 'ゲ': "ge", 'ゴ': "go",
	'サ': "sa", 'シ': "Si", 'ス': "su", 'セ': "se", 'ソ': "so",
	'ザ': "sa", 'ジ': "ji", 'ズ': "su", 'ゼ': "se", 'ゾ': "so",
	'タ': "ta", 'チ': "Ci", 'ツ': "tsu", 'テ': "te", 'ト': "to",
	'ダ': "da", 'ヂ': "ji", 'ヅ': "su", 'デ': "de", 'ド': "do",
	'ナ': "na", 'ニ': "ni", 'ヌ': "nu", 'ネ': "ne", 'ノ': "no",
	'ハ': "ha", 'ヒ': "hi", 'フ': "fu", 'ヘ': "he", 'ホ': "ho",
	'バ': "ba", 'ビ': "bi", 'ブ': "bu", 'ベ': "be", 'ボ': "bo",
	'パ': "pa", 'ピ': "pi", 'プ': "pu", 'ペ': "pe", 'ポ': "po",
	'マ': "ma", 'ミ': "mi", 'ム': "mu", 'メ': "me", 'モ': "mo",
	'ヤ': "ia", 'ユ': "iu", 'ヨ': "io",
	'ラ': "ra", 'リ': "ri", 'ル': "ru", 'レ': "re", 'ロ': "ro",
	'ワ': "wa", 'ヲ': "o", 'ン': "n", 'ヴ': "bu",
	'ァ': "a", 'ィ': "i", 'ゥ': "u", 'ェ': "e", 'ォ': "o",
	'ャ': "a", 'ュ': "u", 'ョ': "o",
	'ッ': "", 'ー': "",
}

// kanaSounds spells a katakana word in Latin letters: a small kana takes the place of the vowel
// before it (ティ ti, ファ fa, キャ ka, ショ So), and makes ウ a w (ウィ wi).
func kanaSounds(s string) (string, bool) {
	out := make([]byte, 0, 3*len(s)/2)
	prev := rune(0)
	for _, r := range s {
		sp, ok := kana[r]
		if !ok {
			return "", false
		}
		if strings.ContainsRune("ァィゥェォャュョ", r) && len(out) > 0 && isVowel(out[len(out)-1]) {
			if prev == 'ウ' {
				out[len(out)-1] = 'w'
			} else {
				out = out[:len(out)-1]
			}
		}
		out = append(out, sp...)
		prev = r
	}
	return string(out), true
}

// editDistance is the Levenshtein distance of two respelt words in halves: a vowel put in or
// left out costs 1 (katakana adds vowels English does not write, and English writes some it does
// not say), anything else 2.
func editDistance(a, b string) int {
	gap := func(c byte) int {
		if isVowel(c) {
			return 1
		}
		return 2
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := 1; j <= len(b); j++ {
		prev[j] = prev[j-1] + gap(b[j-1])
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = prev[0] + gap(a[i-1])
		for j := 1; j <= len(b); j++ {
			sub := 2
			if a[i-1] == b[j-1] {
				sub = 0
			}
			cur[j] = min(prev[j]+gap(a[i-1]), cur[j-1]+gap(b[j-1]), prev[j-1]+sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
