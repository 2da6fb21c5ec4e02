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
	return s.suggest(q, k)
}

// offsets is the hubness correction (suggest.go, hubWeight) as the walk ranks by it: request r's
// score is its cosine (to 4 places, as before the walk ranked by it) plus mean − pen[r], clamped
// to [0, 1] (Suggester.corrected). With pen nil nothing is corrected.
type offsets struct {
	pen   []float32 // by request
	mean  float32   // of pen
	most  float32   // no offset is higher: the mean less the least penalty (≥ 0)
	slack float32   // slack, and with a correction the cosine's rounding to 4 places
}

// of is request r's offset.
func (o *offsets) of(r int32) float32 {
	if o.pen == nil {
		return 0
	}
	return o.mean - o.pen[r]
}

// offsets is the walk's correction: none without a corpus sample. Call with s.mu held.
func (s *Suggester) offsets() offsets {
	if len(s.hub.sample) == 0 || len(s.hub.pen) == 0 {
		return offsets{slack: slack}
	}
	mean := float32(s.hub.sum / float64(len(s.hub.pen)))
	return offsets{pen: s.hub.pen, mean: mean, most: max(0, mean-s.hub.least), slack: slack + 0.5e-4}
}

// scratch is one query's working memory, reused across queries: a score per request (all zero
// between queries), the query's terms and their bounds, and the candidates.
type scratch struct {
	acc   []float32
	terms []queryTerm
	rest  []float32
	cands []cand
	top   []cand
	exact []cand
	pool  []int32
	dots  []cand
}

// queryTerm is one term of a query with its postings and the most it can add to any score.
type queryTerm struct {
	w     float32
	list  []posting
	bound float32
	cost  float32 // postings per unit of bound
}

// cand is a request and a score of it: partial while the walk adds terms, then exact.
type cand struct {
	req   int32
	score float32
}

// slack covers float32 rounding when a score added up term by term is compared with a bound:
// sums of a few hundred products of weights ≤ 1 differ from Dot's order by far less.
const slack = 1e-5

