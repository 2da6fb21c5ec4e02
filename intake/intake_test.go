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
			ReceivedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Body: text}})
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
