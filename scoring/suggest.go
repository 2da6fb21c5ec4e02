package scoring

import (
	"math"
	"sort"
	"sync"
)

// Model weighs terms by how rare they are in a corpus (inverse document frequency). Build it
// from the customer's own texts — requests, their linked voices, everything ingested — so that
// what is common in this product's feedback counts for little. It is read-only once built.
type Model struct {
	terms map[string]int32 // term → id
	idf   []float32
	n     int
	// WordWeight is the share of the word family in a similarity (the rest is characters).
	WordWeight float64
}

// NewModel counts document frequencies over corpus.
func NewModel(corpus []string) *Model {
	m := &Model{terms: map[string]int32{}, WordWeight: 0.5}
	var df []int32
	add := func(key string) {
		id, ok := m.terms[key]
		if !ok {
			id = int32(len(df))
			m.terms[key] = id
			df = append(df, 0)
		}
		df[id]++
	}
	for _, text := range corpus {
		w, c := termCounts(text)
		for t := range w {
			add("w:" + t)
		}
		for t := range c {
			add("c:" + t)
		}
	}
	m.n = len(corpus)
	m.idf = make([]float32, len(df))
	for i, d := range df {
		m.idf[i] = float32(math.Log(float64(m.n+1)/float64(d+1)) + 1)
	}
	return m
}

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
	var v Vec
	fams := []struct {
		prefix string
		terms  map[string]float64
		share  float64
	}{{"w:", w, m.WordWeight}, {"c:", c, 1 - m.WordWeight}}
	if len(w) == 0 {
		fams[1].share = 1
	}
	if len(c) == 0 {
		fams[0].share = 1
	}
	for _, f := range fams {
		if len(f.terms) == 0 || f.share == 0 {
			continue
		}
		start := len(v.ids)
		var norm float64
		for t, tf := range f.terms {
			weight := float32(1 + math.Log(tf))
			id, ok := m.terms[f.prefix+t]
			if ok {
				weight *= m.idf[id]
			} else {
				weight *= m.unknownIDF()
				id = -1
			}
			norm += float64(weight * weight)
			v.ids = append(v.ids, id)
			v.w = append(v.w, weight)
		}
		scale := float32(math.Sqrt(f.share) / math.Sqrt(norm))
		for i := start; i < len(v.ids); i++ {
			v.w[i] *= scale
		}
	}
	// Drop unknown terms and sort by id for merging dot products.
	k := 0
	for i := range v.ids {
		if v.ids[i] >= 0 {
			v.ids[k], v.w[k] = v.ids[i], v.w[i]
			k++
		}
	}
	v.ids, v.w = v.ids[:k], v.w[:k]
	sort.Sort(byID(v))
	return v
}

type byID Vec

func (b byID) Len() int           { return len(b.ids) }
func (b byID) Less(i, j int) bool { return b.ids[i] < b.ids[j] }
func (b byID) Swap(i, j int) {
	b.ids[i], b.ids[j] = b.ids[j], b.ids[i]
	b.w[i], b.w[j] = b.w[j], b.w[i]
}

// Dot is the blended cosine of two Vecs of one model, in [0, 1].
func Dot(a, b Vec) float64 {
	var s float32
	i, j := 0, 0
	for i < len(a.ids) && j < len(b.ids) {
		switch {
		case a.ids[i] == b.ids[j]:
			s += a.w[i] * b.w[j]
			i++
			j++
		case a.ids[i] < b.ids[j]:
			i++
		default:
			j++
		}
	}
	return float64(s)
}

// Similarity scores two texts in [0, 1] under m.
func (m *Model) Similarity(a, b string) float64 { return Dot(m.Vector(a), m.Vector(b)) }

// RequestText is a request as suggestions see it: its title and the voices already linked to it.
type RequestText struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Examples []string `json:"examples"`
}

// Suggestion is a request a voice may belong to.
type Suggestion struct {
	RequestID string  `json:"request_id"`
	Score     float64 `json:"score"`
}

// Suggester finds the requests a voice most likely belongs to. A request is the centroid of its
// title and the voices already linked to it, so it improves as CS links more. (Blending in the
// nearest linked voice was tried and scored lower: see the scoring benchmarks.) An inverted index
// over the centroids makes a query cost only the postings of its own terms. Safe for concurrent
// use once built.
type Suggester struct {
	model    *Model
	ids      []string
	postings map[int32][]posting
	scratch  sync.Pool // *[]float32, one score per request
}

