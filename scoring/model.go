package scoring

import (
	"maps"
	"math"
	"runtime"
	"slices"
	"sync"
)

// Model weighs terms by how rare they are in a corpus (inverse document frequency). Build it
// from the customer's own texts — requests, their linked voices, everything ingested — so that
// what is common in this product's feedback counts for little. It is read-only once built.
type Model struct {
	// words and chars map each family's terms to ids; two maps, so a lookup needs no prefixed key.
	words, chars map[string]int32
	idf          []float32
	n            int
	// WordWeight is the share of the word family in a similarity (the rest is characters).
	WordWeight float64
}

// NewModel counts document frequencies over corpus, on every core.
func NewModel(corpus []string) *Model {
	type counts struct{ w, c map[string]int32 }
	workers := min(runtime.GOMAXPROCS(0), max(1, len(corpus)/512))
	parts := make([]counts, workers)
	var wg sync.WaitGroup
	for p := range parts {
		parts[p] = counts{map[string]int32{}, map[string]int32{}}
		wg.Go(func() {
			for i := p; i < len(corpus); i += workers {
				w, c := termCounts(corpus[i])
				for t := range w {
					parts[p].w[t]++
				}
				for t := range c {
					parts[p].c[t]++
				}
			}
		})
	}
	wg.Wait()
	m := &Model{words: map[string]int32{}, chars: map[string]int32{}, WordWeight: 0.5, n: len(corpus)}
	// Ids go to the terms in sorted order, words first: the same corpus gives the same ids in
	// every run, so scores added in id order (Dot, the walk) and near-ties between requests come
	// out the same every time (with ids in map order, BANKING77 top-1 read 0.6909 or 0.6912).
	var df []int32
	number := func(into map[string]int32, from func(*counts) map[string]int32) {
		total := map[string]int32{}
		for i := range parts {
			for t, d := range from(&parts[i]) {
				total[t] += d
			}
		}
		for _, t := range slices.Sorted(maps.Keys(total)) {
			into[t] = int32(len(df))
			df = append(df, total[t])
		}
	}
	number(m.words, func(c *counts) map[string]int32 { return c.w })
	number(m.chars, func(c *counts) map[string]int32 { return c.c })
	m.idf = make([]float32, len(df))
	for i, d := range df {
		m.idf[i] = float32(math.Log(float64(m.n+1)/float64(d+1)) + 1)
	}
	return m
}

// Terms is the number of distinct terms the model knows.
func (m *Model) Terms() int { return len(m.idf) }

// Vec is a text as weighted term ids, L2-normalised within each family and scaled by the
// family's weight, so that the dot product of two Vecs is the blended cosine.
type Vec struct {
	ids []int32
	w   []float32
}

// unknownIDF is the weight of a term the corpus never saw: rare, so telling.
func (m *Model) unknownIDF() float32 { return float32(math.Log(float64(m.n+1)) + 1) }

// Vector turns text into a Vec. Terms the model does not know are dropped for the dot product
// (nothing else can share them) but still count in the norm.
func (m *Model) Vector(text string) Vec {
	w, c := termCounts(text)
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
	m.family(&v, w, m.words, wShare)
	m.family(&v, c, m.chars, cShare)
	// Sort by id for merging dot products (ids are unique: both families share one numbering).
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

// family appends one family's known terms to v, weighted and scaled to share.
func (m *Model) family(v *Vec, terms map[string]float64, ids map[string]int32, share float64) {
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

// Dot is the blended cosine of two Vecs of one model, in [0, 1]. It walks the shorter Vec and
// skips through the longer (a query against a 256-term centroid): the skip is a loop the branch
// predictor learns, where a three-way merge mispredicts at every step. The products are added in
// the order of their ids either way.
func Dot(a, b Vec) float64 {
	if len(a.ids) > len(b.ids) {
		a, b = b, a
	}
	var s float32
	bids, bw := b.ids, b.w
	j := 0
	for i, id := range a.ids {
		for j < len(bids) && bids[j] < id {
			j++
		}
		if j == len(bids) {
			break
		}
		if bids[j] == id {
			s += a.w[i] * bw[j]
			j++
		}
	}
	return float64(s)
}

// Similarity scores two texts in [0, 1] under m.
func (m *Model) Similarity(a, b string) float64 { return Dot(m.Vector(a), m.Vector(b)) }
