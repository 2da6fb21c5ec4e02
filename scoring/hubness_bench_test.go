package scoring

import (
	"fmt"
	"sync/atomic"
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
				var next atomic.Int64
				start, cpu0 := time.Now(), cpuTime()
				b.RunParallel(func(pb *testing.PB) {
					i := int(next.Add(7919))
					for pb.Next() {
						s.Suggest(queries[i%len(queries)], 3)
						i++
					}
				})
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "suggestions/s")
				b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e3, "cpu-µs/op")
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
			start, cpu0 := time.Now(), cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					s.Suggest(texts[i%len(texts)], 3)
					i++
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "suggestions/s")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e3, "cpu-µs/op")
		})
	}
}
