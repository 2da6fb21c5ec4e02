package scoring

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/koehq/koe/internal/bilingual"
)

// PairModel scores how alike two short texts are (`koe similarity`) by blending TF-IDF cosines of
// single characters and of character pairs with a distributional cosine: each text as the sum of
// its characters' and dictionary words' contexts, learned from the corpus the model is built from
// (two words for one thing, ゾウ and 象, meet through the words both keep company with). The other signals
// pairFeatures computes (content characters, dictionary words, glosses, common subsequence,
// length ratio, number and negation mismatches) were tried and weigh nothing (see pairWeights).
// It is read-only once built and safe for concurrent use.
type PairModel struct {
	df map[string]int32
	n  int
	// ctx is, per character and dictionary word, the terms it shares sentences with more often
	// than chance (positive PMI, L2-normalised).
	ctx    [][]ctxEntry // by context term id, sorted by weight
	ctxIDs map[string]int32
	ctxIDF []float64
	dense  *sync.Pool // of *denseBuf, for contextCosine
}

// NewPairModel counts document frequencies and which terms share sentences over corpus: the
// texts being compared and whatever else of the customer's is at hand.
func NewPairModel(corpus []string) *PairModel {
	m := &PairModel{df: map[string]int32{}, n: len(corpus), ctxIDs: map[string]int32{}}
	var co []map[int32]int32 // per context term, the sentences shared with each other term
	ids := make([]int32, 0, 128)
	for _, text := range corpus {
		t := pairTermsOf(text)
		for _, fam := range t.fams() {
			for k := range fam {
				m.df[k]++
			}
		}
		ids = ids[:0]
		for _, k := range t.ctxTerms() {
			id, ok := m.ctxIDs[k]
			if !ok {
				id = int32(len(co))
				m.ctxIDs[k] = id
				co = append(co, map[int32]int32{})
			}
			ids = append(ids, id)
		}
		for _, a := range ids {
			row := co[a]
			for _, b := range ids {
				if a != b {
					row[b]++
				}
			}
		}
	}
	m.ctxIDF = make([]float64, len(co))
	for k, id := range m.ctxIDs {
		m.ctxIDF[id] = m.idf(k)
	}
	df := make([]float64, len(co))
	for k, id := range m.ctxIDs {
		df[id] = float64(m.df[k])
	}
	m.ctx = make([][]ctxEntry, len(co))
	m.dense = &sync.Pool{New: func() any {
		return &denseBuf{a: make([]float64, len(co)), b: make([]float64, len(co))}
	}}
	n := float64(len(corpus))
	// Context distribution smoothing (df^α over its sum) keeps rare companions from getting
	// the largest PMI by chance.
	var dfSum, dfAlphaSum float64
	for _, d := range df {
		dfSum += d
		dfAlphaSum += math.Pow(d, ctxAlpha)
	}
	pb := make([]float64, len(df))
	for i, d := range df {
		pb[i] = math.Pow(d, ctxAlpha) / dfAlphaSum * dfSum
	}
	for a, row := range co {
		var r []ctxEntry
		for b, c := range row {
			if float64(c) < ctxMinCount {
				continue
			}
			if pmi := math.Log(float64(c) * n / (df[a] * pb[b])); pmi > 0 {
				r = append(r, ctxEntry{b, pmi})
			}
		}
		sort.Slice(r, func(i, j int) bool { return r[i].w > r[j].w || r[i].w == r[j].w && r[i].id < r[j].id })
		if len(r) > ctxTop {
			r = r[:ctxTop]
		}
		var n2 float64
		for _, e := range r {
			n2 += e.w * e.w
		}
		for i := range r {
			r[i].w /= math.Sqrt(n2)
		}
		m.ctx[a] = r
	}
	return m
}

type ctxEntry struct {
	id int32
	w  float64
}

// ctxMinCount is how many sentences two terms must share before they count as context.
var ctxMinCount = 2.0

// ctxSelf is the weight of a term itself in its context vector.
var ctxSelf = 0.1

// ctxAlpha smooths the companions' frequencies (1: none; 0.75 as word2vec does: JSTS 0.743 → 0.750).
var ctxAlpha = 0.75

// ctxTop bounds a term's context to its strongest companions, which keeps a pair cheap.
var ctxTop = 50

func (t *pairTerms) ctxTerms() []string {
	ts := make([]string, 0, len(t.uni)+len(t.lemma))
	for k := range t.uni {
		ts = append(ts, k)
	}
	for k := range t.lemma {
		ts = append(ts, k)
	}
	return ts
}

