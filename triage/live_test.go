package triage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/triage"
)

// TestLiveLearnsLinks: a voice a person links to a request teaches the suggester of every
// replica (here two Lives on one database) without a rebuild, through the link log.
func TestLiveLearnsLinks(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	ds := feedback.Dataset{Requests: []feedback.Request{
		{ID: 1, Title: "Dark mode", Status: feedback.Planned},
		{ID: 2, Title: "CSV export", Status: feedback.Planned},
	}}
	for i, body := range []string{"画面を黒っぽくして目に優しくしてほしい", "夜に画面がまぶしい、黒い背景にできますか", "unrelated words about invoices"} {
		ds.Items = append(ds.Items, feedback.Item{ID: int64(i + 1), SourceKind: feedback.SourceChat, SourceName: "t", SourceID: fmt.Sprint(i + 1),
			ReceivedAt: time.Now(), Body: body, Status: feedback.StatusNew})
	}
	if err := db.ImportDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	var a, b triage.Live
	sa, err := a.Suggester(ctx, db)
	if err != nil || sa == nil {
		t.Fatalf("suggester: %v %v", sa, err)
	}
	if _, err := b.Suggester(ctx, db); err != nil {
		t.Fatal(err)
	}
	before := sa.Suggest("黒い背景で目に優しく", 1)
	if len(before) > 0 && before[0].RequestID == "1" && before[0].Score > 0.2 {
		t.Fatalf("before any link the dark-mode words already match: %+v", before)
	}
	if err := db.LinkFeedback(ctx, 1, 1, store.Triager{Actor: "cs@koe.example"}); err != nil {
		t.Fatal(err)
	}
	for name, l := range map[string]*triage.Live{"a": &a, "b": &b} {
		s, err := l.Suggester(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if name == "a" && s != sa {
			t.Errorf("the suggester was rebuilt for one link")
		}
		got := s.Suggest("黒い背景で目に優しく", 1)
		if len(got) == 0 || got[0].RequestID != "1" {
			t.Errorf("replica %s after the link: %+v, want request 1", name, got)
		}
	}
}

// TestNoRequestsBuildsNothing: with no request there is nothing to suggest and no suggester.
func TestNoRequestsBuildsNothing(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	var l triage.Live
	if s, err := l.Suggester(ctx, db); err != nil || s != nil {
		t.Fatalf("suggester with no requests: %v %v", s, err)
	}
}
