package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// TestLinkUnlinkUndo: a bulk link, an unlink and an edit are each undone by UndoLast, one change
// at a time, back to the voices as they were; another person's undo leaves them alone.
func TestLinkUnlinkUndo(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	now := time.Now()
	ds := feedback.Dataset{
		Users:    []feedback.User{{ID: 1, Email: "cs@example.com", Role: feedback.RoleCS}},
		Requests: []feedback.Request{{ID: 1, Title: "CSV", Status: feedback.UnderReview}, {ID: 2, Title: "SSO", Status: feedback.UnderReview}},
		Items: []feedback.Item{
			{ID: 1, SourceKind: feedback.SourceChat, SourceName: "w", SourceID: "1", ReceivedAt: now, Body: "a", Status: feedback.StatusNew},
			{ID: 2, SourceKind: feedback.SourceChat, SourceName: "w", SourceID: "2", ReceivedAt: now, Body: "b", Status: feedback.StatusNew},
		},
	}
	if err := db.ImportDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	cs := store.Triager{UserID: 1, Actor: "cs@example.com"}
	state := func() (a, b feedback.Item) {
		t.Helper()
		a, err := db.FeedbackByID(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		b, err = db.FeedbackByID(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
	if n, err := db.LinkFeedbackMany(ctx, []int64{1, 2}, 1, cs); err != nil || n != 2 {
		t.Fatalf("LinkFeedbackMany = %d, %v", n, err)
	}
	if err := db.UnlinkFeedback(ctx, 2, cs); err != nil {
		t.Fatal(err)
	}
	insight := "wants the monthly report"
	if _, err := db.EditFeedback(ctx, []int64{1}, store.TriageEdit{Insight: &insight}, cs); err != nil {
		t.Fatal(err)
	}
	if ids, err := db.UndoLast(ctx, store.Triager{Actor: "someone@example.com"}); err != nil || len(ids) != 0 {
		t.Fatalf("another person's undo = %v, %v", ids, err)
	}
	defer func() {
		if ids, err := db.UndoLast(ctx, cs); err != nil || len(ids) != 0 {
			t.Errorf("undo with nothing left = %v, %v", ids, err)
		}
	}()
	steps := []struct {
		name    string
		ids     []int64
		check   func(a, b feedback.Item) bool
		explain string
	}{
		{"the edit", []int64{1}, func(a, b feedback.Item) bool { return a.Insight == "" && a.RequestID != nil && b.RequestID == nil }, "insight gone, links kept"},
		{"the unlink", []int64{2}, func(a, b feedback.Item) bool { return b.RequestID != nil && *b.RequestID == 1 }, "voice 2 linked again"},
		{"the bulk link", []int64{1, 2}, func(a, b feedback.Item) bool {
			return a.RequestID == nil && b.RequestID == nil && a.Status == feedback.StatusNew && b.Status == feedback.StatusNew
		}, "both unlinked and new again"},
	}
	// Each undo goes one change further back.
	for _, s := range steps {
		ids, err := db.UndoLast(ctx, cs)
		if err != nil {
			t.Fatalf("undo %s: %v", s.name, err)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, s.ids) {
			t.Fatalf("undo %s touched %v, want %v", s.name, ids, s.ids)
		}
		if a, b := state(); !s.check(a, b) {
			t.Fatalf("after undoing %s (%s): %+v %+v", s.name, s.explain, a, b)
		}
	}
}
