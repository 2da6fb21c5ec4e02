package scoring

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// syntheticRequests makes n requests of perRequest examples each from a Zipf-like vocabulary of
// Latin words and Japanese characters, and queries drawn the same way.
func syntheticRequests(n, perRequest, queries int) ([]RequestText, []string) {
	r := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 30000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%dx", i)
	}
	jp := []rune("出力申請承認権限検索通知連携請求契約画面操作設定帳票管理部署表示速度削除復元一括編集")
	text := func() string {
		var sb strings.Builder
		for j := 0; j < 8; j++ {
			sb.WriteString(vocab[int(r.ExpFloat64()*3000)%len(vocab)] + " ")
		}
		for j := 0; j < 6; j++ {
			sb.WriteRune(jp[r.IntN(len(jp))])
		}
		return sb.String()
	}
	reqs := make([]RequestText, n)
	for i := range reqs {
		reqs[i] = RequestText{ID: fmt.Sprint(i), Title: text()}
		for j := 0; j < perRequest; j++ {
			reqs[i].Examples = append(reqs[i].Examples, text())
		}
	}
	qs := make([]string, queries)
	for i := range qs {
		qs[i] = text()
	}
	return reqs, qs
}

// BenchmarkSuggestThroughput is suggestions a second on every core (b.RunParallel) among 10,000
// and 20,000 requests of 5 linked voices each: what an import's suggestions run at. The build
// time is reported once per size.
func BenchmarkSuggestThroughput(b *testing.B) {
	for _, n := range []int{10_000, 20_000} {
		reqs, queries := syntheticRequests(n, 5, 1000)
		start := time.Now()
		s := NewSuggester(reqs, nil)
		built := time.Since(start)
		b.Run(fmt.Sprintf("requests=%d", n), func(b *testing.B) {
			b.ReportMetric(built.Seconds(), "build-s")
			suggestOnEveryCore(b, s, queries)
		})
	}
}

// BenchmarkSuggestBanking77Throughput is suggestions a second on every core for real support
// messages (the BANKING77 test set) against its 77 requests.
func BenchmarkSuggestBanking77Throughput(b *testing.B) {
	reqs, texts, _, _ := banking77(b)
	s := NewSuggester(reqs, nil)
	b.ResetTimer()
	suggestOnEveryCore(b, s, texts)
}

// suggestOnEveryCore asks s for the top 3 of queries in turn on every core (b.RunParallel, each
// goroutine starting elsewhere in them) and reports suggestions a second and CPU µs a suggestion.
func suggestOnEveryCore(b *testing.B, s *Suggester, queries []string) {
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
}

// cpuTime is the CPU time this process has used, in nanoseconds: on a machine shared with other
// work, wall-clock throughput says as much about the neighbours as about the code; CPU time a
// suggestion does not.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkSuggestPruned times one suggestion among 20,000 requests and reports how often its top
// one and top three are those of scoring every request with Dot (bruteSuggest): 1 for the exact
// walk of suggest (an older walk, cut short by a budget of postings or rescoring only its best 24
// candidates once its bounds stopped it, was under 1).
func BenchmarkSuggestPruned(b *testing.B) {
	reqs, queries := syntheticRequests(20_000, 5, 300)
	s := NewSuggester(reqs, nil)
	same1, same3 := 0, 0
	for _, q := range queries {
		got, want := s.Suggest(q, 3), bruteSuggest(s, s.model.Vector(q), 3)
		if len(want) > 0 && len(got) > 0 && got[0] == want[0] {
			same1++
		}
		if slices.Equal(got, want) {
			same3++
		}
	}
	b.ResetTimer()
	i, cpu0 := 0, cpuTime()
	for b.Loop() {
		s.Suggest(queries[i%len(queries)], 3)
		i++
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e3, "cpu-µs/op")
	b.ReportMetric(float64(same1)/float64(len(queries)), "same-top1")
	b.ReportMetric(float64(same3)/float64(len(queries)), "same-top3")
}
