package scoring

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// lsaDims is how many dimensions the context vectors are reduced to (JSTS valid, 5-fold:
// 50 → 0.7580, 100 → 0.7570, 150 → 0.7545 with characters, pairs and trigrams; the full
// context cosine 0.7531).
var lsaDims = 100

// lsaIters is how many rounds of subspace iteration find the top singular directions.
var lsaIters = 3

// lsa gives each context term a vector of at most k dimensions: its context row (plus ctxSelf
// of itself) projected on the top-k right singular subspace of the PPMI matrix, which keeps the
// directions many terms share and drops the noise of a small corpus. The subspace is found by
// subspace iteration from a start drawn per term name, so the result does not depend on the
// order terms were met in. Cosines are unchanged by a rotation inside the subspace, so no
// further decomposition is needed.
func (m *PairModel) lsa(k, iters int) [][]float64 {
	n := len(m.ctx)
	if k > n {
		k = n
	}
	q := make([][]float64, k) // k columns of length n
	for j := range q {
		q[j] = make([]float64, n)
	}
	for key, id := range m.ctxIDs {
		h := fnv.New64a()
		h.Write([]byte(key))
		r := rand.New(rand.NewPCG(h.Sum64(), 1))
		for j := range q {
			q[j][id] = r.NormFloat64()
		}
	}
	orthonormalize(q)
	mq := make([]float64, n)
	for it := 0; it < iters; it++ {
		for j := range q {
			for a, row := range m.ctx { // (M q)[a]
				s := 0.0
				for _, e := range row {
					s += e.w * q[j][e.id]
				}
				mq[a] = s
			}
			z := make([]float64, n) // Mᵀ (M q)
			for a, row := range m.ctx {
				for _, e := range row {
					z[e.id] += e.w * mq[a]
				}
			}
			q[j] = z
		}
		orthonormalize(q)
	}
	emb := make([][]float64, n)
	for a, row := range m.ctx {
		v := make([]float64, k)
		for j := range q {
			s := 0.0
			for _, e := range row {
				s += e.w * q[j][e.id]
			}
			v[j] = s
		}
		emb[a] = v
	}
	return emb
}

// orthonormalize runs modified Gram–Schmidt over the columns q.
func orthonormalize(q [][]float64) {
	for j := range q {
		for i := 0; i < j; i++ {
			c := dotDense(q[i], q[j])
			for t := range q[j] {
				q[j][t] -= c * q[i][t]
			}
		}
		normalize(q[j])
	}
}

// lsaCosine is the cosine of two texts' vectors: the IDF-weighted sums of their terms' lsa
// vectors, beside (as orthogonal to them) each term itself at ctxSelf, so that two texts
// sharing a term the corpus gives no context to still meet, as they did before the reduction.
func (m *PairModel) lsaCosine(a, b *pairTerms) float64 {
	if len(m.emb) == 0 {
		return 0
	}
	k := len(m.emb[0])
	va, vb := make([]float64, k), make([]float64, k)
	sa := m.lsaSum(a, va)
	sb := m.lsaSum(b, vb)
	na, nb, d := dotDense(va, va), dotDense(vb, vb), dotDense(va, vb)
	for id, x := range sa {
		na += x * x
		d += x * sb[id]
	}
	for _, x := range sb {
		nb += x * x
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return d / math.Sqrt(na*nb)
}

// lsaSum adds t's terms' lsa vectors, IDF-weighted, into v, and returns the terms themselves,
// IDF × ctxSelf, by context id.
func (m *PairModel) lsaSum(t *pairTerms, v []float64) map[int32]float64 {
	self := map[int32]float64{}
	for _, key := range t.ctxTerms() {
		id, ok := m.ctxIDs[key]
		if !ok {
			continue // a term the corpus never saw has no vector
		}
		w := m.ctxIDF[id]
		for j, x := range m.emb[id] {
			v[j] += w * x
		}
		self[id] += w * ctxSelf
	}
	return self
}

func dotDense(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func normalize(u []float64) {
	n := math.Sqrt(dotDense(u, u))
	if n == 0 {
		return
	}
	for i := range u {
		u[i] /= n
	}
}

// logFloor keeps the logs of the blend finite when a cosine is 0.
const logFloor = 0.01
