package dashboard_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
)

// unzipped is a recorded answer's body, gunzipped when it says it is gzip.
func unzipped(t testing.TB, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if rec.Header().Get("Content-Encoding") != "gzip" {
		return rec.Body.String()
	}
	zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return string(b)
}

// publicRequests is n public requests in turn under review, planned, in progress and shipped,
// every third with the same last change (ties), request i asked for by i%4 companies; request 5
// has Japanese words.
func publicRequests(n int) feedback.Dataset {
	var ds feedback.Dataset
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	statuses := []feedback.RequestStatus{feedback.UnderReview, feedback.Planned, feedback.InProgress, feedback.Shipped}
	for a := int64(1); a <= 3; a++ {
		ds.Accounts = append(ds.Accounts, feedback.Account{ID: a, Source: "t", ExternalID: fmt.Sprint(a), Name: fmt.Sprintf("Co %d", a),
			NameKey: fmt.Sprintf("co%d", a), MRR: feedback.Money{Minor: 1000, Currency: "JPY"}, Lifecycle: feedback.Customer})
	}
	item := int64(0)
	for i := int64(1); i <= int64(n); i++ {
		r := feedback.Request{ID: i, Title: fmt.Sprintf("internal %d", i), PublicTitle: fmt.Sprintf("Public request %d", i),
			PublicDescription: "What it does", Status: statuses[i%4], Public: true, CreatedAt: base, StatusChangedAt: base.Add(time.Duration(i/3) * time.Hour)}
		if i == 5 {
			r.PublicTitle, r.PublicDescription = "請求書をPDFで出力する", "月末の締めに"
		}
		ds.Requests = append(ds.Requests, r)
		for a := int64(1); a <= i%4; a++ {
			item++
			acct, req := a, i
			ds.Items = append(ds.Items, feedback.Item{ID: item, SourceKind: feedback.SourceChat, SourceName: "t", SourceID: fmt.Sprint(item),
				ReceivedAt: base, Body: "voice", Language: "en", AccountID: &acct, RequestID: &req, Status: feedback.StatusTriaged})
		}
	}
	return ds
}

type roadmapPage struct {
	Sort       string                   `json:"sort"`
	Requests   []feedback.PublicRequest `json:"requests"`
	NextCursor *string                  `json:"next_cursor"`
}

