package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
)

// TestRoadmapInTheReadersLanguage: a product owner writes a public request's words in English on
// the request page; English readers of the roadmap, its item page and its JSON read them, and
// Japanese readers keep the request's own words.
func TestRoadmapInTheReadersLanguage(t *testing.T) {
	db := seed(t)
	po := signIn(t, db, "po@koe.example", feedback.RolePO)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	page := do(h, http.MethodGet, "/app/requests/1?lang=en", &po, false).Body.String()
	if !strings.Contains(page, `name="public_title_en"`) || !strings.Contains(page, "Public words in English") {
		t.Fatalf("the request page has no English public title field")
	}
	form := url.Values{"title": {canary + " internal title"}, "status": {"planned"}, "public": {"on"},
		"public_title": {"CSVで書き出す"}, "public_description": {""}, "public_note": {""},
		"public_title_en": {"Export to CSV"}, "public_note_en": {"Planned for July."}, "public_title_ja": {""}}
	if rec := postForm(h, "/app/requests/1", &po, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", rec.Code, rec.Body)
	}
	for _, c := range []struct{ path, want, not string }{
		{"/roadmap?lang=en", "Export to CSV", "CSVで書き出す"},
		{"/roadmap?lang=ja", "CSVで書き出す", "Export to CSV"},
		{"/roadmap/1?lang=en", "Planned for July.", "CSVで書き出す"},
		{"/roadmap.json?lang=en", `"title":"Export to CSV"`, "CSVで書き出す"},
	} {
		_, body := get(t, h, c.path)
		if !strings.Contains(body, c.want) || strings.Contains(body, c.not) {
			t.Errorf("%s: want %q and not %q", c.path, c.want, c.not)
		}
	}
}
