package triage_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/triage"
)

// TestSharedRankingFollowsEveryChange: after random changes (tags, links, statuses, rates,
// MRR), a shared ranking equals a ranking from scratch — a change is visible in the next view —
// and between changes, views at once get one ranking.
func TestSharedRankingFollowsEveryChange(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	smallSheet(t, db)
	var shared triage.Shared
	u := store.Triager{Actor: "cs@koe.example"}
	r := rand.New(rand.NewPCG(1, 2))
	tags := []feedback.Tag{feedback.TagChurnRisk, feedback.TagExpansion, feedback.TagUsability, feedback.TagInternalEfficiency}
	q := triage.Query{Statuses: feedback.RequestStatuses}
	for step := 0; step < 25; step++ {
		var err error
		switch r.IntN(5) {
		case 0:
			err = db.TagFeedback(ctx, int64(1+r.IntN(9)), tags[r.IntN(len(tags))], u)
		case 1:
			err = db.LinkFeedback(ctx, int64(1+r.IntN(11)), int64(1+r.IntN(4)), u)
		case 2:
			st := feedback.RequestStatuses[r.IntN(len(feedback.RequestStatuses))]
			err = db.UpdateRequest(ctx, int64(1+r.IntN(4)), store.RequestEdit{Status: &st}, "po@koe.example")
		case 3:
			mrr := feedback.Money{Minor: int64(1+r.IntN(100)) * 1000, Currency: []string{"JPY", "USD"}[r.IntN(2)]}
			_, err = db.EditAccount(ctx, int64(1+r.IntN(6)), feedback.AccountPatch{MRR: &mrr}, "cs@koe.example")
		case 4:
			err = db.SetRates(ctx, "JPY", []feedback.Rate{{Currency: "USD", Rate: 100 + float64(r.IntN(100)), On: clock.AddDate(0, 0, step)}}, "admin@koe.example")
		}
		if err != nil && feedback.ErrorCode(err) == feedback.EINTERNAL {
			t.Fatalf("step %d: %v", step, err)
		}
		want, err := triage.Rank(ctx, db, q, scoring.DefaultWeights, clock, -1)
		if err != nil {
			t.Fatal(err)
		}
		var got [4]triage.Backlog
		var wg sync.WaitGroup
		for i := range got {
			wg.Go(func() {
				b, err := shared.Rank(ctx, db, q, scoring.DefaultWeights, clock, -1)
				if err != nil {
					t.Error(err)
				}
				got[i] = b
			})
		}
		wg.Wait()
		for i := range got {
			if !reflect.DeepEqual(got[i].Requests, want.Requests) || !reflect.DeepEqual(got[i].Missing, want.Missing) {
				t.Fatalf("step %d: shared ranking %d differs from one from scratch:\n got %+v\nwant %+v", step, i, got[i].Requests, want.Requests)
			}
			if &got[i].Requests[0] != &got[0].Requests[0] {
				t.Fatalf("step %d: views at once made their own rankings", step)
			}
		}
	}
}
