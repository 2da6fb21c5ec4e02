package scoring

import (
	"os"
	"testing"
)

// TestCtxGrid prints JSTS valid Spearman on the even and the odd half of the pairs for a grid of
// the context settings (KOE_FIT=1 go test -run TestCtxGrid -v ./scoring): settings are chosen on
// one half and read on the other.
func TestCtxGrid(t *testing.T) {
	if os.Getenv("KOE_FIT") == "" {
		t.Skip()
	}
	as, bs, gold := loadJSTS(t)
	corpus := append(append([]string(nil), as...), bs...)
	ta, tb := make([]*pairTerms, len(as)), make([]*pairTerms, len(as))
	for i := range as {
		ta[i], tb[i] = pairTermsOf(as[i]), pairTermsOf(bs[i])
	}
	defer func(top int, mc, self float64) { ctxTop, ctxMinCount, ctxSelf = top, mc, self }(ctxTop, ctxMinCount, ctxSelf)
	defer func(a float64) { ctxAlpha = a }(ctxAlpha)
	for _, alpha := range []float64{1, 0.75, 0.5} {
		ctxAlpha = alpha
		for _, top := range []int{20, 50, 100} {
			for _, mc := range []float64{2, 3} {
				ctxMinCount, ctxTop = mc, top
				m := NewPairModel(corpus)
				for _, self := range []float64{0.1, 0.25, 0.5} {
					ctxSelf = self
					f := make([][]float64, len(as))
					for i := range as {
						f[i] = m.pairFeatures(ta[i], tb[i])
					}
					for _, a := range []float64{1, 2, 3} {
						var me, mo, ge, gol, mix []float64
						for i := range as {
							x := f[i][0] + 0.5*f[i][1] + a*f[i][9]
							mix = append(mix, x)
							if i%2 == 0 {
								me, ge = append(me, x), append(ge, gold[i])
							} else {
								mo, gol = append(mo, x), append(gol, gold[i])
							}
						}
						t.Logf("RES alpha=%.2f top=%d min=%.0f self=%.1f a=%.1f even %.4f odd %.4f all %.4f", alpha, top, mc, self, a, spearmanOf(me, ge), spearmanOf(mo, gol), spearmanOf(mix, gold))
					}
				}
			}
		}
	}
}