// suggest is exact: its top k are those of scoring every request's centroid with Dot (ties to the
// earlier request), corrected for hubness (offsets: each request's score so far, bound and Dot
// plus its offset, a request not met yet bounded with the highest offset), at the cost of part of
// the postings. It is MaxScore, term at a time:
//
//   - The query's terms are ordered by how many postings each costs per unit of score it can add
//     (its bound: the query weight times the term's heaviest posting), cheapest first. The rare,
//     telling terms come first; the trigrams and kana thousands of requests share come last.
//   - Their postings are added into a dense score per request while the bounds of the terms left
//     sum at least to θ, a floor under the final k-th score: the k-th best score so far of a few
//     requests scoring highest, and near the stop the k-th best of their exact (Dot) scores.
//   - The terms left are non-essential: no request can reach θ on them alone. They are still
//     walked while the requests that may reach θ on them (estimated from a sample) are too many
//     to look up; then only the requests whose score so far plus the bounds left reach θ stay
//     candidates, each term left, heaviest first, is looked up in its postings for them alone
//     (sorted by request: a galloping merge), and a candidate drops out as soon as its score and
//     the bounds left fall under θ.
//   - The few left are scored with Dot, the top k kept.
//
// Among 10,000 synthetic requests a query of ~80 terms and ~153,000 postings walks ~58,000 of
// them as essential and ~30,000 more before looking up ~90 candidates ~235 times, with ~9 Dots
// (among 20,000: 115,000 + 63,000 of 302,000, ~100 candidates). Most of the gain over the old
// walk is the loop: a dense add of four postings at a time, with no list of touched requests and
// no running best. (The old walk, which rescored only its 24 best partial scores once the bounds
// stopped it, differed from the exact top k of 83 of 180 k-queries in TestSuggestExactSynthetic.)
// Call with s.mu held for reading.
func (s *Suggester) suggest(q Vec, k int) []Suggestion {
	n := len(s.ids)
	if k <= 0 || n == 0 {
		return []Suggestion{}
	}
	sc, _ := s.scratch.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	defer s.scratch.Put(sc)
	if len(sc.acc) < n {
		sc.acc = make([]float32, n+n/4)
	}
	acc := sc.acc[:n]
	terms := sc.terms[:0]
	for i, id := range q.ids {
		if int(id) < len(s.postings) && len(s.postings[id]) > 0 && q.w[i] > 0 {
			b := q.w[i] * s.maxW[id]
			terms = append(terms, queryTerm{q.w[i], s.postings[id], b, float32(len(s.postings[id])) / b})
		}
	}
	// Cheapest per unit of bound first.
	slices.SortFunc(terms, func(a, b queryTerm) int {
		switch {
		case a.cost < b.cost:
			return -1
		case a.cost > b.cost:
			return 1
		}
		return len(a.list) - len(b.list)
	})
	rest := suffixBounds(sc.rest, terms)
	off := s.offsets()

	// θ is a floor under the final k-th best score: the k-th best exact score of a few requests,
	// those of the best scores so far among the requests of the first terms' postings (the pool).
	var theta float32
	pool := sc.pool[:0]
	sc.dots = sc.dots[:0]
	walked, refreshed := 0, 0
	e := 0
	for ; e < len(terms); e++ {
		// Refreshed as the postings walked double, and at each term once the stop is near.
		if walked >= max(n/4, minRefresh) && walked > refreshed && (walked >= 2*refreshed || rest[e]+off.most < theta*1.1) {
			refreshed = walked
			if len(pool) == 0 {
				// Every list so far was too long to pool: the best so far, from a scan.
				pool = bestOf(acc, 64, pool, sc)
			}
			theta = max(theta, s.floor(q, acc, pool, k, rest[e]+off.most, &off, sc))
		}
		if theta > 0 && rest[e]+off.most+off.slack < theta {
			break // the terms left are non-essential
		}
		t := terms[e]
		addPostings(acc, t.list, t.w)
		walked += len(t.list)
		if len(pool)+len(t.list) <= poolSize {
			for _, p := range t.list {
				pool = append(pool, p.req)
			}
		}
	}
	// The terms left can each still be walked (a posting each) or looked up for the candidates
	// alone (a galloping search each): walk while the candidates, estimated on a sample of acc,
	// are too many for looking up to cost less.
	for ; e < len(terms); e++ {
		left := 0
		for _, t := range terms[e:] {
			left += len(t.list)
		}
		if probeCost(acc, theta-rest[e]-off.most-off.slack, len(terms)-e) < left {
			break
		}
		addPostings(acc, terms[e].list, terms[e].w)
	}

	// Candidates: the requests that may still reach θ on the terms left, with their scores so far
	// plus their offsets; acc is cleared. The same scan finds the best of them, for a last, higher
	// θ. (While θ is 0 every request that shares a term is one: a corrected score of 0 may tie.)
	cands, best := sc.cands[:0], sc.top[:0]
	need := theta - rest[e] - off.slack
	lo := need - off.most
	m := k + 2
	low := float32(0)
	for r, a := range acc {
		if a > 0 && a >= lo {
			if off.pen != nil {
				a += off.mean - off.pen[r]
				if theta > 0 && a < need {
					continue
				}
			}
			cands = append(cands, cand{int32(r), a})
			if a > low || len(best) < m {
				best = pushTop(best, m, cand{int32(r), a})
				if len(best) == m {
					low = best[m-1].score
				}
			}
		}
	}
	clear(acc)
	theta = max(theta, s.exactFloor(q, best, k, &off, sc))
	if theta > 0 {
		need = theta - rest[e] - off.slack
		kept := cands[:0]
		for _, c := range cands {
			if c.score >= need {
				kept = append(kept, c)
			}
		}
		cands = kept
	}
	sc.pool, sc.top = pool[:0], best[:0]
	if e < len(terms) {
		cands = finish(cands, terms[e:], theta, off.slack)
	}

	// The few left, scored exactly as Dot scores them and corrected, the best k kept.
	top := sc.top[:0]
	for _, c := range cands {
		cos := s.exact(q, c.req, sc)
		if cos <= 0 {
			continue
		}
		top = pushTop(top, k, cand{c.req, s.final(cos, c.req, &off)})
	}
	sc.terms, sc.rest, sc.cands, sc.top = terms[:0], rest[:0], cands[:0], top[:0]
	out := make([]Suggestion, 0, len(top))
	for _, c := range top {
		score := math.Round(float64(c.score)*10000) / 10000
		out = append(out, Suggestion{RequestID: s.ids[c.req], Score: score})
	}
	return out
}

