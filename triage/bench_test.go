package triage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/triage"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// bigDataset is 1,000,000 voices from 50,000 accounts on 20,000 requests, 70 % of them linked.
func bigDataset(voices, accounts, requests int) feedback.Dataset {
	r := rand.New(rand.NewPCG(3, 4))
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var ds feedback.Dataset
	plans := []string{"Starter", "Standard", "Business", "Enterprise"}
	for i := 1; i <= accounts; i++ {
		m := int64(10_000 + r.IntN(40_000))
		if r.IntN(20) == 0 {
			m = int64(500_000 + r.IntN(1_500_000))
		}
		emp := 5 + r.IntN(2000)
		lc := feedback.Customer
		if r.IntN(12) == 0 {
			lc = feedback.Prospect
		}
		risk := r.Float64()
		ds.Accounts = append(ds.Accounts, feedback.Account{ID: int64(i), Source: "bench", ExternalID: fmt.Sprint(i),
			Name: fmt.Sprintf("Company %d", i), NameKey: fmt.Sprintf("company%d", i), MRR: feedback.Money{Minor: m, Currency: "JPY"},
			Plan: plans[r.IntN(4)], Employees: &emp, Lifecycle: lc, ChurnRisk: &risk})
	}
	for i := 1; i <= requests; i++ {
		ds.Requests = append(ds.Requests, feedback.Request{ID: int64(i), Title: fmt.Sprintf("Request %d", i), Status: feedback.UnderReview,
			CreatedAt: now.AddDate(0, 0, -r.IntN(700))})
	}
	tags := []feedback.Tag{feedback.TagChurnRisk, feedback.TagExpansion, feedback.TagUsability, feedback.TagInternalEfficiency, feedback.TagNone}
	kinds := []feedback.SourceKind{feedback.SourceChat, feedback.SourceReview, feedback.SourceEmail}
	for i := 1; i <= voices; i++ {
		acct := int64(1 + r.IntN(accounts))
		mrr := ds.Accounts[acct-1].MRR.Minor
		it := feedback.Item{ID: int64(i), SourceKind: kinds[r.IntN(3)], SourceName: "bench", SourceID: fmt.Sprint(i),
			ReceivedAt: now.Add(-time.Duration(r.IntN(700*24)) * time.Hour), Body: "voice", Language: []string{"ja", "en"}[r.IntN(2)],
			AccountID: &acct, MRRAtReceipt: &feedback.Money{Minor: mrr, Currency: "JPY"}, Status: feedback.StatusNew}
		if r.IntN(10) < 7 {
			req := int64(1 + int(float64(requests)*r.Float64()*r.Float64())) // popular requests get more
			it.RequestID, it.Tag, it.Status = &req, tags[r.IntN(len(tags))], feedback.StatusTriaged
		}
		ds.Items = append(ds.Items, it)
	}
	return ds
}

// BenchmarkRank: a full re-rank, and a filtered one (churn-risk voices of Business accounts in
// the last 90 days), over 1,000,000 voices, 50,000 accounts, 20,000 requests.
func BenchmarkRank(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, pgtest.URL(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	if err := db.ImportDataset(ctx, bigDataset(1_000_000, 50_000, 20_000)); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded 1,000,000 voices in %s", time.Since(start).Round(time.Second))
	if err := db.Vacuum(ctx); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	from := now.AddDate(0, 0, -90)
	for _, c := range []struct {
		name string
		f    feedback.BacklogFilter
	}{
		{"full", feedback.BacklogFilter{}},
		{"filtered", feedback.BacklogFilter{From: &from, Tag: feedback.TagChurnRisk, Plan: "Business"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				got, err := triage.Rank(ctx, db, c.f, scoring.DefaultWeights, now, 50) // a page explained
				if err != nil || len(got) == 0 || c.name == "full" && len(got) != 20_000 {
					b.Fatalf("%d ranked, %v", len(got), err)
				}
			}
		})
	}
}
