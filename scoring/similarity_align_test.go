package scoring

// Signals tried for JSTS and not kept (see TestCVPairFeatures for their figures).

import (
	"math"
	"sort"
)

// termSim is how alike two context terms are: 1 for the same term, else the cosine of their
// context vectors (dense holds x's, by context id).
func (m *PairModel) termSim(dense []float64, x, y int32) float64 {
	if x == y {
		return 1
	}
	var d float64
	for _, e := range m.ctx[y] {
		d += dense[e.id] * e.w
	}
	return d
}

// alignment is the IDF-weighted mean, over the terms of a that keep (nil: all), of each term's
// best match among b's terms, and the same from b to a, averaged: a soft overlap in which 男性
// meets 男の人 through their contexts. Terms the corpus never saw match only themselves.
func (m *PairModel) alignment(a, b *pairTerms, keep func(string) bool) float64 {
	mean, _, _ := m.alignStats(a, b, keep)
	return mean
}

// alignStats are alignment's mean, the worst best-match of any term (both ways), and the IDF
// mass left unmatched (Σ idf·(1 − best match), both ways).
func (m *PairModel) alignStats(a, b *pairTerms, keep func(string) bool) (mean, worst, unmatched float64) {
	ia, ka, wa := m.alignTerms(a, keep)
	ib, kb, wb := m.alignTerms(b, keep)
	if len(ia) == 0 || len(ib) == 0 {
		return 0, 0, 0
	}
	dense := make([]float64, len(m.ctx))
	worst = 1
	best := func(ia []int32, ka []string, wa []float64, ib []int32, kb []string) float64 {
		var s, w float64
		for k, x := range ia {
			mx := 0.0
			if x >= 0 {
				for _, e := range m.ctx[x] {
					dense[e.id] = e.w
				}
			}
			for j, y := range ib {
				var v float64
				switch {
				case x >= 0 && x == y, x < 0 && y < 0 && ka[k] == kb[j]:
					v = 1
				case x >= 0 && y >= 0:
					v = m.termSim(dense, x, y)
				}
				mx = math.Max(mx, v)
			}
			if x >= 0 {
				for _, e := range m.ctx[x] {
					dense[e.id] = 0
				}
			}
			s += wa[k] * mx
			w += wa[k]
			worst = math.Min(worst, mx)
			unmatched += wa[k] * (1 - mx)
		}
		return s / w
	}
	mean = (best(ia, ka, wa, ib, kb) + best(ib, kb, wb, ia, ka)) / 2
	return mean, worst, unmatched
}

// alignTerms are t's context ids, keys and IDF weights; a term the corpus never saw has id -1
// and matches only its own key.
func (m *PairModel) alignTerms(t *pairTerms, keep func(string) bool) ([]int32, []string, []float64) {
	var ids []int32
	var keys []string
	var ws []float64
	for _, k := range t.ctxTerms() {
		if keep != nil && !keep(k) {
			continue
		}
		id, ok := m.ctxIDs[k]
		w := 0.0
		if ok {
			w = m.ctxIDF[id]
		} else {
			id, w = -1, m.idf(k)
		}
		ids, keys, ws = append(ids, id), append(keys, k), append(ws, w)
	}
	return ids, keys, ws
}

// sparseVec is a vector by context id.
type sparseVec struct {
	ids  []int32
	vals []float64
}

// ctxVec is t's distributional vector (as contextCosine builds it), unit length, sparse.
func (m *PairModel) ctxVec(t *pairTerms, dense []float64) sparseVec {
	touched := m.context(t, dense, nil)
	sort.Slice(touched, func(i, j int) bool { return touched[i] < touched[j] })
	v := sparseVec{ids: touched, vals: make([]float64, len(touched))}
	var n2 float64
	for k, id := range touched {
		v.vals[k] = dense[id]
		n2 += dense[id] * dense[id]
		dense[id] = 0
	}
	if n2 > 0 {
		for k := range v.vals {
			v.vals[k] /= math.Sqrt(n2)
		}
	}
	return v
}

// commonDirections are the first k principal directions (uncentred) of the corpus texts'
// distributional vectors, found by power iteration with deflation.
func (m *PairModel) commonDirections(texts []*pairTerms, k int) [][]float64 {
	dense := make([]float64, len(m.ctx))
	vs := make([]sparseVec, len(texts))
	for i, t := range texts {
		vs[i] = m.ctxVec(t, dense)
	}
	var dirs [][]float64
	for d := 0; d < k; d++ {
		u := make([]float64, len(m.ctx))
		for _, v := range vs {
			for j, id := range v.ids {
				u[id] += v.vals[j]
			}
		}
		for it := 0; it < 30; it++ {
			normalize(u)
			next := make([]float64, len(m.ctx))
			for _, v := range vs {
				p := v.dot(u)
				for _, q := range dirs {
					p -= v.dot(q) * dotDense(q, u)
				}
				for j, id := range v.ids {
					next[id] += p * v.vals[j]
				}
			}
			for _, q := range dirs { // keep it orthogonal to the earlier ones
				c := dotDense(q, next)
				for j := range next {
					next[j] -= c * q[j]
				}
			}
			u = next
		}
		normalize(u)
		dirs = append(dirs, u)
	}
	return dirs
}

