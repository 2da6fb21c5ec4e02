package scoring

import (
	"math"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
)

func money(minor int64, cur string) feedback.Money {
	return feedback.Money{Minor: minor, Currency: cur}
}

// TestRankingConvertsToTheBaseCurrency: USD 1,250.00 a month at 150.25 is ¥187,812.5, more than
// ¥150,000 and more than EUR 1,000.00 at 162 (¥162,000): the order is by converted value, not by
// the minor units the accounts happen to be kept in.
func TestRankingConvertsToTheBaseCurrency(t *testing.T) {
	on := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	rates := feedback.NewRates("JPY", []feedback.Rate{{Currency: "USD", Rate: 150.25, On: on}, {Currency: "EUR", Rate: 162, On: on}})
	accounts := map[int64]feedback.Account{
		1: {ID: 1, Name: "Yen", MRR: money(150_000, "JPY"), Lifecycle: feedback.Customer},
		2: {ID: 2, Name: "Dollar", MRR: money(125_000, "USD"), Lifecycle: feedback.Customer},
		3: {ID: 3, Name: "Euro", MRR: money(100_000, "EUR"), Lifecycle: feedback.Customer},
	}
	w := DefaultWeights
	w.HalfLifeDays = 0
	links := []Link{link(1, 1, feedback.TagChurnRisk, 0), link(2, 2, feedback.TagChurnRisk, 0), link(3, 3, feedback.TagChurnRisk, 0)}
	got := RankRequests(reqs(1, 2, 3), links, accounts, rates, w, now)
	if got[0].RequestID != 2 || got[1].RequestID != 3 || got[2].RequestID != 1 {
		t.Fatalf("order %d, %d, %d; want USD (2), EUR (3), JPY (1)", got[0].RequestID, got[1].RequestID, got[2].RequestID)
	}
	if want := math.Round(187_812.5*0.3*12*100) / 100; got[0].Score != want || got[0].MRRTotal != 187_813 {
		t.Fatalf("USD request: score %v mrr %d, want %v and 187,813", got[0].Score, got[0].MRRTotal, want)
	}
	Explain(got[:1], accounts, rates, w, now)
	p := got[0].Breakdown[0]
	if p.MRR != money(125_000, "USD") || p.MRRBase != 187_812.5 || p.Rate == nil || p.Rate.Rate != 150.25 || !p.Rate.On.Equal(on) ||
		p.Reason != ReasonChurn || p.Probability != 0.3 || p.Decay != 1 {
		t.Fatalf("working %+v: want the original USD 1,250.00, ¥187,812.5 at 150.25 on 2026-11-30", p)
	}
	// All three on one request add up in yen.
	all := []Link{link(1, 1, feedback.TagChurnRisk, 0), link(1, 2, feedback.TagChurnRisk, 0), link(1, 3, feedback.TagChurnRisk, 0)}
	one := RankRequests(reqs(1), all, accounts, rates, w, now)[0]
	if got, want := one.MRRTotal, int64(150_000+187_813+162_000); got != want {
		t.Fatalf("mrr total %d, want %d", got, want)
	}
}

// TestMissingRateAddsNothingRaw: an account in a currency without a rate is left out of the sum
// and named, never counted as if its cents were yen.
func TestMissingRateAddsNothingRaw(t *testing.T) {
	accounts := map[int64]feedback.Account{
		1: {ID: 1, Name: "Yen", MRR: money(10_000, "JPY"), Lifecycle: feedback.Customer},
		2: {ID: 2, Name: "Dollar", MRR: money(125_000, "USD"), Lifecycle: feedback.Customer},
		3: {ID: 3, Name: "Dollar too", MRR: money(5_000, "USD"), Lifecycle: feedback.Customer},
	}
	w := DefaultWeights
	w.HalfLifeDays = 0
	links := []Link{link(1, 1, feedback.TagChurnRisk, 0), link(1, 2, feedback.TagChurnRisk, 0), link(2, 3, feedback.TagExpansion, 0)}
	got := rankedByID(RankRequests(reqs(1, 2), links, accounts, yen, w, now))
	if r := got[1]; r.Accounts != 1 || r.MRRTotal != 10_000 || r.Score != 10_000*0.3*12 {
		t.Fatalf("request 1: %d accounts, mrr %d, score %v; want the yen account alone", r.Accounts, r.MRRTotal, r.Score)
	}
	if r := got[1]; len(r.Unconverted) != 1 || r.Unconverted[0].Currency != "USD" || len(r.Unconverted[0].Accounts) != 1 {
		t.Fatalf("request 1 unconverted %+v, want USD: account 2", r.Unconverted)
	}
	if r := got[2]; r.Score != 0 || r.Accounts != 0 {
		t.Fatalf("request 2: score %v, want nothing counted", r.Score)
	}
	missing := MissingRates([]Ranked{got[1], got[2]})
	if len(missing) != 1 || missing[0].Currency != "USD" || len(missing[0].Accounts) != 2 {
		t.Fatalf("missing rates %+v, want USD for 2 accounts", missing)
	}
}
