package scoring

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkSuggestHubness is BenchmarkSuggestThroughput with a corpus of 2,000 voices, so that
// the hubness correction is on (hub=on) or, hubWeight set to 0, off (hub=off): what the
// correction costs a suggestion, and the build (build-s, once per size).
func BenchmarkSuggestHubness(b *testing.B) {
	defer func(w float64) { hubWeight = w }(hubWeight)
	for _, n := range []int{10_000, 20_000} {
		reqs, texts := syntheticRequests(n, 5, 3000)
		queries, corpus := texts[:1000], texts[1000:]
		for _, w := range []float64{0, hubWeight} {
			hubWeight = w
			start := time.Now()
			s := NewSuggester(reqs, corpus)
			built := time.Since(start)
			name := "on"
			if w == 0 {
				name = "off"
			}
			b.Run(fmt.Sprintf("requests=%d/hub=%s", n, name), func(b *testing.B) {
				b.ReportMetric(built.Seconds(), "build-s")
				suggestOnEveryCore(b, s, queries)
			})
		}
	}
}

// BenchmarkSuggestHubnessBanking77 is BenchmarkSuggestBanking77Throughput with the voices as the
// corpus, as koe eval has it, the correction off and on.
func BenchmarkSuggestHubnessBanking77(b *testing.B) {
	defer func(w float64) { hubWeight = w }(hubWeight)
	reqs, texts, _, _ := banking77(b)
	for _, w := range []float64{0, hubWeight} {
		hubWeight = w
		s := NewSuggester(reqs, texts)
		name := "on"
		if w == 0 {
			name = "off"
		}
		b.Run("hub="+name, func(b *testing.B) {
			suggestOnEveryCore(b, s, texts)
		})
	}
}
