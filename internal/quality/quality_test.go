package quality

import (
	"os"
	"path/filepath"
	"testing"
)

// dataDir is the labelled data beside the checkout (../shared/data), when it is there.
func dataDir(tb testing.TB) string {
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(dir, "banking77_test.csv")); err != nil {
		tb.Skipf("%s not present", dir)
	}
	return dir
}

// BenchmarkMatch reports the figures of `koe eval` for request matching, in one language and
// across Japanese and English; ns/op is a whole run (building the suggester included).
func BenchmarkMatch(b *testing.B) {
	dir := dataDir(b)
	for _, c := range []struct {
		name string
		run  func(string) (Match, error)
	}{
		{"banking77", Banking77},
		{"ja-voices", CrossJapanese},
		{"ja-voices-heldout", CrossJapaneseHeldOut},
		{"ja-voices-heldout2", CrossJapaneseHeldOut2},
		{"en-voices", CrossEnglish},
	} {
		b.Run(c.name, func(b *testing.B) {
			var m Match
			for b.Loop() {
				var err error
				if m, err = c.run(dir); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(m.Top1, "top1")
			b.ReportMetric(m.Top3, "top3")
			b.ReportMetric(float64(m.PerItem.Nanoseconds()), "ns/voice")
		})
	}
}

// BenchmarkJSTS reports the Spearman correlation of `koe eval` on JSTS.
func BenchmarkJSTS(b *testing.B) {
	dir := dataDir(b)
	var c Correlation
	for b.Loop() {
		var err error
		if c, err = JSTS(dir); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(c.Spearman, "spearman")
	b.ReportMetric(float64(c.PerItem.Nanoseconds()), "ns/pair")
}

func TestSpearman(t *testing.T) {
	for _, c := range []struct {
		x, y []float64
		want float64
	}{
		{[]float64{1, 2, 3}, []float64{10, 20, 30}, 1},
		{[]float64{1, 2, 3}, []float64{3, 2, 1}, -1},
		{[]float64{1, 1, 2}, []float64{1, 1, 2}, 1}, // ties take their average rank
	} {
		if got := spearman(c.x, c.y); got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("spearman(%v, %v) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}
