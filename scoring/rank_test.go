package scoring

import (
	"math"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
)

var now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// yen is a base of JPY with no other rates: what every test in yen needs.
var yen = feedback.NewRates("JPY", nil)

func acct(id, mrr int64, lc feedback.Lifecycle) feedback.Account {
	return feedback.Account{ID: id, Name: "A" + string(rune('0'+id%10)), MRR: feedback.Money{Minor: mrr, Currency: "JPY"}, Lifecycle: lc}
}

func link(req, acc int64, tag feedback.Tag, age time.Duration) Link {
	return Link{RequestID: req, AccountID: acc, Tag: tag, LastAt: now.Add(-age)}
}

func reqs(ids ...int64) []feedback.Request {
	var out []feedback.Request
	for _, id := range ids {
		out = append(out, feedback.Request{ID: id, Title: "r", CreatedAt: now.Add(-time.Duration(id) * time.Hour)})
	}
	return out
}

func rankedByID(rs []Ranked) map[int64]Ranked {
	m := map[int64]Ranked{}
	for _, r := range rs {
		m[r.RequestID] = r
	}
	return m
}

func TestSmallAccountsRankBelowLargeOnes(t *testing.T) {
	accounts := map[int64]feedback.Account{}
	var links []Link
	for i := int64(1); i <= 3; i++ {
		accounts[i] = acct(i, 10_000, feedback.Customer)
		accounts[10+i] = acct(10+i, 1_000_000, feedback.Customer)
		links = append(links, link(1, i, feedback.TagChurnRisk, 0), link(2, 10+i, feedback.TagChurnRisk, 0))
	}
	got := RankRequests(reqs(1, 2), links, accounts, yen, DefaultWeights, now)
	if got[0].RequestID != 2 || got[0].Score <= got[1].Score*50 {
		t.Fatalf("ranking = %+v", got)
	}
	want := 3 * 1_000_000 * 0.3 * 12.0
	if got[0].Score != want || got[0].Churn != want || got[0].MRRTotal != 3_000_000 || got[0].Accounts != 3 {
		t.Fatalf("¥1,000,000 × 3 at p=0.3: score %v churn %v mrr %d accounts %d, want %v", got[0].Score, got[0].Churn, got[0].MRRTotal, got[0].Accounts, want)
	}
}

func TestOneAccountCountsOnceWithItsStrongestReason(t *testing.T) {
	accounts := map[int64]feedback.Account{1: acct(1, 100_000, feedback.Customer)}
	var links []Link
	for i := 0; i < 5; i++ {
		links = append(links, link(1, 1, feedback.TagUsability, time.Duration(i)*time.Hour))
	}
	links = append(links, link(1, 1, feedback.TagChurnRisk, 0))
	got := RankRequests(reqs(1), links, accounts, yen, DefaultWeights, now)[0]
	if got.Accounts != 1 || got.Other != 0 || got.Churn != 100_000*0.3*12 || got.MRRTotal != 100_000 {
		t.Fatalf("five voices and a churn risk from one account = %+v", got)
	}
}

func TestChurnedProspectAndDecay(t *testing.T) {
	deal := int64(200_000)
	prospect := acct(2, 0, feedback.Prospect)
	prospect.Deal = &deal
	paid := int64(300_000)
	accounts := map[int64]feedback.Account{1: acct(1, 0, feedback.Churned), 2: prospect, 3: acct(3, 100_000, feedback.Customer)}
	churnedLink := link(1, 1, feedback.TagChurnRisk, 0)
	churnedLink.MRRAtReceipt, churnedLink.HasMRR = paid, true
	links := []Link{churnedLink, link(2, 2, feedback.TagExpansion, 0), link(3, 3, feedback.TagUsability, 365*24*time.Hour)}

	got := rankedByID(RankRequests(reqs(1, 2, 3), links, accounts, yen, DefaultWeights, now))
	if got[1].Score != 0 || got[1].Accounts != 0 {
		t.Errorf("a churned account counted without win-back: %+v", got[1])
	}
	if got[2].Pipeline != 200_000*0.2*12 {
		t.Errorf("prospect pipeline = %v, want deal × 0.2 × 12", got[2].Pipeline)
	}
	if math.Abs(got[3].Other-100_000*0.05*12*0.5) > 0.01 {
		t.Errorf("a year-old voice with a one-year half-life = %v, want half of %v", got[3].Other, 100_000*0.05*12)
	}
	w := DefaultWeights
	w.WinBack = true
	if s := rankedByID(RankRequests(reqs(1), links, accounts, yen, w, now))[1]; s.Churn != 300_000*0.3*12 {
		t.Errorf("win-back of a churned account = %+v, want its old MRR", s)
	}
}