// contextCosine is the cosine of two texts' distributional vectors: each the IDF-weighted sum of
// its terms' contexts (and, lightly, of the terms themselves).
func (m *PairModel) contextCosine(a, b *pairTerms) float64 {
	buf := m.dense.Get().(*denseBuf)
	defer m.dense.Put(buf)
	va, vb := buf.a, buf.b
	buf.ta = m.context(a, va, buf.ta[:0])
	buf.tb = m.context(b, vb, buf.tb[:0])
	var d, na, nb float64
	for _, id := range buf.ta {
		na += va[id] * va[id]
		d += va[id] * vb[id]
	}
	for _, id := range buf.tb {
		nb += vb[id] * vb[id]
	}
	for _, id := range buf.ta {
		va[id] = 0
	}
	for _, id := range buf.tb {
		vb[id] = 0
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return d / math.Sqrt(na*nb)
}

// denseBuf holds two zeroed dense vectors by context id, and the ids a pair touched, so that
// contextCosine allocates nothing once warm; each call zeroes what it touched before putting it
// back.
type denseBuf struct {
	a, b   []float64
	ta, tb []int32
}

// context adds t's distributional vector into the dense v and returns the ids it touched.
func (m *PairModel) context(t *pairTerms, v []float64, touched []int32) []int32 {
	add := func(id int32, x float64) {
		if v[id] == 0 {
			touched = append(touched, id)
		}
		v[id] += x
	}
	for _, k := range t.ctxTerms() {
		id, ok := m.ctxIDs[k]
		if !ok {
			continue // a term the corpus never saw shares nothing
		}
		w := m.ctxIDF[id]
		for _, e := range m.ctx[id] {
			add(e.id, w*e.w)
		}
		add(id, w*ctxSelf)
	}
	return touched
}

// pairTerms are a text's terms by family, keys prefixed by family so one df map holds them.
type pairTerms struct {
	uni, bi, content, lemma, gloss map[string]float64
	runes                          []rune
	nums                           map[string]bool
	neg                            bool
}

func (t *pairTerms) fams() []map[string]float64 {
	return []map[string]float64{t.uni, t.bi, t.content, t.lemma, t.gloss}
}

// pairTermsOf is every family of text's terms, for learning and for the fit tests.
func pairTermsOf(text string) *pairTerms { return termsOf(text, true) }

// blendTermsOf is only the families Similarity weighs (characters, character pairs, dictionary
// words): the others cost as much as the rest of a pair.
func blendTermsOf(text string) *pairTerms { return termsOf(text, false) }

func termsOf(text string, all bool) *pairTerms {
	t := &pairTerms{uni: map[string]float64{}, bi: map[string]float64{}, lemma: map[string]float64{}}
	if all {
		t.content, t.gloss, t.nums = map[string]float64{}, map[string]float64{}, map[string]bool{}
	}
	nf := strings.ToLower(norm.NFKC.String(text))
	folded := foldKana(nf)
	var prev rune
	num := []rune(nil)
	flushNum := func() {
		if len(num) > 0 {
			t.nums[string(num)] = true
			num = num[:0]
		}
	}
	japanese := false
	for _, r := range folded {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '々') {
			prev = 0
			if all {
				flushNum()
			}
			continue
		}
		japanese = japanese || isCJK(r)
		s := string(r)
		t.uni["u"+s]++
		if prev != 0 {
			t.bi["b"+string(prev)+s]++
		}
		prev = r
		if !all {
			continue
		}
		if unicode.IsDigit(r) {
			num = append(num, r)
		} else {
			flushNum()
		}
		t.runes = append(t.runes, r)
		if !unicode.Is(unicode.Hiragana, r) {
			t.content["c"+s]++
		}
	}
	if !all {
		if japanese {
			bilingual.Default().Words(nf, func(_ string, id int, _ []string) {
				t.lemma["l"+strconv.Itoa(id)]++
			})
		}
		return t
	}
	flushNum()
	for _, r := range nf {
		if n, ok := kanjiDigits[r]; ok {
			t.nums[n] = true
		}
	}
	for _, neg := range jaNegations {
		if strings.Contains(nf, neg) {
			t.neg = true
		}
	}
	ws, cjk := tokens(folded)
	for _, w := range ws {
		if negations[w] {
			t.neg = true
		}
		if !stopwords[w] {
			t.gloss["g"+stem(w)]++
		}
	}
	if len(cjk) > 0 {
		lex := bilingual.Default()
		cache := glossCache(lex)
		lex.Words(nf, func(_ string, id int, glosses []string) {
			t.lemma["l"+strconv.Itoa(id)]++
			terms := cache[id].Load()
			if terms == nil {
				tt := glossTerms(glosses)
				if lemmaTerms {
					tt = append(tt, "#"+strconv.Itoa(id))
				}
				terms = &tt
				cache[id].Store(terms)
			}
			for _, g := range *terms {
				if g[0] != '#' {
					t.gloss["g"+g]++
				}
			}
		})
	}
	return t
}

