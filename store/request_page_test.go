package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

func TestRequestTrends(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	req := int64(1)
	ds := feedback.Dataset{Requests: []feedback.Request{{ID: 1, Title: "CSV export", Status: feedback.Planned}, {ID: 2, Title: "quiet", Status: feedback.Planned}}}
	for i, v := range []struct {
		ago    time.Duration
		status feedback.Status
	}{
		{time.Hour, feedback.StatusTriaged}, {6 * 24 * time.Hour, feedback.StatusNew}, // this week
		{8 * 24 * time.Hour, feedback.StatusTriaged},            // last week
		{11*7*24*time.Hour + time.Hour, feedback.StatusTriaged}, // the oldest week shown
		{12*7*24*time.Hour + time.Hour, feedback.StatusTriaged}, // too old
		{2 * time.Hour, feedback.StatusSpam},                    // not a voice
		{-time.Hour, feedback.StatusTriaged},                    // after now
	} {
		ds.Items = append(ds.Items, feedback.Item{ID: int64(i + 1), SourceKind: feedback.SourceChat, SourceName: "t",
			SourceID: fmt.Sprint(i), ReceivedAt: now.Add(-v.ago), Body: "x", RequestID: &req, Status: v.status})
	}
	if err := db.ImportDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	got, err := db.RequestTrends(ctx, []int64{1, 2}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2}
	if !slices.Equal(got[1], want) || !slices.Equal(got[2], make([]int, 12)) {
		t.Fatalf("trends = %v, want %v for 1 and zeros for 2", got, want)
	}
}

func TestPublicChangedAtIgnoresPrivateRequests(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if err := db.ImportDataset(ctx, feedback.Dataset{Requests: []feedback.Request{
		{ID: 1, Title: "public", PublicTitle: "Public", Status: feedback.Planned, Public: true},
		{ID: 2, Title: "private", Status: feedback.Planned}}}); err != nil {
		t.Fatal(err)
	}
	before, err := db.PublicChangedAt(ctx)
	if err != nil {
		t.Fatal(err)
	}
	shipped := feedback.Shipped
	if err := db.UpdateRequest(ctx, 2, store.RequestEdit{Status: &shipped}, "po"); err != nil {
		t.Fatal(err)
	}
	if after, _ := db.PublicChangedAt(ctx); !after.Equal(before) {
		t.Fatalf("a private request's status moved the public clock: %s → %s", before, after)
	}
	if err := db.UpdateRequest(ctx, 1, store.RequestEdit{Status: &shipped}, "po"); err != nil {
		t.Fatal(err)
	}
	if after, _ := db.PublicChangedAt(ctx); !after.After(before) {
		t.Fatalf("a public request's status did not move the public clock")
	}
}