// centroidTerms bounds a request's centroid to its heaviest terms: the tail adds little to a
// score and much to the index.
const centroidTerms = 256

type posting struct {
	req int32
	w   float32
}

// NewSuggester indexes requests. corpus adds texts (all ingested voices, say) to learn term
// weights from; the requests' own texts are always included.
func NewSuggester(reqs []RequestText, corpus []string) *Suggester {
	all := append([]string(nil), corpus...)
	for _, r := range reqs {
		all = append(all, r.Title)
		all = append(all, r.Examples...)
	}
	m := NewModel(all)
	s := &Suggester{model: m, postings: map[int32][]posting{}}
	for i, r := range reqs {
		sum := map[int32]float32{}
		for _, t := range append([]string{r.Title}, r.Examples...) {
			v := m.Vector(t)
			for k, id := range v.ids {
				sum[id] += v.w[k]
			}
		}
		centroid := normalized(sum, centroidTerms)
		for k, id := range centroid.ids {
			s.postings[id] = append(s.postings[id], posting{int32(i), centroid.w[k]})
		}
		s.ids = append(s.ids, r.ID)
	}
	return s
}

// normalized keeps the limit heaviest terms of sum and scales them to unit length.
func normalized(sum map[int32]float32, limit int) Vec {
	var v Vec
	for id, w := range sum {
		v.ids = append(v.ids, id)
		v.w = append(v.w, w)
	}
	if len(v.ids) > limit {
		sort.Sort(byWeight(v))
		v.ids, v.w = v.ids[:limit], v.w[:limit]
	}
	var norm float64
	for _, w := range v.w {
		norm += float64(w * w)
	}
	if norm > 0 {
		scale := float32(1 / math.Sqrt(norm))
		for i := range v.w {
			v.w[i] *= scale
		}
	}
	sort.Sort(byID(v))
	return v
}

type byWeight Vec

func (b byWeight) Len() int { return len(b.ids) }
func (b byWeight) Less(i, j int) bool {
	return b.w[i] > b.w[j] || b.w[i] == b.w[j] && b.ids[i] < b.ids[j]
}
func (b byWeight) Swap(i, j int) {
	b.ids[i], b.ids[j] = b.ids[j], b.ids[i]
	b.w[i], b.w[j] = b.w[j], b.w[i]
}

// Model is the suggester's term model, for similarity of other texts in the same corpus.
func (s *Suggester) Model() *Model { return s.model }

// Len is the number of requests indexed.
func (s *Suggester) Len() int { return len(s.ids) }

// Suggest returns the k requests most similar to text, best first, with scores in [0, 1].
func (s *Suggester) Suggest(text string, k int) []Suggestion {
	q := s.model.Vector(text)
	buf, _ := s.scratch.Get().(*[]float32)
	if buf == nil || len(*buf) != len(s.ids) {
		b := make([]float32, len(s.ids))
		buf = &b
	}
	acc := *buf
	var touched []int32
	for i, id := range q.ids {
		for _, p := range s.postings[id] {
			if acc[p.req] == 0 {
				touched = append(touched, p.req)
			}
			acc[p.req] += q.w[i] * p.w
		}
	}
	type cand struct {
		req   int32
		score float32
	}
	top := make([]cand, 0, k+1)
	for _, r := range touched {
		sc := acc[r]
		acc[r] = 0
		if len(top) == k && !(sc > top[k-1].score || sc == top[k-1].score && r < top[k-1].req) {
			continue
		}
		i := sort.Search(len(top), func(i int) bool {
			return sc > top[i].score || sc == top[i].score && r < top[i].req
		})
		top = append(top, cand{})
		copy(top[i+1:], top[i:])
		top[i] = cand{r, sc}
		if len(top) > k {
			top = top[:k]
		}
	}
	s.scratch.Put(buf)
	out := make([]Suggestion, len(top))
	for i, c := range top {
		out[i] = Suggestion{RequestID: s.ids[c.req], Score: math.Round(float64(c.score)*10000) / 10000}
	}
	return out
}
