package intake_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/internal/storetest"
)

// voices is a source of a few chat voices.
type voices []string

func (v voices) Kind() feedback.SourceKind { return feedback.SourceChat }
func (v voices) Name() string              { return "widget" }
func (v voices) Pull(_ context.Context, _ string, emit func(ingest.Batch) error) error {
	var b ingest.Batch
	for i, text := range v {
		b.Records = append(b.Records, ingest.Record{Where: fmt.Sprintf("voice %d", i+1), Item: feedback.Item{
			SourceKind: feedback.SourceChat, SourceName: "widget", SourceID: fmt.Sprint(i + 1),
			ReceivedAt: time.Now().Add(-time.Hour).Truncate(time.Second), Body: text}})
	}
	return emit(b)
}

// TestSuggestionsNowOrInTheBackground: without Start, Ingest returns with the suggestions
// stored (a command); after Start, they follow shortly, from the service's own goroutine (koe serve).
func TestSuggestionsNowOrInTheBackground(t *testing.T) {
	for _, background := range []bool{false, true} {
		t.Run(fmt.Sprintf("background=%v", background), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			db := storetest.Open(t)
			if err := db.ImportDataset(ctx, feedback.Dataset{Requests: []feedback.Request{
				{ID: 1, Title: "CSV export", Status: feedback.Planned}, {ID: 2, Title: "Single sign-on", Status: feedback.UnderReview}}}); err != nil {
				t.Fatal(err)
			}
			in := &intake.Service{DB: db}
			if background {
				in.Start(ctx)
			}
			c, err := in.Ingest(ctx, voices{"We need a CSV export of every invoice", "CSV export for the monthly report"}, intake.Run{SourceType: "test"})
			if err != nil || c.New != 2 {
				t.Fatalf("ingest: %+v %v", c, err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				reqs, _, err := db.Suggestions(ctx, 1)
				if err != nil {
					t.Fatal(err)
				}
				if len(reqs) > 0 {
					if got, want := reqs[0].Title, "CSV export"; got != want {
						t.Fatalf("best suggestion %q, want %q", got, want)
					}
					return
				}
				if !background || time.Now().After(deadline) {
					t.Fatal("the voice has no stored suggestion")
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// dated is a source of voices received at the given times.
type dated map[string]time.Time

func (d dated) Kind() feedback.SourceKind { return feedback.SourceChat }
func (d dated) Name() string              { return "history" }
func (d dated) Pull(_ context.Context, _ string, emit func(ingest.Batch) error) error {
	var b ingest.Batch
	for text, at := range d {
		b.Records = append(b.Records, ingest.Record{Where: text, Item: feedback.Item{
			SourceKind: feedback.SourceChat, SourceName: "history", SourceID: text, ReceivedAt: at, Body: "CSV export please: " + text}})
	}
	return emit(b)
}

// TestIngestSuggestsRecentVoicesBounded: a command's ingest suggests for at most Bound of the
// recent voices, newest first, and leaves history alone; a page about to show an old voice
// has it suggested then (SuggestVoices).
func TestIngestSuggestsRecentVoicesBounded(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if err := db.ImportDataset(ctx, feedback.Dataset{Requests: []feedback.Request{{ID: 1, Title: "CSV export", Status: feedback.Planned}}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	in := &intake.Service{DB: db, Bound: 2}
	src := dated{"newest": now.Add(-time.Hour), "newer": now.Add(-2 * time.Hour), "new": now.Add(-3 * time.Hour),
		"last year": now.AddDate(-1, 0, 0), "two years ago": now.AddDate(-2, 0, 0)}
	if c, err := in.Ingest(ctx, src, intake.Run{SourceType: "test"}); err != nil || c.New != 5 {
		t.Fatalf("ingest: %+v %v", c, err)
	}
	suggested := func(sourceID string) bool {
		t.Helper()
		it, err := db.FeedbackBySource(ctx, feedback.SourceChat, "history", sourceID)
		if err != nil {
			t.Fatal(err)
		}
		reqs, _, err := db.Suggestions(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(reqs) > 0
	}
	for id, want := range map[string]bool{"newest": true, "newer": true, "new": false, "last year": false, "two years ago": false} {
		if got := suggested(id); got != want {
			t.Errorf("%s suggested %v, want %v", id, got, want)
		}
	}
	old, err := db.FeedbackBySource(ctx, feedback.SourceChat, "history", "last year")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := in.SuggestVoices(ctx, []int64{old.ID}); err != nil || n != 1 || !suggested("last year") {
		t.Fatalf("the opened old voice: %d %v", n, err)
	}
}
