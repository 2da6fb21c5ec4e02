package appstore_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/ingest/appstore"
	"github.com/koehq/koe/ingest/sourcetest"
	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// review is one entry of Apple's customer-reviews JSON feed as Apple serves it at
// https://itunes.apple.com/{country}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/json
// (the feed of Apple's RSS generator; Apple publishes no reference page for the JSON form): each
// value wrapped in {"label"}, author {uri, name, label}, im:rating, im:version, content with
// attributes.type, link attributes, im:voteSum, im:contentType, im:voteCount.
func review(id, updated, rating, title, content string) string {
	return fmt.Sprintf(`{"author":{"uri":{"label":"https://itunes.apple.com/jp/reviews/id%s"},"name":{"label":"user%s"},"label":""},
"updated":{"label":%q},"im:rating":{"label":%q},"im:version":{"label":"3.2.1"},"id":{"label":%q},
"title":{"label":%q},"content":{"label":%q,"attributes":{"type":"text"}},
"link":{"attributes":{"rel":"related","href":"https://itunes.apple.com/jp/review?id=1&type=Purple%%20Software"}},
"im:voteSum":{"label":"0"},"im:contentType":{"attributes":{"term":"Application","label":"アプリケーション"}},"im:voteCount":{"label":"0"}}`,
		id, id, updated, rating, id, title, content)
}

const appEntry = `{"im:name":{"label":"Koe Demo"},"rights":{"label":"© Koe"},"id":{"label":"https://apps.apple.com/jp/app/id123","attributes":{"im:id":"123"}},"im:artist":{"label":"Koe"}}`

type fakeFeed struct {
	mu    sync.Mutex
	pages map[int]string // page → the "entry" JSON (array, object) or "" for none
	calls []string
	fail  int
}

func (f *fakeFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.URL.Path)
	if f.fail > 0 {
		f.fail--
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	var page int
	var cc, app string
	if _, err := fmt.Sscanf(strings.ReplaceAll(r.URL.Path, "/", " "), " %s rss customerreviews page=%d id=%s sortby=mostrecent json", &cc, &page, &app); err != nil || app != "123" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	feed := `{"feed":{"author":{"name":{"label":"iTunes Store"},"uri":{"label":"http://www.apple.com/jp/itunes/"}},"updated":{"label":"2026-11-01T00:00:00-07:00"}`
	if e := f.pages[page]; e != "" {
		feed += `,"entry":` + e
	}
	fmt.Fprint(w, feed+`}}`)
}

func TestAppStoreFeedQuirksAndCursor(t *testing.T) {
	db := storetest.Open(t)
	f := &fakeFeed{fail: 1, pages: map[int]string{
		1: "[" + appEntry + "," + review("9003", "2026-10-03T10:00:00-07:00", "1", "最悪", "アップデート後に落ちるようになりました。") + "," +
			review("9002", "2026-10-02T10:00:00-07:00", "5", "Great", "Love it, works great.") + "]",
		2: review("9001", "2026-10-01T10:00:00-07:00", "3", "普通", "CSV出力がほしいです。"), // a single entry, as an object
	}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	src := &appstore.Source{BaseURL: srv.URL, AppID: "123", Countries: []string{"jp"}, SourceName: "appstore",
		Policy: httpretry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil {
		t.Fatal(err)
	}
	if c.New != 3 || c.Read != 3 || len(problems) != 0 {
		t.Fatalf("counts = %+v, problems %v", c, problems)
	}
	items := sourcetest.Items(t, db)
	r := items["9003"]
	if *r.Rating != 1 || r.Title != "最悪" || r.Language != "ja" || *r.Sentiment >= 0 || r.AuthorName != "user9003" {
		t.Fatalf("review 9003 = %+v", r)
	}
	if len(f.calls) != 4 { // one 429, pages 1–3 (3 is empty)
		t.Fatalf("calls = %v", f.calls)
	}

	// A new review arrives; the next run stops at the ones it has.
	f.calls = nil
	f.pages[1] = "[" + appEntry + "," + review("9004", "2026-10-04T10:00:00-07:00", "4", "Nice", "Nice update.") + "," +
		review("9003", "2026-10-03T10:00:00-07:00", "1", "最悪", "アップデート後に落ちるようになりました。") + "]"
	c, _, err = sourcetest.Run(t, db, src)
	if err != nil {
		t.Fatal(err)
	}
	// Page 1 ends on the newest review already stored (same second: read again); page 2 goes older.
	if c.New != 1 || c.Duplicate != 1 || len(f.calls) != 2 {
		t.Fatalf("second run: counts %+v, calls %v", c, f.calls)
	}
}

// TestEntriesWithoutUpdated: real captures of the JSON feed have entries with no "updated" (the
// XML of the same moment has it). Every such review failed with "date " and the run still ended
// well. Now an entry is dated by the feed's own "updated" (the review is no newer than the feed),
// said as a warning, and it does not move the cursor; a run where every record fails is an error.
func TestEntriesWithoutUpdated(t *testing.T) {
	db := storetest.Open(t)
	undated := strings.Replace(review("9101", "", "2", "不具合", "保存できません。"), `"updated":{"label":""},`, "", 1)
	f := &fakeFeed{pages: map[int]string{1: "[" + appEntry + "," + undated + "," +
		review("9100", "2026-10-05T10:00:00-07:00", "4", "Nice", "Nice update.") + "]"}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	src := &appstore.Source{BaseURL: srv.URL, AppID: "123", Countries: []string{"jp"}, SourceName: "appstore"}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil {
		t.Fatal(err)
	}
	if c.New != 2 || c.Failed != 0 || len(problems) != 1 || !strings.Contains(problems[0], "9101") {
		t.Fatalf("counts = %+v, problems %q", c, problems)
	}
	if got, want := sourcetest.Items(t, db)["9101"].ReceivedAt.UTC(), time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("undated review received %v, want the feed's updated %v", got, want)
	}

	// Every record failing is not a success.
	f.pages[1] = "[" + review("9102", "yesterday", "2", "x", "y") + "]"
	src.SourceName = "appstore-bad"
	if c, _, err := sourcetest.Run(t, db, src); err == nil || c.Failed != 1 {
		t.Fatalf("all failed: counts %+v, err %v; want an error", c, err)
	}
}
