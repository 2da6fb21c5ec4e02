package triage_test

import (
	"context"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/benchdata"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/triage"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// BenchmarkRank: a full re-rank, and a filtered one (churn-risk voices of Business accounts in
// the last 90 days), over 1,000,000 voices, 50,000 accounts, 20,000 requests.
func BenchmarkRank(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	start := time.Now()
	if err := db.ImportDataset(ctx, benchdata.Big(1_000_000, 50_000, 20_000)); err != nil {
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
				bl, err := triage.Rank(ctx, db, triage.Query{Filter: c.f, Statuses: feedback.RequestStatuses}, scoring.DefaultWeights, now, 50) // a page explained
				got := bl.Requests
				if err != nil || len(got) == 0 || c.name == "full" && len(got) != 20_000 {
					b.Fatalf("%d ranked, %v", len(got), err)
				}
			}
		})
	}
}