// probeCost estimates, in postings walked, looking up terms terms for the requests whose score
// in acc reaches need: their number, from a sample of acc, times a galloping search
// (probePostings) per term.
func probeCost(acc []float32, need float32, terms int) int {
	const samples = 128
	step := max(1, len(acc)/samples)
	hits, seen := 0, 0
	for i := 0; i < len(acc); i += step {
		if a := acc[i]; a > 0 && a >= need {
			hits++
		}
		seen++
	}
	return (hits*len(acc)/seen + 1) * terms * probePostings
}

// probePostings is what looking a request up in a term's postings costs, in postings walked: a
// galloping search mispredicts and misses the cache where a walk streams. (Among 10,000 requests,
// 1,000 queries, 4 rounds on a quiet machine, median CPU per query: 8: 196 µs, 16: 172, 32: 162,
// 64: 168, 128: 180.)
const probePostings = 32

// addPostings adds w times each posting of list to its request's score, four at a time (a
// tenth to a fifth less time per posting than one at a time).
func addPostings(acc []float32, list []posting, w float32) {
	for len(list) >= 4 {
		p := list[:4:4]
		acc[p[0].req] += w * p[0].w
		acc[p[1].req] += w * p[1].w
		acc[p[2].req] += w * p[2].w
		acc[p[3].req] += w * p[3].w
		list = list[4:]
	}
	for _, p := range list {
		acc[p.req] += w * p.w
	}
}

// suffixBounds sets rest[i] to the sum of the bounds of terms[i:] (rest[len(terms)] = 0).
func suffixBounds(buf []float32, terms []queryTerm) []float32 {
	rest := slices.Grow(buf[:0], len(terms)+1)[:len(terms)+1]
	rest[len(terms)] = 0
	for i := len(terms) - 1; i >= 0; i-- {
		rest[i] = rest[i+1] + terms[i].bound
	}
	return rest
}

// bestOf appends to pool the requests of the m best scores in acc.
func bestOf(acc []float32, m int, pool []int32, sc *scratch) []int32 {
	top := sc.top[:0]
	var low float32
	for r, a := range acc {
		if a > low || a > 0 && len(top) < m {
			top = pushTop(top, m, cand{int32(r), a})
			if len(top) == m {
				low = top[m-1].score
			}
		}
	}
	for _, c := range top {
		pool = append(pool, c.req)
	}
	sc.top = top[:0]
	return pool
}

// minRefresh is the fewest postings walked before θ is first refreshed: a refresh costs a few
// Dots, each worth some thousand postings, so a short walk is simply walked to its end.
const minRefresh = 2048

// poolSize bounds the requests whose scores so far are read to refresh θ.
const poolSize = 256

// floor is a floor under the final k-th best score from the k+2 best scores so far in acc of the
// requests in pool: while the bounds left (rest) are well above it, their k-th best score so far
// (a score so far is no more than the exact one, but for rounding: slack); near the stop, where it
// matters, the k-th best of their exact scores. It is 0 while fewer than k of them score.
func (s *Suggester) floor(q Vec, acc []float32, pool []int32, k int, rest float32, off *offsets, sc *scratch) float32 {
	m := k + 2
	top := sc.top[:0]
	var low float32
	for _, r := range pool {
		a := acc[r]
		if a <= 0 {
			continue
		}
		a += off.of(r)
		if len(top) == m && a < low || slices.ContainsFunc(top, func(c cand) bool { return c.req == r }) {
			continue
		}
		top = pushTop(top, m, cand{r, a})
		if len(top) == m {
			low = top[m-1].score
		}
	}
	var f float32
	switch {
	case len(top) < k:
	case rest > 1.5*top[k-1].score:
		f = max(0, top[k-1].score-off.slack)
		if off.pen != nil {
			f = min(f, 1)
		}
	default:
		f = s.exactFloor(q, top, k, off, sc)
	}
	sc.top = top[:0]
	return f
}