func TestEachWeightMovesTheRankItsWay(t *testing.T) {
	risk := 0.8
	renewal := now.AddDate(0, 0, 30)
	a1 := acct(1, 100_000, feedback.Customer)
	a2 := acct(2, 100_000, feedback.Customer)
	a2.ChurnRisk, a2.RenewalDate = &risk, &renewal
	accounts := map[int64]feedback.Account{1: a1, 2: a2}
	links := []Link{link(1, 1, feedback.TagExpansion, 0), link(2, 2, feedback.TagChurnRisk, 0)}
	first := func(w Weights) int64 { return RankRequests(reqs(1, 2), links, accounts, yen, w, now)[0].RequestID }

	w := DefaultWeights
	if first(w) != 2 {
		t.Fatalf("churn risk with signals should lead by default")
	}
	w.ChurnBase, w.ChurnSignal, w.RenewalBoost, w.ExpansionUplift = 0.05, 0, 0, 0.5
	if first(w) != 1 {
		t.Fatalf("a small churn base and a large uplift should put expansion first")
	}
	w.ChurnSignal = 1 // the account's own risk signal (0.8) brings churn back on top
	if first(w) != 2 {
		t.Fatalf("raising the churn-signal weight should put churn first")
	}

	// CurrentMRR ranks by today's MRR instead of the MRR when the voice came in.
	then := int64(1_000)
	l := link(1, 1, feedback.TagChurnRisk, 0)
	l.MRRAtReceipt, l.HasMRR = then, true
	cur := DefaultWeights
	cur.CurrentMRR = true
	if a, b := RankRequests(reqs(1), []Link{l}, accounts, yen, DefaultWeights, now)[0].Score, RankRequests(reqs(1), []Link{l}, accounts, yen, cur, now)[0].Score; a >= b {
		t.Fatalf("at receipt %v, current %v: want current (¥100,000) above at-receipt (¥1,000)", a, b)
	}
}

func TestBreakdownAddsUpAndTiesAreDeterministic(t *testing.T) {
	accounts := map[int64]feedback.Account{}
	var links []Link
	for i := int64(1); i <= 6; i++ {
		accounts[i] = acct(i, 10_000*i, feedback.Customer)
		links = append(links, link(1, i, []feedback.Tag{feedback.TagChurnRisk, feedback.TagExpansion, feedback.TagUsability}[i%3], time.Duration(i)*24*time.Hour))
	}
	links = append(links, link(2, 1, feedback.TagUsability, 0), link(3, 1, feedback.TagUsability, 0), link(3, 2, feedback.TagNone, 0))
	accounts[7] = acct(7, 0, feedback.Customer)
	links = append(links, link(2, 7, feedback.TagUsability, 0))
	got := RankRequests(reqs(1, 2, 3, 4), links, accounts, yen, DefaultWeights, now)
	Explain(got, accounts, yen, DefaultWeights, now)
	for _, r := range got {
		sum := 0.0
		for _, p := range r.Breakdown {
			sum += p.Amount
			if p.Reason == "" || p.Probability <= 0 || p.Decay <= 0 || p.Decay > 1 {
				t.Errorf("request %d: a part without its working: %+v", r.RequestID, p)
			}
		}
		if math.Abs(sum-r.Score) > 0.05 || math.Abs(r.Churn+r.Expansion+r.Pipeline+r.Other-r.Score) > 0.05 {
			t.Errorf("request %d: parts %v and components do not add up to %v", r.RequestID, sum, r.Score)
		}
	}
	again := RankRequests(reqs(1, 2, 3, 4), links, accounts, yen, DefaultWeights, now)
	for i := range got {
		if got[i].RequestID != again[i].RequestID || got[i].Rank != i+1 {
			t.Fatalf("ranking is not deterministic")
		}
	}
	// Requests 2 and 3 each have two accounts, but 2's second pays ¥0: 3 has more at stake.
	pos := map[int64]int{}
	for _, r := range got {
		pos[r.RequestID] = r.Rank
	}
	if pos[3] > pos[2] || pos[4] != 4 {
		t.Fatalf("ranks %v: want 3 above 2 and the request without voices last", pos)
	}
}
