// Command gen builds the compact Japanese→English lexicon that package bilingual embeds, from
// the EDICT file of the Electronic Dictionary Research and Development Group (CC BY-SA; see
// ../LICENSE-EDICT.txt). Run it by hand when the dictionary should be refreshed; CI never needs
// the dictionary, only the committed output:
//
//	apt-get install edict
//	go run ./internal/bilingual/gen -edict /usr/share/edict/edict -out internal/bilingual/lexicon.zst
//
// Each line of the output is "gloss|gloss|…<TAB>key key …": the glosses the English senses of a
// word (the first of each sense first), reduced to lower-case content words, a one-word gloss
// followed by its WordNet synonyms after "="; the keys the Japanese words that have them as
// written (a kanji form, a kana-only word, or with a trailing "~" the unchanging stem of a verb or
// adjective, so conjugated forms meet it).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/encoding/japanese"
)

func main() {
	in := flag.String("edict", "/usr/share/edict/edict", "EDICT file (EUC-JP), from the Debian package edict")
	out := flag.String("out", "internal/bilingual/lexicon.zst", "where to write the lexicon")
	maxGlosses := flag.Int("glosses", 3, "glosses kept per word")
	maxWords := flag.Int("words", 3, "content words a gloss may have (longer ones are explanations)")
	flag.IntVar(&keepKanji, "kanji", keepKanji, "longest uncommon kanji word kept, in letters")
	flag.IntVar(&keepKana, "kana", keepKana, "longest uncommon katakana word kept, in letters")
	all := flag.Bool("all", false, "keep every word, not only the common ones and short compounds")
	wnDir := flag.String("wordnet", "/usr/share/wordnet", "WordNet dictionary (Debian wordnet-base) for synonyms of one-word glosses; empty for none")
	nSyn := flag.Int("synonyms", 2, "WordNet synonyms added per one-word gloss")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	var wn *wordnet
	if *wnDir != "" {
		if wn, err = openWordNet(*wnDir); err != nil {
			log.Fatal(err)
		}
	}
	lex, err := build(japanese.EUCJP.NewDecoder().Reader(f), *maxGlosses, *maxWords, *all)
	if err != nil {
		log.Fatal(err)
	}
	addSynonyms(lex, wn, *nSyn)
	if err := write(*out, lex); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "gen: %d keys written to %s\n", len(lex), *out)
}

// StemMark ends a key that is a conjugation stem rather than a whole word.
const StemMark = "~"

type entry struct {
	glosses []string
	pos     string // WordNet's part of speech for synonyms: n, v or a
	full    bool   // a headword, not a derived stem or reading: never overwritten by one
}

var (
	parens   = regexp.MustCompile(`\([^)]*\)|\{[^}]*\}`)
	posTag   = regexp.MustCompile(`^\(([a-z0-9,\-]+)\)`)
	wordRune = regexp.MustCompile(`[a-z0-9]+`)
	// senseStart finds "(2)" after the part-of-speech tags that open a new sense.
	senseStart = regexp.MustCompile(`^(\([a-zA-Z0-9,\-:]+\) )*\(\d+\) `)
)

// skipTags mark senses no customer writes in today.
// keepKanji is the longest uncommon kanji word kept.
var keepKanji = 4

// keepKana is the longest uncommon katakana word kept.
var keepKana = 6

var skipTags = []string{"arch", "obs", "obsc", "rare", "X", "vulg", "mahj", "shogi", "Buddh", "male-sl"}

// functionPOS are parts of speech that carry no topic.
var functionPOS = map[string]bool{"prt": true, "aux": true, "aux-v": true, "aux-adj": true, "conj": true,
	"cop": true, "cop-da": true, "int": true, "pref": true, "suf": true, "ctr": true}

// glossStop are English words a gloss needs for grammar only.
var glossStop = map[string]bool{"a": true, "an": true, "the": true, "to": true, "of": true, "be": true,
	"one": true, "s": true, "someone": true, "something": true, "oneself": true, "etc": true, "e": true,
	"g": true, "or": true, "and": true, "in": true, "on": true, "at": true, "by": true, "for": true,
	"with": true, "as": true, "is": true, "it": true, "sth": true, "esp": true, "i": true}

