package scoring

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/koehq/koe/internal/bilingual"
)

// This file pins Model.Vector and termCounts to a copy of their implementation from before they
// were made faster (map-based, string keys): the faster code must give the same term ids and
// weights, bit for bit, or every figure koe eval prints could move.

// vectorReference is Model.Vector as it was: termCountsReference's maps, weighted per family in
// map order, then sorted by id.
func vectorReference(m *Model, text string) Vec {
	w, c := termCountsReference(text)
	wShare, cShare := m.WordWeight, 1-m.WordWeight
	if len(w) == 0 {
		cShare = 1
	}
	if len(c) == 0 {
		wShare = 1
	}
	var v Vec
	n := len(w) + len(c)
	v.ids, v.w = make([]int32, 0, n), make([]float32, 0, n)
	familyReference(m, &v, w, m.words, wShare)
	familyReference(m, &v, c, m.chars, cShare)
	type term struct {
		id int32
		w  float32
	}
	sorted := make([]term, len(v.ids))
	for i := range sorted {
		sorted[i] = term{v.ids[i], v.w[i]}
	}
	slices.SortFunc(sorted, func(a, b term) int { return int(a.id) - int(b.id) })
	for i, t := range sorted {
		v.ids[i], v.w[i] = t.id, t.w
	}
	return v
}

func familyReference(m *Model, v *Vec, terms map[string]float64, ids map[string]int32, share float64) {
	if len(terms) == 0 || share == 0 {
		return
	}
	start := len(v.ids)
	var norm float64
	unknown := m.unknownIDF()
	for t, tf := range terms {
		weight := float32(1 + math.Log(tf))
		if id, ok := ids[t]; ok {
			weight *= m.idf[id]
			v.ids = append(v.ids, id)
			v.w = append(v.w, weight)
		} else {
			weight *= unknown
		}
		norm += float64(weight * weight)
	}
	scale := float32(math.Sqrt(share) / math.Sqrt(norm))
	for i := start; i < len(v.ids); i++ {
		v.w[i] *= scale
	}
}

func foldKanaReference(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'ァ' && r <= 'ヶ':
			return r - 'ァ' + 'ぁ'
		case r == 'ー' || r == '〜' || r == '～':
			return -1
		}
		return r
	}, s)
}

func stemReference(w string) string {
	if len(w) <= 3 {
		return w
	}
	for _, suf := range []string{"ational", "ations", "ation", "ments", "ment", "ness", "ings", "ing", "ies", "ied", "edly", "ed", "es", "ly", "s"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			base := w[:len(w)-len(suf)]
			switch {
			case suf == "ies" || suf == "ied":
				base += "y"
			case undouble && (suf == "ing" || suf == "ed") && doubled(base):
				base = base[:len(base)-1]
			}
			return base
		}
	}
	return w
}