func TestRoadmapPages(t *testing.T) {
	db := openStore(t)
	if err := db.ImportDataset(context.Background(), publicRequests(100)); err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(db, opts(dashboard.Options{RoadmapAskedBy: true, RoadmapCacheTTL: time.Minute}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()

	for _, sort := range []string{"newest", "asked"} {
		t.Run("json "+sort, func(t *testing.T) {
			seen := map[int64]int{}
			path := "/roadmap.json?sort=" + sort
			for pages := 1; ; pages++ {
				code, body := get(t, h, path)
				var p roadmapPage
				if err := json.Unmarshal([]byte(body), &p); code != 200 || err != nil {
					t.Fatalf("%s: %d %v %s", path, code, err, body)
				}
				if len(p.Requests) > 30 || p.Sort != sort {
					t.Fatalf("%s: %d requests sorted %q", path, len(p.Requests), p.Sort)
				}
				for _, r := range p.Requests {
					seen[r.ID]++
				}
				if p.NextCursor == nil {
					if got, want := pages, 4; got != want {
						t.Errorf("pages=%d, want %d", got, want)
					}
					break
				}
				path = "/roadmap.json?sort=" + sort + "&cursor=" + *p.NextCursor
			}
			for id := int64(1); id <= 100; id++ {
				if seen[id] != 1 {
					t.Errorf("request %d read %d times, want once", id, seen[id])
				}
			}
		})
	}

	t.Run("html", func(t *testing.T) {
		next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
		card := regexp.MustCompile(`href="/roadmap/(\d+)\?lang=en"`)
		seen := map[string]int{}
		path := "/roadmap?lang=en&status=planned"
		for pages := 0; path != ""; pages++ {
			code, body := get(t, h, path)
			if code != 200 || pages > 5 {
				t.Fatalf("%s: %d", path, code)
			}
			if !strings.Contains(body, `aria-current="page">Planned</a>`) {
				t.Errorf("%s: the Planned tab is not current", path)
			}
			for _, m := range card.FindAllStringSubmatch(body, -1) {
				seen[m[1]]++
			}
			path = ""
			if m := next.FindStringSubmatch(body); m != nil {
				path = html.UnescapeString(m[1])
				if !strings.Contains(path, "status=planned") {
					t.Errorf("the next page forgets the status: %s", path)
				}
			}
		}
		if got, want := len(seen), 25; got != want {
			t.Errorf("planned requests=%d, want %d", got, want)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("request %s shown %d times", id, n)
			}
		}
	})

	t.Run("status and search", func(t *testing.T) {
		for _, c := range []struct {
			path string
			want int
		}{
			{"/roadmap.json?status=shipped", 25},
			{"/roadmap.json?q=PUBLIC+request+1", 12},                 // 1, 10–19, 100
			{"/roadmap.json?q=" + "%E8%AB%8B%E6%B1%82%E6%9B%B8", 1},  // 請求書
			{"/roadmap.json?q=%E6%9C%88%E6%9C%AB&status=planned", 1}, // 月末, in the description; 5 is planned
			{"/roadmap.json?q=%E6%9C%88%E6%9C%AB&status=shipped", 0},
			{"/roadmap.json?q=internal", 0},
		} {
			_, body := get(t, h, c.path)
			var p roadmapPage
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			if got := len(p.Requests); got != c.want {
				t.Errorf("%s: %d requests, want %d", c.path, got, c.want)
			}
		}
		if _, body := get(t, h, "/roadmap?q=%E8%AB%8B%E6%B1%82%E6%9B%B8&lang=ja"); !strings.Contains(body, "請求書をPDFで出力する") || strings.Contains(body, "Public request") {
			t.Errorf("the page's search in Japanese:\n%s", body)
		}
		if _, body := get(t, h, "/roadmap?q=nothing&lang=en"); !strings.Contains(body, "No public requests match.") {
			t.Errorf("a search that finds nothing does not say so:\n%s", body)
		}
	})

	t.Run("a broken cursor", func(t *testing.T) {
		_, body := get(t, h, "/roadmap.json")
		var p roadmapPage
		_ = json.Unmarshal([]byte(body), &p)
		for _, path := range []string{"/roadmap.json?cursor=bogus&lang=en", "/roadmap.json?lang=en&sort=asked&cursor=" + *p.NextCursor, "/roadmap?cursor=%21&lang=en"} {
			if code, body := get(t, h, path); code != 400 || !strings.Contains(body, "broken") {
				t.Errorf("%s: %d %s", path, code, body)
			}
		}
	})

	t.Run("gzip and conditional", func(t *testing.T) {
		for _, path := range []string{"/roadmap?lang=en", "/roadmap.json", "/roadmap.json?sort=asked&q=public"} {
			plain := httptest.NewRecorder()
			h.ServeHTTP(plain, httptest.NewRequest(http.MethodGet, path, nil))
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Accept-Encoding", "br;q=1.0, gzip;q=0.8")
			zipped := httptest.NewRecorder()
			h.ServeHTTP(zipped, req)
			if plain.Header().Get("Content-Encoding") != "" || zipped.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("%s: Content-Encoding %q without gzip, %q with", path, plain.Header().Get("Content-Encoding"), zipped.Header().Get("Content-Encoding"))
			}
			if unzipped(t, zipped) != plain.Body.String() || zipped.Body.Len() >= plain.Body.Len() {
				t.Errorf("%s: gzipped %d bytes, plain %d, or not the same answer", path, zipped.Body.Len(), plain.Body.Len())
			}
			if !strings.Contains(zipped.Header().Get("Vary"), "Accept-Encoding") || zipped.Header().Get("ETag") == plain.Header().Get("ETag") {
				t.Errorf("%s: Vary %q, ETags %q %q", path, zipped.Header().Get("Vary"), zipped.Header().Get("ETag"), plain.Header().Get("ETag"))
			}
			for _, c := range []struct{ match, enc string }{
				{plain.Header().Get("ETag"), ""}, {zipped.Header().Get("ETag"), "gzip"},
				{`"other", W/` + plain.Header().Get("ETag"), "gzip"},
			} {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("If-None-Match", c.match)
				req.Header.Set("Accept-Encoding", c.enc)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
					t.Errorf("%s If-None-Match %s: %d, want 304", path, c.match, rec.Code)
				}
			}
			req = httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("If-None-Match", `"other"`)
			req.Header.Set("Accept-Encoding", "gzip;q=0")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" {
				t.Errorf("%s: gzip;q=0 and another ETag: %d %q", path, rec.Code, rec.Header().Get("Content-Encoding"))
			}
		}
	})

	t.Run("feeds stay whole", func(t *testing.T) {
		if _, body := get(t, h, "/roadmap.csv?lang=en"); strings.Count(body, "\n") != 101 {
			t.Errorf("/roadmap.csv has %d lines, want a header and 100 rows", strings.Count(body, "\n"))
		}
	})
}

// TestRoadmapPagesInABrowser: the roadmap of 100 public requests, most asked first, a page of 30
// with a next page in the same order; a picture of each language.
func TestRoadmapPagesInABrowser(t *testing.T) {
	ctx := browser(t)
	db := openStore(t)
	if err := db.ImportDataset(context.Background(), publicRequests(100)); err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(db, opts(dashboard.Options{CompanyName: "Acme", RoadmapAskedBy: true}))
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(srv.Handler())
	defer web.Close()
	if err := os.MkdirAll(screenshots, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"ja", "en"} {
		var cards, nextCards int
		var png []byte
		var location string
		if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+"/roadmap?sort=asked&lang="+l),
			chromedp.Evaluate(`document.querySelectorAll(".card").length`, &cards), chromedp.FullScreenshot(&png, 100),
			chromedp.Click(`a[rel=next]`, chromedp.ByQuery), chromedp.WaitVisible(`.card`, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelectorAll(".card").length`, &nextCards), chromedp.Location(&location)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(screenshots, "roadmap-pages-"+l+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		if cards != 30 || nextCards != 30 || !strings.Contains(location, "cursor=") || !strings.Contains(location, "sort=asked") {
			t.Errorf("%s: %d cards, then %d at %s", l, cards, nextCards, location)
		}
	}
}