func (v sparseVec) dot(u []float64) float64 {
	s := 0.0
	for j, id := range v.ids {
		s += v.vals[j] * u[id]
	}
	return s
}

// ctxCosineRemoved is the cosine of two texts' distributional vectors with their components
// along dirs removed.
func (m *PairModel) ctxCosineRemoved(a, b *pairTerms, dirs [][]float64) float64 {
	dense := make([]float64, len(m.ctx))
	va, vb := m.ctxVec(a, dense), m.ctxVec(b, dense)
	pa, pb := make([]float64, len(dirs)), make([]float64, len(dirs))
	for i, u := range dirs {
		pa[i], pb[i] = va.dot(u), vb.dot(u)
	}
	// |v - Σ p u|² = 1 - Σ p² for orthonormal u; v_a·v_b - Σ pa pb for the dot.
	var d float64
	i, j := 0, 0
	for i < len(va.ids) && j < len(vb.ids) {
		switch {
		case va.ids[i] < vb.ids[j]:
			i++
		case va.ids[i] > vb.ids[j]:
			j++
		default:
			d += va.vals[i] * vb.vals[j]
			i++
			j++
		}
	}
	na, nb := 1.0, 1.0
	for k := range dirs {
		d -= pa[k] * pb[k]
		na -= pa[k] * pa[k]
		nb -= pb[k] * pb[k]
	}
	if na <= 0 || nb <= 0 {
		return 0
	}
	return d / math.Sqrt(na*nb)
}

// lsaPow rescales lsa vectors so that singular direction i weighs σᵢ^p instead of σᵢ: the
// rotation to the singular directions comes from the eigenvectors of BᵀB (B = the vectors).
func lsaPow(emb [][]float64, p float64) [][]float64 {
	k := len(emb[0])
	g := make([][]float64, k)
	for i := range g {
		g[i] = make([]float64, k)
	}
	for _, v := range emb {
		for i := 0; i < k; i++ {
			for j := i; j < k; j++ {
				g[i][j] += v[i] * v[j]
			}
		}
	}
	for i := 0; i < k; i++ {
		for j := 0; j < i; j++ {
			g[i][j] = g[j][i]
		}
	}
	vals, vecs := jacobiEigen(g)
	out := make([][]float64, len(emb))
	for a, v := range emb {
		o := make([]float64, k)
		for c := 0; c < k; c++ {
			s := 0.0
			for i := 0; i < k; i++ {
				s += v[i] * vecs[i][c]
			}
			if vals[c] > 1e-12 {
				s *= math.Pow(math.Sqrt(vals[c]), p-1)
			} else {
				s = 0
			}
			o[c] = s
		}
		out[a] = o
	}
	return out
}

// jacobiEigen diagonalises the symmetric a (destroyed): eigenvalues and eigenvectors by column.
func jacobiEigen(a [][]float64) ([]float64, [][]float64) {
	n := len(a)
	v := make([][]float64, n)
	for i := range v {
		v[i] = make([]float64, n)
		v[i][i] = 1
	}
	for sweep := 0; sweep < 50; sweep++ {
		off := 0.0
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				off += a[i][j] * a[i][j]
			}
		}
		if off < 1e-20 {
			break
		}
		for p := 0; p < n; p++ {
			for q := p + 1; q < n; q++ {
				if math.Abs(a[p][q]) < 1e-15 {
					continue
				}
				theta := (a[q][q] - a[p][p]) / (2 * a[p][q])
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := 0; k < n; k++ {
					akp, akq := a[k][p], a[k][q]
					a[k][p], a[k][q] = c*akp-s*akq, s*akp+c*akq
				}
				for k := 0; k < n; k++ {
					apk, aqk := a[p][k], a[q][k]
					a[p][k], a[q][k] = c*apk-s*aqk, s*apk+c*aqk
				}
				for k := 0; k < n; k++ {
					vkp, vkq := v[k][p], v[k][q]
					v[k][p], v[k][q] = c*vkp-s*vkq, s*vkp+c*vkq
				}
			}
		}
	}
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = a[i][i]
	}
	return vals, v
}
