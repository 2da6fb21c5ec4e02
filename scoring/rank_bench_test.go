package scoring

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
)

// BenchmarkRankRequests ranks 20,000 requests from 700,000 links of 50,000 accounts, in memory.
func BenchmarkRankRequests(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	accounts := map[int64]feedback.Account{}
	for i := int64(1); i <= 50_000; i++ {
		risk := r.Float64()
		accounts[i] = feedback.Account{ID: i, Name: "A", MRR: feedback.Money{Minor: int64(10_000 + r.IntN(1_000_000)), Currency: "JPY"}, Lifecycle: feedback.Customer, ChurnRisk: &risk}
	}
	var reqs []feedback.Request
	for i := int64(1); i <= 20_000; i++ {
		reqs = append(reqs, feedback.Request{ID: i, Title: "r"})
	}
	tags := []feedback.Tag{feedback.TagChurnRisk, feedback.TagExpansion, feedback.TagUsability, feedback.TagNone}
	links := make([]Link, 700_000)
	for i := range links {
		links[i] = Link{RequestID: int64(1 + r.IntN(20_000)), AccountID: int64(1 + r.IntN(50_000)), Tag: tags[r.IntN(4)], LastAt: now.Add(-time.Duration(r.IntN(10000)) * time.Hour)}
	}
	sort.Slice(links, func(i, j int) bool { return linkLess(links[i], links[j]) })
	for b.Loop() {
		RankRequests(reqs, links, accounts, yen, DefaultWeights, now)
	}
}
