package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// TestPublicTextsInTheReadersLanguage: a public request reads in the reader's language where it
// has words in it, else in its own; saving them is public news; removing them falls back again.
func TestPublicTextsInTheReadersLanguage(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if err := db.ImportDataset(ctx, fixture()); err != nil {
		t.Fatal(err)
	}
	reqs, err := db.PublicRequests(ctx, "en", false)
	if err != nil || len(reqs) == 0 {
		t.Fatalf("public requests: %v %v", reqs, err)
	}
	id, own := reqs[0].ID, reqs[0].Title
	before, _ := db.PublicChangedAt(ctx)
	time.Sleep(10 * time.Millisecond)
	if err := db.SetPublicTexts(ctx, id, []store.PublicText{{Lang: "en", Title: "Export to CSV", Note: "Planned for July."}}, "po@example.com"); err != nil {
		t.Fatal(err)
	}
	if after, _ := db.PublicChangedAt(ctx); !after.After(before) {
		t.Errorf("public_changed_at did not move: %v → %v", before, after)
	}
	for _, c := range []struct{ lang, title, note string }{{"en", "Export to CSV", "Planned for July."}, {"ja", own, ""}} {
		r, _, err := db.PublicRequest(ctx, id, c.lang, false)
		if err != nil {
			t.Fatal(err)
		}
		if r.Title != c.title || (c.note != "" && r.Note != c.note) {
			t.Errorf("%s: title %q note %q, want %q %q", c.lang, r.Title, r.Note, c.title, c.note)
		}
	}
	if changes, err := db.PublicChanges(ctx, "en", 50); err != nil || !hasTitle(changes, "Export to CSV") {
		t.Errorf("English changes lack the English title: %v %v", changes, err)
	}
	// The customer page of an account that asked reads the same words.
	seen := false
	for acct := int64(1); acct <= 4; acct++ {
		list, _, err := db.CustomerRequests(ctx, acct, "en")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list {
			if r.ID == id {
				seen = true
				if r.Title != "Export to CSV" {
					t.Errorf("account %d's page: %q, want the English title", acct, r.Title)
				}
			}
		}
	}
	if !seen {
		t.Errorf("no account's page lists request %d", id)
	}
	texts, err := db.PublicTexts(ctx, id)
	if err != nil || texts["en"].Title != "Export to CSV" {
		t.Fatalf("PublicTexts = %v, %v", texts, err)
	}
	if err := db.SetPublicTexts(ctx, id, []store.PublicText{{Lang: "en"}}, "po@example.com"); err != nil {
		t.Fatal(err)
	}
	if r, _, _ := db.PublicRequest(ctx, id, "en", false); r.Title != own {
		t.Errorf("after removing the English words: %q, want %q", r.Title, own)
	}
}

func hasTitle(list []feedback.PublicStatusChange, title string) bool {
	for _, x := range list {
		if x.Title == title {
			return true
		}
	}
	return false
}
