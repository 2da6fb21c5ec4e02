package dashboard_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// publicPaths are every public route, in every format.
var publicPaths = []string{"/", "/roadmap", "/roadmap?lang=en", "/roadmap?status=planned", "/roadmap?status=in_progress&lang=en",
	"/roadmap/1", "/roadmap/1?lang=en", "/roadmap/2", "/roadmap/999", "/roadmap.json", "/roadmap.json?status=in_progress",
	"/roadmap.csv", "/roadmap.csv?lang=en", "/roadmap.atom", "/roadmap.atom?lang=en", "/account/signin", "/account", "/account/verify?token=x",
	// A page at a time: search, sort, cursor. A search for words only the internal fields hold
	// (the JSON does not echo ?q=, so the canary itself can be asked for) finds nothing.
	"/roadmap?q=export&sort=asked", "/roadmap?lang=en&q=" + url.QueryEscape("書き出し"), "/roadmap?sort=asked&status=planned", "/roadmap?cursor=bogus",
	"/roadmap.json?q=" + canary, "/roadmap.json?q=" + canary + "+private+request", "/roadmap.json?sort=asked", "/roadmap.json?q=export&sort=asked&status=planned",
	"/roadmap.json?cursor=bogus", "/roadmap.json?cursor=bi4xLjE"}

// TestPublicPagesShowNothingInternal puts canaries in everything internal — the account's name,
// its contact's email, its MRR, the internal title and notes, the raw voice, and the public title
// of a request that is not public — and reads every public route in every format.
func TestPublicPagesShowNothingInternal(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	st := feedback.InProgress
	note, hidden := "Now building it.", canary+" unpublished public title"
	if err := db.UpdateRequest(ctx, 1, store.RequestEdit{Status: &st, PublicNote: &note}, "po@koe.example"); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateRequest(ctx, 2, store.RequestEdit{PublicTitle: &hidden}, "po@koe.example"); err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(db, opts(dashboard.Options{CompanyName: "Acme", RoadmapAskedBy: true, BaseURL: "https://koe.example"}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	for _, path := range publicPaths {
		for _, enc := range []string{"", "gzip"} {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Accept-Encoding", enc)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Errorf("%s: status %d", path, rec.Code)
			}
			all := unzipped(t, rec)
			for k, v := range rec.Header() {
				all += k + ": " + strings.Join(v, ",") + "\n"
			}
			for _, secret := range []string{canary, "987654321", "987,654,321", "internal"} {
				if strings.Contains(all, secret) {
					t.Errorf("%s (%s) shows %q", path, enc, secret)
				}
			}
			if strings.HasPrefix(path, "/roadmap.json?q="+canary) && !strings.Contains(all, `"requests":[]`) {
				t.Errorf("%s finds a request by its internal words: %s", path, all)
			}
		}
	}
	// The checks are not vacuous: the public request is there, with its note and its count.
	if _, body := get(t, h, "/roadmap.json"); !strings.Contains(body, `"asked_by_companies":1`) || !strings.Contains(body, note) {
		t.Errorf("/roadmap.json: %s", body)
	}
	_, body := get(t, h, "/roadmap")
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("/roadmap does not escape the public title/description:\n%s", body)
	}
	if _, body := get(t, h, "/roadmap.atom"); strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("/roadmap.atom does not escape the title:\n%s", body)
	}
}

func TestRoadmapFeeds(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	po := signIn(t, db, "po@koe.example", feedback.RolePO)
	srv, err := dashboard.New(db, opts(dashboard.Options{CompanyName: "Acme", BaseURL: "https://koe.example", RoadmapCacheTTL: time.Hour}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()

	// Conditional requests: the ETag, then Last-Modified.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/roadmap.json", nil))
	etag, modified := rec.Header().Get("ETag"), rec.Header().Get("Last-Modified")
	if rec.Code != 200 || etag == "" || modified == "" || !strings.Contains(rec.Header().Get("Cache-Control"), "max-age") {
		t.Fatalf("/roadmap.json: %d %v", rec.Code, rec.Header())
	}
	for _, hdr := range [][2]string{{"If-None-Match", etag}, {"If-Modified-Since", modified}} {
		req := httptest.NewRequest(http.MethodGet, "/roadmap.json", nil)
		req.Header.Set(hdr[0], hdr[1])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("%s: %d, want 304", hdr[0], rec.Code)
		}
	}

	// A change made on the dashboard shows at once, cache or not; the history keeps both statuses.
	form := url.Values{"title": {"t"}, "public_title": {"Export to CSV"}, "public": {"on"}, "status": {"shipped"}, "public_note": {"Out today."}}
	if rec := postForm(h, "/app/requests/1", &po, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", rec.Code, rec.Body.String())
	}
	req := httptest.NewRequest(http.MethodGet, "/roadmap.json", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status":"shipped"`) || rec.Header().Get("ETag") == etag {
		t.Fatalf("after the change: %d %s", rec.Code, rec.Body.String())
	}
	if _, body := get(t, h, "/roadmap/1?lang=en"); !strings.Contains(body, "Out today.") || !strings.Contains(body, "Planned") || !strings.Contains(body, "Shipped") {
		t.Errorf("/roadmap/1 lacks its history:\n%s", body)
	}

	// CSV: a BOM, then a header and one row.
	code, body := get(t, h, "/roadmap.csv?lang=en")
	if code != 200 || !strings.HasPrefix(body, "\ufeffid,title,description,status,status_label,last_change,note,url\n1,Export to CSV,") ||
		!strings.Contains(body, "https://koe.example/roadmap/1") {
		t.Errorf("/roadmap.csv: %d %q", code, body)
	}

	// Atom: well-formed, one entry a status change, newest first.
	code, body = get(t, h, "/roadmap.atom?lang=en")
	var feed struct {
		Title   string `xml:"title"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Summary string `xml:"summary"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &feed); code != 200 || err != nil {
		t.Fatalf("/roadmap.atom: %d %v\n%s", code, err, body)
	}
	if len(feed.Entries) != 2 || feed.Entries[0].Title != "Shipped: Export to CSV" || feed.Entries[0].Summary != "Out today." ||
		!strings.HasPrefix(feed.Entries[1].Title, "Planned: ") || feed.Entries[0].ID == feed.Entries[1].ID {
		t.Errorf("atom entries = %+v", feed.Entries)
	}

	// A status filter; a wrong one is explained.
	if _, body := get(t, h, "/roadmap.json?status=planned"); !strings.Contains(body, `"requests":[]`) {
		t.Errorf("?status=planned: %s", body)
	}
	if code, body := get(t, h, "/roadmap.json?status=declined"); code != 400 || !strings.Contains(body, "under_review, planned, in_progress or shipped") {
		t.Errorf("?status=declined: %d %s", code, body)
	}
	// Made private, it is gone from every list and its page.
	private := false
	if err := db.UpdateRequest(ctx, 1, store.RequestEdit{Public: &private}, "po@koe.example"); err != nil {
		t.Fatal(err)
	}
	srv2, _ := dashboard.New(db, opts(dashboard.Options{}))
	h2 := srv2.Handler()
	if code, _ := get(t, h2, "/roadmap/1"); code != 404 {
		t.Errorf("a private request's page: %d", code)
	}
	if _, body := get(t, h2, "/roadmap.atom"); strings.Contains(body, "<entry>") {
		t.Errorf("a private request's changes are in the feed:\n%s", body)
	}
}
