package scoring

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"sort"
	"testing"
)

func loadJSTS(t testing.TB) (as, bs []string, gold []float64) {
	f, err := os.Open("../../shared/data/jsts_valid.jsonl")
	if err != nil {
		t.Skip("no JSTS data:", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p struct {
			S1    string  `json:"sentence1"`
			S2    string  `json:"sentence2"`
			Label float64 `json:"label"`
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		as, bs, gold = append(as, p.S1), append(bs, p.S2), append(gold, p.Label)
	}
	return
}

func rankOf(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			r[idx[k]] = float64(i+j)/2 + 1
		}
		i = j + 1
	}
	return r
}

func spearmanOf(x, y []float64) float64 {
	rx, ry := rankOf(x), rankOf(y)
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx /= float64(len(rx))
	my /= float64(len(ry))
	var num, dx, dy float64
	for i := range rx {
		num += (rx[i] - mx) * (ry[i] - my)
		dx += (rx[i] - mx) * (rx[i] - mx)
		dy += (ry[i] - my) * (ry[i] - my)
	}
	return num / math.Sqrt(dx*dy)
}

// ridge fits w (last = bias) minimising |Xw - y|² + lambda|w|² over rows.
func ridge(X [][]float64, y []float64, lambda float64) []float64 {
	d := len(X[0]) + 1
	A := make([][]float64, d)
	for i := range A {
		A[i] = make([]float64, d+1)
	}
	for r, row := range X {
		x := append(append([]float64(nil), row...), 1)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				A[i][j] += x[i] * x[j]
			}
			A[i][d] += x[i] * y[r]
		}
	}
	for i := 0; i < d-1; i++ {
		A[i][i] += lambda
	}
	for c := 0; c < d; c++ {
		p := c
		for r := c + 1; r < d; r++ {
			if math.Abs(A[r][c]) > math.Abs(A[p][c]) {
				p = r
			}
		}
		A[c], A[p] = A[p], A[c]
		for r := 0; r < d; r++ {
			if r == c || A[c][c] == 0 {
				continue
			}
			f := A[r][c] / A[c][c]
			for k := c; k <= d; k++ {
				A[r][k] -= f * A[c][k]
			}
		}
	}
	w := make([]float64, d)
	for i := range w {
		if A[i][i] != 0 {
			w[i] = A[i][d] / A[i][i]
		}
	}
	return w
}

func apply(w []float64, row []float64, cols []int) float64 {
	s := w[len(w)-1]
	for i, c := range cols {
		s += w[i] * row[c]
	}
	return s
}

// TestFitPairWeights prints each signal's Spearman on JSTS valid, then ridge blends fitted on one
// half of the pairs and scored on the other (KOE_FIT=1; the data stays out of unit tests).
func TestFitPairWeights(t *testing.T) {
	if os.Getenv("KOE_FIT") == "" {
		t.Skip("KOE_FIT=1 to fit")
	}
	as, bs, gold := loadJSTS(t)
	m := NewPairModel(append(append([]string(nil), as...), bs...))
	feats := make([][]float64, len(as))
	for i := range as {
		feats[i] = m.pairFeatures(pairTermsOf(as[i]), pairTermsOf(bs[i]))
	}
	names := []string{"uni", "bi", "content", "lemma", "gloss", "lcs", "lenratio", "num", "neg"}
	for c, n := range names {
		col := make([]float64, len(feats))
		for i := range feats {
			col[i] = feats[i][c]
		}
		t.Logf("%-9s alone: %.4f", n, spearmanOf(col, gold))
	}
	halves := func(even bool) (fit, test []int) {
		for i := range as {
			if (i%2 == 0) == even {
				fit = append(fit, i)
			} else {
				test = append(test, i)
			}
		}
		return
	}
	try := func(label string, cols []int) {
		var res []float64
		for _, even := range []bool{true, false} {
			fit, test := halves(even)
			var X [][]float64
			var y []float64
			for _, i := range fit {
				row := make([]float64, len(cols))
				for k, c := range cols {
					row[k] = feats[i][c]
				}
				X, y = append(X, row), append(y, gold[i])
			}
			w := ridge(X, y, 0.1)
			var got, g []float64
			for _, i := range test {
				got, g = append(got, apply(w, feats[i], cols)), append(g, gold[i])
			}
			res = append(res, spearmanOf(got, g))
			if even {
				t.Logf("%s weights(fit even): %.3f", label, w)
			}
		}
		t.Logf("%-30s fit even→odd %.4f  fit odd→even %.4f", label, res[0], res[1])
	}
	try("all", []int{0, 1, 2, 3, 4, 5, 6, 7, 8})
	try("uni+bi+content", []int{0, 1, 2})
	try("uni+content+lemma", []int{0, 2, 3})
	try("no gloss", []int{0, 1, 2, 3, 5, 6, 7, 8})
	try("no lcs", []int{0, 1, 2, 3, 4, 6, 7, 8})
}
