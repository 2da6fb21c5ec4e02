package textproc

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedData is the labelled data beside the checkout (../shared/data), when it is there.
func sharedData(tb testing.TB, name string) string {
	path := filepath.Join("..", "..", "..", "shared", "data", name)
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("%s not present", path)
	}
	return path
}

// BenchmarkSentimentUCI reports the accuracy of positive/negative on the UCI sentiment-labelled
// sentences (neutral counts as wrong) and the time per sentence.
func BenchmarkSentimentUCI(b *testing.B) {
	for _, file := range []string{"uci_amazon_cells_labelled.txt", "uci_yelp_labelled.txt"} {
		b.Run(strings.TrimSuffix(file, "_labelled.txt"), func(b *testing.B) {
			f, err := os.Open(sharedData(b, file))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			type row struct{ text, label string }
			var rows []row
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				text, lab, ok := strings.Cut(sc.Text(), "\t")
				if !ok {
					continue
				}
				want := Negative
				if strings.TrimSpace(lab) == "1" {
					want = Positive
				}
				rows = append(rows, row{text, want})
			}
			correct, neutral := 0, 0
			b.ResetTimer()
			for b.Loop() {
				correct, neutral = 0, 0
				for _, r := range rows {
					_, got := Sentiment(r.text)
					if got == r.label {
						correct++
					}
					if got == Neutral {
						neutral++
					}
				}
			}
			b.ReportMetric(float64(correct)/float64(len(rows)), "accuracy")
			b.ReportMetric(float64(neutral)/float64(len(rows)), "neutral")
		})
	}
}
