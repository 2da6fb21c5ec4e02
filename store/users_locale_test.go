package store_test

import (
	"context"
	"testing"

	"github.com/koehq/koe/feedback"
)

// TestSetUserLocale: any language tag is saved (the dashboard checks it against the catalog), and
// "" goes back to following the browser; what is not a language tag never reaches the table.
func TestSetUserLocale(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	u, err := db.SaveUser(ctx, feedback.User{Email: "l@koe.example", Role: feedback.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"en", "fr", "pt-BR", ""} {
		if err := db.SetUserLocale(ctx, u.ID, l); err != nil {
			t.Fatalf("SetUserLocale(%q): %v", l, err)
		}
		got, err := db.UserByEmail(ctx, "l@koe.example")
		if err != nil {
			t.Fatal(err)
		}
		if got.Locale != l {
			t.Fatalf("locale %q, want %q", got.Locale, l)
		}
	}
	if err := db.SetUserLocale(ctx, u.ID, "en; DROP"); err == nil {
		t.Fatal("saved a locale that is no language tag")
	}
}