// exactFloor is the k-th best exact corrected score of the requests of cands, in [0, 1] (0 if
// fewer than k).
func (s *Suggester) exactFloor(q Vec, cands []cand, k int, off *offsets, sc *scratch) float32 {
	exact := sc.exact[:0]
	for _, c := range cands {
		if cos := s.exact(q, c.req, sc); cos > 0 { // as the walk's top k has them
			exact = pushTop(exact, k, cand{c.req, s.final(cos, c.req, off)})
		}
	}
	sc.exact = exact[:0]
	if len(exact) < k {
		return 0
	}
	return exact[k-1].score
}

// final is request r's score from its cosine: corrected, from the cosine to 4 places, if off
// corrects. (Correcting the unrounded cosine would tell a suggestion's score from today's by
// 0.0001 as often as not, and reorder near-ties.)
func (s *Suggester) final(cos float32, r int32, off *offsets) float32 {
	if off.pen == nil {
		return cos
	}
	return s.corrected(r, float32(math.Round(float64(cos)*10000)/10000))
}

// exact is request r's score as Dot has it, kept in sc.dots for the rest of the query: the best
// requests change little from one refresh of θ to the next, and they are the ones scored last.
func (s *Suggester) exact(q Vec, r int32, sc *scratch) float32 {
	for _, d := range sc.dots {
		if d.req == r {
			return d.score
		}
	}
	d := float32(Dot(q, s.reqs[r].postings))
	sc.dots = append(sc.dots, cand{r, d})
	return d
}

// pushTop inserts c into top (best first: higher score, then earlier request) and keeps k.
func pushTop(top []cand, k int, c cand) []cand {
	if len(top) == k && !better(c, top[k-1]) {
		return top
	}
	i := sort.Search(len(top), func(i int) bool { return better(c, top[i]) })
	if len(top) < k {
		top = append(top, cand{})
	}
	copy(top[i+1:], top[i:len(top)-1])
	top[i] = c
	return top
}

func better(a, b cand) bool { return a.score > b.score || a.score == b.score && a.req < b.req }

// finish adds the non-essential terms to the candidates' scores, heaviest bound first, looking
// each candidate up in the term's postings, and drops a candidate once its score and the bounds
// left fall under theta. cands are in request order; what is left of them is returned.
func finish(cands []cand, terms []queryTerm, theta, slack float32) []cand {
	slices.SortFunc(terms, func(a, b queryTerm) int {
		switch {
		case a.bound > b.bound:
			return -1
		case a.bound < b.bound:
			return 1
		}
		return len(a.list) - len(b.list)
	})
	left := float32(0)
	for _, t := range terms {
		left += t.bound
	}
	for _, t := range terms {
		left -= t.bound
		need := theta - max(left, 0) - slack
		list, j := t.list, 0
		kept := cands[:0]
		for _, c := range cands {
			j = gallop(list, j, c.req)
			if j < len(list) && list[j].req == c.req {
				c.score += t.w * list[j].w
			}
			if c.score >= need {
				kept = append(kept, c)
			}
		}
		cands = kept
		if len(cands) == 0 {
			break
		}
	}
	return cands
}

// gallop is the first index ≥ j of list whose request is ≥ r (len(list) if none): a few steps
// forward from j (the next candidate is often near), then a doubling search and a binary one.
func gallop(list []posting, j int, r int32) int {
	for end := min(j+8, len(list)); j < end; j++ {
		if list[j].req >= r {
			return j
		}
	}
	if j >= len(list) || list[j].req >= r {
		return j
	}
	lo, step := j, 8 // list[lo].req < r
	hi := j + step
	for hi < len(list) && list[hi].req < r {
		lo = hi
		step *= 2
		hi = lo + step
	}
	hi = min(hi, len(list))
	// list[lo].req < r; the answer is in (lo, hi]
	for lo+1 < hi {
		mid := int(uint(lo+hi) >> 1)
		if list[mid].req < r {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}
