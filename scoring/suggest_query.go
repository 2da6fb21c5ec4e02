package scoring

import (
	"math"
	"slices"
	"sort"
)

// Suggest returns the k requests most similar to text, best first, with scores in [0, 1]. A nil
// Suggester (no requests) suggests nothing.
func (s *Suggester) Suggest(text string, k int) []Suggestion {
	if s == nil {
		return []Suggestion{}
	}
	q := s.model.Vector(text)
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.suggestCorrected(q, k) // the walk's top, corrected for hubness (suggest.go, hubWeight)
}

// scratch is one query's working memory, reused across queries: a score per request (all zero
// between queries), the requests touched, the query's terms and their bounds.
type scratch struct {
	acc     []float32
	touched []int32
	terms   []queryTerm
	rest    []float32
}

// queryTerm is one term of a query with its postings and the most it can add to any score.
type queryTerm struct {
	w     float32
	list  []posting
	bound float32
}

// walkBudget bounds the postings one query walks before it stops taking new candidates, and
// rescored is how many of the best candidates so far are then scored exactly against their
// whole centroid. The budget is set so high that the walk is complete and exact: it still stops
// early, exactly, once no unseen request can reach the top k. A budget of 10,000 postings cut the
// CPU of a query among 20,000 synthetic requests to ~175 µs from ~750 µs, but with the character
// trigrams of text.go (shared by thousands of requests) its top one was the complete walk's for
// only 0.323 of the voices and its top three for 0.030 (0.467 / 0.100 rescoring 100, 0.643 /
// 0.233 rescoring 300 at 4× the CPU; BenchmarkSuggestPruned). A suggestion that differs from the
// exact one two times in three is not worth the speed: a query among 20,000 requests stays at
// ~0.75 ms of CPU (1.7 ms wall), under the 5 ms it may take.
const (
	walkBudget = 1 << 30
	rescored   = 24
)

// suggest is a term-at-a-time walk, rarest (most telling) term first: while the terms left could
// still lift an unseen request into the top k, every posting is added; once they cannot (their
// bounds sum under the k-th best score so far), the walk stops, and so it does once it has walked
// walkBudget postings, after which the best candidates are scored on their whole centroid.
// Call with s.mu held for reading.
func (s *Suggester) suggest(q Vec, k int) []Suggestion {
	if k <= 0 || len(s.ids) == 0 {
		return []Suggestion{}
	}
	sc, _ := s.scratch.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	defer s.scratch.Put(sc)
	if len(sc.acc) < len(s.ids) {
		sc.acc = make([]float32, len(s.ids)+len(s.ids)/4)
	}
	terms := sc.terms[:0]
	for i, id := range q.ids {
		if int(id) < len(s.postings) && len(s.postings[id]) > 0 {
			terms = append(terms, queryTerm{q.w[i], s.postings[id], q.w[i] * s.maxW[id]})
		}
	}
	slices.SortFunc(terms, func(a, b queryTerm) int {
		switch {
		case a.bound > b.bound:
			return -1
		case a.bound < b.bound:
			return 1
		}
		return len(a.list) - len(b.list)
	})
	rest := slices.Grow(sc.rest[:0], len(terms)+1)[:len(terms)+1]
	rest[len(terms)] = 0
	for i := len(terms) - 1; i >= 0; i-- {
		rest[i] = rest[i+1] + terms[i].bound
	}
	acc := sc.acc
	touched := sc.touched[:0]
	var best float32
	walked, i := 0, 0
	for ; i < len(terms); i++ {
		if len(touched) >= k && rest[i] < best && rest[i] < kth(acc, touched, k) {
			break // exact: no unseen request can reach the top k
		}
		if walked >= s.budget && len(touched) >= k {
			break
		}
		t := terms[i]
		walked += len(t.list)
		for _, p := range t.list {
			a := &acc[p.req] // one bounds check, one load, one store
			if *a == 0 {
				touched = append(touched, p.req)
			}
			*a += t.w * p.w
			if *a > best {
				best = *a
			}
		}
	}
	if i < len(terms) {
		// The seen ones get the terms left: the best few, scored on their whole centroid.
		m := max(rescored, k)
		if len(touched) > m {
			// topM clears acc as it reads it; the kept go into the same buffer, so the next
			// query does not grow it again.
			touched = append(touched[:0], topM(acc, touched, m)...)
		}
		for _, r := range touched {
			acc[r] = max(float32(Dot(q, s.reqs[r].postings)), 1e-9)
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
	sc.terms, sc.rest, sc.touched = terms[:0], rest[:0], touched[:0]
	out := make([]Suggestion, len(top))
	for i, c := range top {
		score := math.Round(float64(c.score)*10000) / 10000
		out[i] = Suggestion{RequestID: s.ids[c.req], Score: score}
	}
	return out
}

// topM is the m touched requests of the highest scores (len(touched) > m), in no set order.
// It sets every touched request's score in acc back to zero.
func topM(acc []float32, touched []int32, m int) []int32 {
	type scored struct {
		r  int32
		sc float32
	}
	top := make([]scored, 0, m+1) // by score, highest first
	floor := float32(0)           // the lowest kept score, once m are kept
	for _, r := range touched {
		sc := acc[r]
		acc[r] = 0
		if len(top) == m && sc <= floor {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return sc > top[i].sc })
		top = slices.Insert(top, i, scored{r, sc})
		if len(top) > m {
			top = top[:m]
		}
		floor = top[len(top)-1].sc
	}
	out := make([]int32, len(top))
	for i, t := range top {
		out[i] = t.r
	}
	return out
}

// kth is the k-th highest score among the touched requests (len(touched) ≥ k).
func kth(acc []float32, touched []int32, k int) float32 {
	top := make([]float32, 0, k+1)
	for _, r := range touched {
		sc := acc[r]
		if len(top) == k && sc <= top[k-1] {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return sc > top[i] })
		top = slices.Insert(top, i, sc)
		if len(top) > k {
			top = top[:k]
		}
	}
	return top[k-1]
}
