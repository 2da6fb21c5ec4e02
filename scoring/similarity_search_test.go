package scoring

import (
	"os"
	"testing"
)

// TestSearchWeights fits the blend by coordinate search on Spearman over one half, scores the other.
func TestSearchWeights(t *testing.T) {
	if os.Getenv("KOE_FIT") == "" {
		t.Skip()
	}
	as, bs, gold := loadJSTS(t)
	m := NewPairModel(append(append([]string(nil), as...), bs...))
	feats := make([][]float64, len(as))
	for i := range as {
		feats[i] = m.pairFeatures(pairTermsOf(as[i]), pairTermsOf(bs[i]))
	}
	score := func(w []float64, idx []int) float64 {
		got, g := make([]float64, len(idx)), make([]float64, len(idx))
		for k, i := range idx {
			s := 0.0
			for c, x := range feats[i] {
				s += w[c] * x
			}
			got[k], g[k] = s, gold[i]
		}
		return spearmanOf(got, g)
	}
	var even, odd, all []int
	for i := range as {
		all = append(all, i)
		if i%2 == 0 {
			even = append(even, i)
		} else {
			odd = append(odd, i)
		}
	}
	search := func(fit []int, cols []int) []float64 {
		w := make([]float64, len(feats[0]))
		w[0], w[1], w[9] = 1, 0.5, 2
		best := score(w, fit)
		for round := 0; round < 4; round++ {
			for _, c := range cols {
				for _, step := range []float64{-0.4, -0.2, -0.1, -0.05, 0.05, 0.1, 0.2, 0.4} {
					w2 := append([]float64(nil), w...)
					w2[c] += step
					if s := score(w2, fit); s > best+1e-5 {
						best, w = s, w2
					}
				}
			}
		}
		return w
	}
	for _, cols := range [][]int{{}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 9}, {1, 7, 8, 9}, {1, 4, 7, 8, 9}, {1, 3, 4, 9}} {
		we := search(even, cols)
		wo := search(odd, cols)
		t.Logf("cols %v: fit even→odd %.4f (w %.2f)  fit odd→even %.4f (w %.2f)", cols, score(we, odd), we, score(wo, even), wo)
	}
	_ = all
}
