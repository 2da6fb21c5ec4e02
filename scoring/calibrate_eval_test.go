package scoring

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"sort"
	"testing"
)

// TestCalibrationReport prints, under the BANKING77 protocol with every fifth intent held out
// (its voices belong to no request), how often the best suggestion is right and how often a
// held-out voice is offered, by band of Score and of Fit. Run with -v; skipped without the data.
func TestCalibrationReport(t *testing.T) {
	if testing.Short() {
		t.Skip("a report")
	}
	reqs, texts, labels, unlabeled := banking77(t)
	known := map[string]bool{}
	var kept []RequestText
	for i, r := range reqs {
		if i%5 != 4 {
			kept = append(kept, r)
			known[r.ID] = true
		}
	}
	s := NewSuggester(kept, append(append([]string(nil), unlabeled...), texts...))
	type row struct {
		score      float64
		right, out bool
	}
	var rows []row
	for i, text := range texts {
		got := s.Suggest(text, 1)
		if len(got) == 0 {
			continue
		}
		rows = append(rows, row{got[0].Score, got[0].RequestID == labels[i], !known[labels[i]]})
	}
	var banded []calibrationRow
	for _, r := range rows {
		banded = append(banded, calibrationRow(r))
	}
	logBands(t, "BANKING77", banded)
	for _, by := range []string{"score"} {
		v := func(r row) float64 { return r.score }
		sort.Slice(rows, func(i, j int) bool { return v(rows[i]) < v(rows[j]) })
		for _, cut := range []float64{0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2} {
			var in, right, out, outAbove int
			for _, r := range rows {
				if r.out {
					if v(r) >= cut {
						outAbove++
					}
					out++
					continue
				}
				if v(r) >= cut {
					in++
					if r.right {
						right++
					}
				}
			}
			t.Logf("%s ≥ %.2f: in-set offered %d, right %.3f; held-out offered %.3f", by, cut, in, float64(right)/float64(max(in, 1)), float64(outAbove)/float64(max(out, 1)))
		}
	}
}

// TestClusterThresholdReport prints how alike pairs of voices of one intent and of two intents
// are (BANKING77), and JSTS pairs by human score, to choose the clusters' similarity from.
func TestClusterThresholdReport(t *testing.T) {
	if testing.Short() {
		t.Skip("a report")
	}
	_, texts, labels, unlabeled := banking77(t)
	m := NewModel(append(append([]string(nil), unlabeled...), texts...))
	r := rand.New(rand.NewPCG(3, 4))
	byLabel := map[string][]int{}
	for i, l := range labels {
		byLabel[l] = append(byLabel[l], i)
	}
	var same, diff []float64
	for range 20000 {
		i := r.IntN(len(texts))
		group := byLabel[labels[i]]
		j := group[r.IntN(len(group))]
		if j != i {
			same = append(same, m.Similarity(texts[i], texts[j]))
		}
		k := r.IntN(len(texts))
		if labels[k] != labels[i] {
			diff = append(diff, m.Similarity(texts[i], texts[k]))
		}
	}
	for _, cut := range []float64{0.1, 0.15, 0.2, 0.25, 0.3, 0.35} {
		t.Logf("BANKING77 at %.2f: same-intent pairs grouped %.3f, different-intent pairs grouped %.4f, precision at 77 intents %.3f",
			cut, share(same, cut), share(diff, cut), precision(share(same, cut), share(diff, cut), 1.0/77))
	}
	for _, q := range []float64{0.25, 0.5, 0.75} {
		t.Logf("BANKING77 quantile %.2f: same %.3f different %.3f", q, quantile(same, q), quantile(diff, q))
	}
	// JSTS: Japanese pairs people scored 4–5 (same meaning) against those scored 0–1.
	f, err := os.Open(sharedData(t, "jsts_valid.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var as, bs []string
	var gold []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p struct {
			S1    string  `json:"sentence1"`
			S2    string  `json:"sentence2"`
			Label float64 `json:"label"`
		}
		json.Unmarshal(sc.Bytes(), &p)
		as, bs, gold = append(as, p.S1), append(bs, p.S2), append(gold, p.Label)
	}
	jm := NewModel(append(append([]string(nil), as...), bs...))
	var hi, lo []float64
	for i := range as {
		switch sim := jm.Similarity(as[i], bs[i]); {
		case gold[i] >= 4:
			hi = append(hi, sim)
		case gold[i] <= 1:
			lo = append(lo, sim)
		}
	}
	for _, cut := range []float64{0.1, 0.15, 0.2, 0.25, 0.3, 0.35} {
		t.Logf("JSTS at %.2f: same-meaning pairs (%d) grouped %.3f, unrelated pairs (%d) grouped %.3f", cut, len(hi), share(hi, cut), len(lo), share(lo, cut))
	}
}

func share(xs []float64, cut float64) float64 {
	n := 0
	for _, x := range xs {
		if x >= cut {
			n++
		}
	}
	return float64(n) / float64(len(xs))
}

// precision is the share of grouped pairs that are of one intent, when a pair is of one intent
// with probability prior.
func precision(tp, fp, prior float64) float64 {
	return tp * prior / (tp*prior + fp*(1-prior))
}

func quantile(xs []float64, q float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[int(q*float64(len(s)-1))]
}
