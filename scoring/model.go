package scoring

import (
	"bytes"
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
//
// It looks terms up as scanTerms finds them, keys built in reused memory, and counts the known
// ones by sorting their ids: no map or string per term (termCounts' maps, weighed in their order,
// gave the same weights bit for bit, see vector_pin_test.go, at twice the time and 106 allocations
// a synthetic query where this makes 2).
func (m *Model) Vector(text string) Vec {
	sc := getTermScratch()
	s := &sc.vec
	s.reset(m)
	scanTerms(text, sc, s)
	wShare, cShare := m.WordWeight, 1-m.WordWeight
	if !s.anyWords {
		cShare = 1
	}
	if !s.anyChars {
		wShare = 1
	}
	var words, chars []idCount
	words, s.keys = m.family(s.outWords[:0], s.words, s.keys, func(idf float32) float64 { return s.unknownNorm(s.unknownWords, idf) }, s.anyWords, wShare)
	chars, s.keys = m.family(s.outChars[:0], s.chars, s.keys, func(idf float32) float64 { return s.unknownNorm(s.unknownChars, idf) }, s.anyChars, cShare)
	s.outWords, s.outChars = words, chars
	// Merge the two families by id (ids are unique: both families share one numbering).
	n := len(words) + len(chars)
	v := Vec{ids: make([]int32, n), w: make([]float32, n)}
	i, j := 0, 0
	for k := range n {
		if j == len(chars) || i < len(words) && words[i].id < chars[j].id {
			v.ids[k], v.w[k] = words[i].id, float32(words[i].c)
			i++
		} else {
			v.ids[k], v.w[k] = chars[j].id, float32(chars[j].c)
			j++
		}
	}
	s.m = nil
	putTermScratch(sc)
	return v
}

// idCount is a known term and its count, then its weight.
type idCount struct {
	id int32
	c  float64
}

// vecSink looks up the terms of one text in a model as they come.
type vecSink struct {
	m                          *Model
	words, chars               []idCount // known terms, in the order found
	keys                       []uint64  // for family
	outWords, outChars         []idCount // for family
	unknown                    []byte    // the unknown terms' keys, one after another
	unknownWords, unknownChars []unknownTerm
	anyWords, anyChars         bool
}

// unknownTerm is a term the model does not know: its key, in vecSink.unknown, and its count.
type unknownTerm struct {
	from, to int32
	c        float64
}

func (s *vecSink) reset(m *Model) {
	s.m, s.words, s.chars, s.anyWords, s.anyChars = m, s.words[:0], s.chars[:0], false, false
	s.unknown, s.unknownWords, s.unknownChars = s.unknown[:0], s.unknownWords[:0], s.unknownChars[:0]
}

func (s *vecSink) addUnknown(to []unknownTerm, t []byte, ts string, count float64) []unknownTerm {
	from := len(s.unknown)
	s.unknown = append(append(s.unknown, t...), ts...)
	return append(to, unknownTerm{int32(from), int32(len(s.unknown)), count})
}

func (s *vecSink) word(t []byte, count float64) {
	s.anyWords = true
	if id, ok := s.m.words[string(t)]; ok {
		s.words = append(s.words, idCount{id, count})
	} else {
		s.unknownWords = s.addUnknown(s.unknownWords, t, "", count)
	}
}

func (s *vecSink) wordString(t string, count float64) {
	s.anyWords = true
	if id, ok := s.m.words[t]; ok {
		s.words = append(s.words, idCount{id, count})
	} else {
		s.unknownWords = s.addUnknown(s.unknownWords, nil, t, count)
	}
}

func (s *vecSink) char(t []byte) {
	s.anyChars = true
	if id, ok := s.m.chars[string(t)]; ok {
		s.chars = append(s.chars, idCount{id, 1})
	} else {
		s.unknownChars = s.addUnknown(s.unknownChars, t, "", 1)
	}
}

func (s *vecSink) charString(t string) {
	s.anyChars = true
	if id, ok := s.m.chars[t]; ok {
		s.chars = append(s.chars, idCount{id, 1})
	} else {
		s.unknownChars = s.addUnknown(s.unknownChars, nil, t, 1)
	}
}

// unknownNorm is the squared norm the unknown terms add: sorted by key (stably: a term's counts
// add up in the order found), one weight per distinct term.
func (s *vecSink) unknownNorm(terms []unknownTerm, idf float32) float64 {
	key := func(t unknownTerm) []byte { return s.unknown[t.from:t.to] }
	slices.SortStableFunc(terms, func(a, b unknownTerm) int { return bytes.Compare(key(a), key(b)) })
	var norm float64
	for i := 0; i < len(terms); {
		k, tf := key(terms[i]), 0.0
		for ; i < len(terms) && bytes.Equal(key(terms[i]), k); i++ {
			tf += terms[i].c
		}
		weight := float32(1 + math.Log(tf))
		weight *= idf
		norm += float64(weight * weight)
	}
	return norm
}

// family weighs one family's known terms (found in that order, an id once per occurrence),
// scaled to share, and appends them to out one per id, sorted, each with its weight (as float32)
// in c. A term's counts add up in the order found, as termCounts adds them (a gloss counts
// fractions): known is sorted by id and place, packed in keys (memory to reuse, returned). The
// squares add up in id order where termCounts' map gave a random order: float32 squares of
// weights this close in size add up exactly in a float64, in any order (vector_pin_test.go).
func (m *Model) family(out, known []idCount, keys []uint64, unknownNorm func(idf float32) float64, any bool, share float64) ([]idCount, []uint64) {
	if !any || share == 0 {
		return out, keys
	}
	keys = keys[:0]
	for i, t := range known {
		keys = append(keys, uint64(uint32(t.id))<<32|uint64(i))
	}
	slices.Sort(keys)
	var norm float64
	for i := 0; i < len(keys); {
		id, tf := int32(keys[i]>>32), 0.0
		for ; i < len(keys) && int32(keys[i]>>32) == id; i++ {
			tf += known[uint32(keys[i])].c
		}
		weight := float32(1 + math.Log(tf))
		weight *= m.idf[id]
		out = append(out, idCount{id, float64(weight)})
		norm += float64(weight * weight)
	}
	norm += unknownNorm(m.unknownIDF())
	scale := float32(math.Sqrt(share) / math.Sqrt(norm))
	for i := range out {
		out[i].c = float64(float32(out[i].c) * scale)
	}
	return out, keys
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