func build(r io.Reader, maxGlosses, maxWords int, all bool) (map[string]*entry, error) {
	lex := map[string]*entry{}
	var curPOS string
	put := func(key string, gl []string, full bool) {
		if key == "" || len(gl) == 0 {
			return
		}
		e, ok := lex[key]
		switch {
		case !ok:
			lex[key] = &entry{glosses: gl, full: full, pos: curPOS}
		case full && !e.full:
			e.glosses, e.full, e.pos = gl, true, curPOS
		case full == e.full:
			e.glosses = mergeGlosses(e.glosses, gl, maxGlosses)
		}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for first := true; sc.Scan(); first = false {
		line := sc.Text()
		if first {
			continue // the file's own header line
		}
		head, rest, ok := strings.Cut(line, " /")
		if !ok {
			continue
		}
		word, reading := head, ""
		if w, rd, ok := strings.Cut(head, " ["); ok {
			word, reading = w, strings.TrimSuffix(rd, "]")
		}
		items := strings.Split(strings.TrimSuffix(rest, "/"), "/")
		pos := map[string]bool{}
		if m := posTag.FindStringSubmatch(items[0]); m != nil {
			for _, p := range strings.Split(m[1], ",") {
				pos[p] = true
			}
		}
		if skipEntry(pos, items) || pos["exp"] && allHiragana(word) {
			continue
		}
		curPOS = "n"
		for p := range pos {
			switch {
			case pos["n"]:
			case strings.HasPrefix(p, "v5") || p == "v1" || p == "vs-s" || p == "vk":
				curPOS = "v"
			case p == "adj-i" || p == "adj-na":
				curPOS = "a"
			}
		}
		gl := glosses(items, maxGlosses, maxWords)
		if len(gl) == 0 {
			continue
		}
		common := strings.HasSuffix(rest, "(P)/")
		if keyOK(word) && (all || common || keep(word)) {
			put(word, gl, true)
		}
		if reading != "" && (pos["uk"] || strings.Contains(rest, "(uk)")) && keyOK(reading) && (all || common) {
			put(reading, gl, false)
		}
		if hasKanji(word) {
			if st := stem(word, pos); st != "" && hasKanji(st) {
				put(st+StemMark, gl, false)
			}
		}
	}
	return lex, sc.Err()
}

func skipEntry(pos map[string]bool, items []string) bool {
	for p := range pos {
		if functionPOS[p] {
			return true
		}
	}
	for _, t := range skipTags {
		if strings.Contains(items[0], "("+t+")") || strings.Contains(items[0], ","+t+")") {
			return true
		}
	}
	return false
}

// keyOK drops keys that would match inside ordinary grammar: hiragana of two letters or fewer
// (ない, して, です) and very long expressions that never match whole.
func keyOK(k string) bool {
	n := utf8.RuneCountInString(k)
	if n > 10 {
		return false
	}
	return !(allHiragana(k) && n <= 2) && n >= 1
}

func allHiragana(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Hiragana, r) {
			return false
		}
	}
	return true
}

// addSynonyms appends to each one-word gloss its WordNet synonyms, each after an "="
// (repayment=refund), so the reader can weigh them apart from the dictionary's own words.
func addSynonyms(lex map[string]*entry, wn *wordnet, max int) {
	if wn == nil || max == 0 {
		return
	}
	for _, e := range lex {
		seen := map[string]bool{}
		for _, g := range e.glosses {
			seen[g] = true
		}
		for i, g := range e.glosses {
			if strings.Contains(g, " ") {
				continue
			}
			for _, s := range wn.synonyms(g, e.pos, max) {
				if !seen[s] {
					seen[s] = true
					e.glosses[i] += "=" + s
				}
			}
		}
	}
}

