package triage_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// TestSharedRanksOnceAtATime: many callers at once while a voice is tagged again and again.
// Every answer reflects at least the data its caller could see when it asked, and a query never
// has more than one ranking running and one queued: rankings begun stay within the changes made
// (plus the first), however many callers ask.
func TestSharedRanksOnceAtATime(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	smallSheet(t, db)
	var shared triage.Shared
	q := triage.Query{Statuses: feedback.RequestStatuses}
	stop := make(chan struct{})
	var changes atomic.Int64
	var changer sync.WaitGroup
	changer.Go(func() {
		tags := []feedback.Tag{feedback.TagChurnRisk, feedback.TagUsability}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := db.TagFeedback(ctx, 1, tags[i%2], store.Triager{Actor: "cs@koe.example"}); err != nil {
				t.Error(err)
				return
			}
			changes.Add(1)
			time.Sleep(time.Millisecond)
		}
	})
	var callers sync.WaitGroup
	var calls atomic.Int64
	for range 24 {
		callers.Go(func() {
			for range 15 {
				saw, err := db.BacklogVersion(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				b, v, err := triage.SharedRank(&shared, ctx, db, q, scoring.DefaultWeights, clock, 20)
				if err != nil {
					t.Error(err)
					return
				}
				calls.Add(1)
				if v < saw {
					t.Errorf("answer of version %d to a caller who saw version %d", v, saw)
				}
				if len(b.Requests) == 0 {
					t.Error("empty ranking")
				}
			}
		})
	}
	callers.Wait()
	close(stop)
	changer.Wait()
	started, _, most := triage.SharedStarted(&shared)
	t.Logf("%d calls, %d changes, %d rankings, at most %d at once", calls.Load(), changes.Load(), started, most)
	if started > changes.Load()+1 {
		t.Errorf("%d rankings begun for %d changes", started, changes.Load())
	}
	if most != 1 {
		t.Errorf("%d rankings of one query ran at once: they pile up", most)
	}
	// Once the data rests, the next view is a ranking from scratch.
	want, err := triage.Rank(ctx, db, q, scoring.DefaultWeights, clock, 20)
	if err != nil {
		t.Fatal(err)
	}
	got, err := shared.Rank(ctx, db, q, scoring.DefaultWeights, clock, 20)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Requests, want.Requests) {
		t.Errorf("after the changes, shared ranking differs from one from scratch:\n got %+v\nwant %+v", got.Requests, want.Requests)
	}
}

// TestSharedKeepsFewQueries: the queries kept stay within Keep, the least recently asked
// dropped, and a kept query's ranking is reused.
func TestSharedKeepsFewQueries(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	smallSheet(t, db)
	shared := triage.Shared{Keep: 2}
	q := triage.Query{Statuses: feedback.RequestStatuses}
	for explain := range 5 {
		if _, err := shared.Rank(ctx, db, q, scoring.DefaultWeights, clock, explain); err != nil {
			t.Fatal(err)
		}
		if _, kept, _ := triage.SharedStarted(&shared); kept > 2 {
			t.Fatalf("%d queries kept, Keep is 2", kept)
		}
	}
	started, _, _ := triage.SharedStarted(&shared)
	if _, err := shared.Rank(ctx, db, q, scoring.DefaultWeights, clock, 4); err != nil { // kept
		t.Fatal(err)
	}
	if _, err := shared.Rank(ctx, db, q, scoring.DefaultWeights, clock, 0); err != nil { // dropped
		t.Fatal(err)
	}
	if again, _, _ := triage.SharedStarted(&shared); again != started+1 {
		t.Errorf("%d rankings for a kept query and a dropped one, want 1", again-started)
	}
}