func tokensReference(s string) (words []string, cjk []string) {
	var cur []rune
	kind := 0
	flush := func() {
		if len(cur) > 0 {
			if kind == 1 {
				words = append(words, string(cur))
			} else {
				cjk = append(cjk, string(cur))
			}
		}
		cur, kind = cur[:0], 0
	}
	for _, r := range s {
		switch {
		case isCJK(r):
			if kind != 2 {
				flush()
			}
			kind = 2
			cur = append(cur, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if kind != 1 {
				flush()
			}
			kind = 1
			cur = append(cur, r)
		case r == '\'' && kind == 1:
		default:
			flush()
		}
	}
	flush()
	return words, cjk
}

func termCountsReference(text string) (words, chars map[string]float64) {
	words, chars = map[string]float64{}, map[string]float64{}
	nf := strings.ToLower(norm.NFKC.String(text))
	ws, cjk := tokensReference(foldKanaReference(nf))
	var kept []string
	for _, w := range ws {
		if negations[w] {
			w = "not"
		}
		st := stemReference(w)
		if !stopwords[w] {
			words[st]++
			kept = append(kept, st)
		}
		padded := []rune("<" + w + ">")
		for i := 0; i+3 <= len(padded); i++ {
			chars[string(padded[i:i+3])]++
		}
	}
	for i := 0; i+1 < len(kept); i++ {
		words[kept[i]+"_"+kept[i+1]]++
	}
	if len(cjk) > 0 && bridge {
		addGlossesReference(words, nf, bilingual.Default())
		for _, neg := range jaNegations {
			if n := strings.Count(nf, neg); n > 0 {
				words["not"] += float64(n)
			}
		}
	}
	for _, run := range cjk {
		rs := []rune(run)
		for n := cjkMin; n <= cjkMax; n++ {
			for i := 0; i+n <= len(rs); i++ {
				chars[string(rs[i:i+n])]++
			}
		}
	}
	return words, chars
}

func addGlossesReference(words map[string]float64, text string, lex *bilingual.Lexicon) {
	pos, prevLast := 0, ""
	lex.Words(text, func(word string, id int, glosses []string) {
		terms := weightedGlossTerms(glosses)
		if lemmaTerms {
			terms = append(terms, glossTerm{"#" + strconv.Itoa(id), 1})
		}
		first, last := glossEnds(glosses)
		for _, t := range terms {
			words[t.term] += t.count
		}
		if compoundPairs {
			at := strings.Index(text[pos:], word)
			if at == 0 && prevLast != "" && first != "" {
				words[prevLast+"_"+first]++
			}
			pos += max(at, 0) + len(word)
			prevLast = last
		}
	})
}

// pinTexts are texts of every kind the scorer meets: synthetic requests, English support
// messages, Japanese ones, mixed, edge cases of normalization and case; the shared data when
// present.
func pinTexts(t *testing.T) []string {
	reqs, qs := syntheticRequests(300, 3, 500)
	var texts []string
	for _, r := range reqs {
		texts = append(texts, r.Title)
		texts = append(texts, r.Examples...)
	}
	texts = append(texts, qs...)
	for _, r := range fixture {
		texts = append(texts, r.Title)
		texts = append(texts, r.Examples...)
	}
	texts = append(texts, "", "!!!", " ", "a", "I", "ＣＳＶでレポートを出力できるようにしてください", "全く関係のない天気の話",
		"Don't DO that!!! It isn't WORKING", "ＡＢＣ　ｄｅｆ １２３ ｶﾀｶﾅ ﾊﾞﾝｸ", "Straße ÉCOLE İstanbul ǅemal ΣΟΦΙΑ",
		"café cafe\u0301 ﬁnance ﬃ ½ ①②", "カードが使えません。届かない、少ない〜～ー", "topping transferred studies studied",
		"x1 2y 3 it's o'clock 'quoted' rock'n'roll", "mixed日本語and English混在テキスト", "々時々人々",
		"Привет мир 你好世界 안녕하세요", "😀 emoji 😀 ok", "tab\tnew\nline", "\xff\xfe invalid utf8 \xc3",
		"ＳＳＯ対応の予定はありますか？　ダークモードにしてほしい", "ヴァイオリン ヵヶ ゔ", "為替レートと送金手数料と現金引き出し")
	for _, name := range []string{"banking77_ja.tsv", "banking77_ja_heldout.tsv", "banking77_ja_heldout2.tsv", "banking77_ja_titles.tsv"} {
		b, err := os.ReadFile(filepath.Join("..", "internal", "quality", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Split(l, "\t"); len(f) >= 2 {
				texts = append(texts, f[len(f)-1])
			}
		}
	}
	dir := filepath.Join("..", "..", "shared", "data")
	if _, err := os.Stat(dir); err == nil {
		for _, name := range []string{"banking77_train.csv", "banking77_test.csv"} {
			for i, r := range readCSV(t, filepath.Join(dir, name)) {
				if i%3 == 0 {
					texts = append(texts, r[0])
				}
			}
		}
		if f, err := os.Open(filepath.Join(dir, "jsts_valid.jsonl")); err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				var p struct {
					S1 string `json:"sentence1"`
					S2 string `json:"sentence2"`
				}
				if json.Unmarshal(sc.Bytes(), &p) == nil {
					texts = append(texts, p.S1, p.S2)
				}
			}
			f.Close()
		}
		for _, name := range []string{"uci_amazon_cells_labelled.txt", "uci_yelp_labelled.txt"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				continue
			}
			for i, l := range strings.Split(string(b), "\n") {
				if i%4 == 0 {
					texts = append(texts, strings.Split(l, "\t")[0])
				}
			}
		}
	} else {
		t.Logf("%s absent: shared data left out", dir)
	}
	return texts
}

func sameCounts(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		y, ok := b[k]
		if !ok || math.Float64bits(x) != math.Float64bits(y) {
			return false
		}
	}
	return true
}

// TestTermCountsPinned: termCounts gives the reference's terms and counts, bit for bit, bridge
// on and off.
func TestTermCountsPinned(t *testing.T) {
	texts := pinTexts(t)
	for _, on := range []bool{true, false} {
		func() {
			defer func(b bool) { bridge = b }(bridge)
			bridge = on
			for _, s := range texts {
				w, c := termCounts(s)
				rw, rc := termCountsReference(s)
				if !sameCounts(w, rw) || !sameCounts(c, rc) {
					t.Fatalf("bridge %v, %q:\nwords %v\nwant  %v\nchars %v\nwant  %v", on, s, w, rw, c, rc)
				}
			}
		}()
	}
	t.Logf("%d texts", len(texts))
}

// TestVectorPinned: Vector gives the reference's ids and weights, bit for bit, under a model
// built from half the texts (so the other half has unknown terms), at several word weights.
func TestVectorPinned(t *testing.T) {
	texts := pinTexts(t)
	var corpus []string
	for i, s := range texts {
		if i%2 == 0 {
			corpus = append(corpus, s)
		}
	}
	m := NewModel(corpus)
	for _, ww := range []float64{0.5, 0.3, 1, 0} {
		m.WordWeight = ww
		for _, s := range texts {
			got, want := m.Vector(s), vectorReference(m, s)
			if !slices.Equal(got.ids, want.ids) || len(got.w) != len(want.w) {
				t.Fatalf("word weight %v, %q: ids %v, want %v", ww, s, got.ids, want.ids)
			}
			for i := range got.w {
				if math.Float32bits(got.w[i]) != math.Float32bits(want.w[i]) {
					t.Fatalf("word weight %v, %q: weight of %d %v, want %v", ww, s, got.ids[i], got.w[i], want.w[i])
				}
			}
		}
	}
	t.Logf("%d texts, %d terms", len(texts), m.Terms())
}

// BenchmarkVector is the cost of one query's Vec under a model of 2,000 synthetic requests (12,000 texts),
// against the reference implementation.
func BenchmarkVector(b *testing.B) {
	reqs, qs := syntheticRequests(2000, 5, 1000)
	var corpus []string
	for _, r := range reqs {
		corpus = append(corpus, r.Title)
		corpus = append(corpus, r.Examples...)
	}
	m := NewModel(corpus)
	m.Vector(qs[0])
	for _, c := range []struct {
		name string
		f    func(string) Vec
	}{{"new", m.Vector}, {"reference", func(s string) Vec { return vectorReference(m, s) }}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c.f(qs[i%len(qs)])
				i++
			}
		})
	}
}