// kanjiDigits read the kanji numerals a caption writes (二人, 三匹) as the digits others write.
var kanjiDigits = map[rune]string{'一': "1", '二': "2", '三': "3", '四': "4", '五': "5", '六': "6",
	'七': "7", '八': "8", '九': "9", '十': "10", '両': "2"}

func (m *PairModel) idf(k string) float64 {
	return math.Log(float64(m.n+1)/float64(m.df[k]+1)) + 1
}

// cosine is the TF-IDF cosine of two term maps of one family (0 when either is empty).
func (m *PairModel) cosine(a, b map[string]float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	var dot, na, nb float64
	for k, tf := range a {
		w := (1 + math.Log(tf)) * m.idf(k)
		na += w * w
		if tf2, ok := b[k]; ok {
			dot += w * (1 + math.Log(tf2)) * m.idf(k)
		}
	}
	for k, tf := range b {
		w := (1 + math.Log(tf)) * m.idf(k)
		nb += w * w
	}
	return dot / math.Sqrt(na*nb)
}

// lcsRatio is the longest common subsequence of two rune slices over their mean length.
func lcsRatio(a, b []rune) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] >= cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev, cur = cur, prev
	}
	return 2 * float64(prev[len(b)]) / float64(len(a)+len(b))
}

// pairFeatures are the signals the blend weighs, in the order of pairWeights.
func (m *PairModel) pairFeatures(a, b *pairTerms) []float64 {
	la, lb := float64(len(a.runes)), float64(len(b.runes))
	ratio := 0.0
	if la > 0 && lb > 0 {
		ratio = math.Min(la, lb) / math.Max(la, lb)
	}
	numMismatch := 0.0
	if len(a.nums) > 0 && len(b.nums) > 0 {
		shared := false
		for k := range a.nums {
			if b.nums[k] {
				shared = true
			}
		}
		if !shared {
			numMismatch = 1
		}
	}
	negMismatch := 0.0
	if a.neg != b.neg {
		negMismatch = 1
	}
	return []float64{
		m.cosine(a.uni, b.uni),
		m.cosine(a.bi, b.bi),
		m.cosine(a.content, b.content),
		m.cosine(a.lemma, b.lemma),
		m.cosine(a.gloss, b.gloss),
		lcsRatio(a.runes, b.runes),
		ratio,
		numMismatch,
		negMismatch,
		m.contextCosine(a, b),
	}
}

// pairWeights blend pairFeatures (bias last), scaled to [0, 1]. Chosen on JSTS valid by halves
// (fit on the even pairs, scored on the odd ones, and the other way round: TestSearchWeights,
// TestCtxGrid): characters + ½ character pairs + 2 × the context cosine scores 0.764 on the odd
// half and 0.736 on the even one, the same weights being best on each half (characters alone:
// 0.726 on the whole). The other signals — content
// characters, dictionary words, glosses, common subsequence, length ratio, number and negation
// mismatches — lowered the held-out half whenever the fit gave them weight, so they weigh nothing;
// they stay computed for the fit tests.
var pairWeights = []float64{1 / 3.5, 0.5 / 3.5, 0, 0, 0, 0, 0, 0, 0, 2 / 3.5, 0}

// Similarity scores two texts in [0, 1]. Only the signals that weigh are computed.
func (m *PairModel) Similarity(a, b string) float64 {
	ta, tb := blendTermsOf(a), blendTermsOf(b)
	s := pairWeights[len(pairWeights)-1] +
		pairWeights[0]*m.cosine(ta.uni, tb.uni) +
		pairWeights[1]*m.cosine(ta.bi, tb.bi) +
		pairWeights[9]*m.contextCosine(ta, tb)
	return math.Max(0, math.Min(1, s))
}