// keep tells an uncommon word worth its place: a katakana loanword, or a compound of at most
// four letters (暗証番号, 本人確認). Longer uncommon entries are mostly idioms and phrases that
// feedback rarely contains whole; uncommon hiragana words mostly collide with grammar.
func keep(word string) bool {
	n := utf8.RuneCountInString(word)
	kata := true
	for _, r := range word {
		if !unicode.Is(unicode.Katakana, r) && r != 'ー' {
			kata = false
		}
	}
	return kata && n <= keepKana || hasKanji(word) && n <= keepKanji
}

func hasKanji(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// stem is the part of a verb or i-adjective that every conjugated form keeps (届く → 届,
// 使える → 使え, 高い → 高, 愛する → 愛), or "" for other words.
func stem(word string, pos map[string]bool) string {
	rs := []rune(word)
	verb := false
	for p := range pos {
		if strings.HasPrefix(p, "v5") || p == "v1" || p == "adj-i" || p == "vk" {
			verb = true
		}
	}
	switch {
	case pos["vs-s"] && len(rs) > 2:
		return string(rs[:len(rs)-2])
	case verb && len(rs) > 1:
		return string(rs[:len(rs)-1])
	}
	return ""
}

// glosses reduces a line's English items to at most max short glosses of content words, taking
// the first gloss of every sense before the second of any (届く: reach, be delivered, …), so the
// few a reader keeps cover the senses rather than the synonyms of the first.
func glosses(items []string, max, maxWords int) []string {
	var senses [][]string
	var long string // the first explanation too long for a gloss, kept when nothing shorter is
	seen := map[string]bool{}
	for _, it := range items {
		if it == "(P)" || strings.HasPrefix(it, "EntL") {
			continue
		}
		if len(senses) == 0 || senseStart.MatchString(it) {
			senses = append(senses, nil)
		}
		it = strings.ToLower(parens.ReplaceAllString(it, " "))
		var ws []string
		for _, w := range wordRune.FindAllString(it, -1) {
			if !glossStop[w] {
				ws = append(ws, w)
			}
		}
		if len(ws) > maxWords && long == "" && len(ws) <= 2*maxWords {
			long = strings.Join(ws, " ")
		}
		if len(ws) == 0 || len(ws) > maxWords {
			continue
		}
		g := strings.Join(ws, " ")
		if seen[g] {
			continue
		}
		seen[g] = true
		senses[len(senses)-1] = append(senses[len(senses)-1], g)
	}
	var out []string
	if len(seen) == 0 && long != "" {
		return []string{long} // 振込: payment made via bank deposit transfer
	}
	for round := 0; len(out) < max; round++ {
		added := false
		for _, s := range senses {
			if round < len(s) && len(out) < max {
				out = append(out, s[round])
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out
}

func mergeGlosses(a, b []string, max int) []string {
	for _, g := range b {
		if len(a) >= max {
			break
		}
		dup := false
		for _, h := range a {
			dup = dup || h == g
		}
		if !dup {
			a = append(a, g)
		}
	}
	return a
}

// write stores one line per distinct gloss list, "glosses<TAB>key key …" (a word's spellings,
// readings and stem share one), compressed with zstd at its best ratio.
func write(path string, lex map[string]*entry) error {
	byGloss := map[string][]string{}
	for k, e := range lex {
		g := strings.Join(e.glosses, "|")
		byGloss[g] = append(byGloss[g], k)
	}
	lines := make([]string, 0, len(byGloss))
	for g, keys := range byGloss {
		sort.Strings(keys)
		lines = append(lines, g+"\t"+strings.Join(keys, " ")+"\n")
	}
	sort.Slice(lines, func(i, j int) bool {
		return lines[i][strings.IndexByte(lines[i], '\t'):] < lines[j][strings.IndexByte(lines[j], '\t'):]
	})
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithWindowSize(1<<23))
	if err != nil {
		return err
	}
	return os.WriteFile(path, enc.EncodeAll([]byte(strings.Join(lines, "")), nil), 0o644)
}
