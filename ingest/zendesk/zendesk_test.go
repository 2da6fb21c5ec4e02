package zendesk_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/ingest/sourcetest"
	"github.com/koehq/koe/ingest/zendesk"
	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fakeZendesk struct {
	mu       sync.Mutex
	pages    map[string]map[string]any // cursor ("" for start_time) → export page
	comments map[int]map[string]any
	exports  []string
	fail     int
}

func (f *fakeZendesk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("cs@koe.example/token:zd-token"))
	if r.Header.Get("Authorization") != want {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":"Couldn't authenticate you"}`))
		return
	}
	switch {
	case r.URL.Path == "/api/v2/incremental/tickets/cursor.json":
		if f.fail > 0 {
			f.fail--
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"error":"APIRateLimitExceeded"}`))
			return
		}
		q := r.URL.Query()
		f.exports = append(f.exports, r.URL.RawQuery)
		key := q.Get("cursor")
		if key == "" && q.Get("start_time") == "" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		page, ok := f.pages[key]
		if !ok {
			page = map[string]any{"tickets": []any{}, "after_cursor": key, "end_of_stream": true}
		}
		json.NewEncoder(w).Encode(page)
	case strings.HasPrefix(r.URL.Path, "/api/v2/tickets/") && strings.HasSuffix(r.URL.Path, "/comments.json"):
		var id int
		fmt.Sscanf(r.URL.Path, "/api/v2/tickets/%d/comments.json", &id)
		if r.URL.Query().Get("include") != "users" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(f.comments[id])
	case r.URL.Path == "/api/v2/organizations/77.json":
		json.NewEncoder(w).Encode(map[string]any{"organization": map[string]any{"id": 77, "name": "株式会社ＡＢＣ商事", "domain_names": []string{"abc.co.jp"}}})
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func tkt(id, requester int, org any, subject, status, created string) map[string]any {
	return map[string]any{"id": id, "url": fmt.Sprintf("https://x.zendesk.com/api/v2/tickets/%d.json", id), "subject": subject,
		"status": status, "requester_id": requester, "organization_id": org, "created_at": created, "updated_at": created,
		"via": map[string]any{"channel": "email"}}
}

func cmt(id, author int, public bool, body string) map[string]any {
	return map[string]any{"id": id, "type": "Comment", "author_id": author, "body": body, "plain_body": body,
		"html_body": "<p>" + body + "</p>", "public": public, "created_at": "2026-10-01T00:00:00Z"}
}

func TestZendeskIncrementalExport(t *testing.T) {
	db := storetest.Open(t)
	users := []any{map[string]any{"id": 1, "name": "山田太郎", "email": "taro@abc.co.jp"}, map[string]any{"id": 9, "name": "Sato (Support)", "email": "sato@koe.example"}}
	f := &fakeZendesk{fail: 1, pages: map[string]map[string]any{
		"":   {"tickets": []any{tkt(1, 1, 77, "CSV出力について", "open", "2026-10-01T00:00:00Z")}, "after_cursor": "c1", "end_of_stream": false},
		"c1": {"tickets": []any{tkt(2, 1, nil, "Agent-only", "solved", "2026-10-02T00:00:00Z"), tkt(3, 1, nil, "gone", "deleted", "2026-10-03T00:00:00Z")}, "after_cursor": "c2", "end_of_stream": true},
	}, comments: map[int]map[string]any{
		1: {"comments": []any{cmt(11, 1, true, "CSVで出力したいです。"), cmt(12, 9, true, "承知しました。"), cmt(13, 9, false, "要望チケット化"), cmt(14, 1, true, "よろしくお願いします。")}, "users": users, "next_page": nil, "count": 4},
		2: {"comments": []any{cmt(21, 9, true, "Proactive notice")}, "users": users, "next_page": nil, "count": 1},
	}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	var waits []time.Duration
	src := &zendesk.Source{BaseURL: srv.URL, Email: "cs@koe.example", Token: "zd-token", SourceName: "zendesk",
		Since:  time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
		Policy: httpretry.Policy{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }},
		Sleep:  func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil {
		t.Fatal(err)
	}
	if c.New != 1 || c.Skipped != 1 || len(problems) != 1 {
		t.Fatalf("counts %+v, problems %v", c, problems)
	}
	if len(waits) != 2 || waits[0] != 30*time.Second || waits[1] != zendesk.ExportInterval {
		t.Fatalf("waits = %v, want Retry-After's 30s, then the 6s export pacing", waits)
	}
	if f.exports[0] != "start_time=1788220800" || f.exports[1] != "cursor=c1" {
		t.Fatalf("export queries = %v", f.exports)
	}
	v := sourcetest.Items(t, db)["1"]
	if v.Body != "CSVで出力したいです。\n\nよろしくお願いします。" || v.Context != "Sato (Support): 承知しました。\nInternal note: 要望チケット化" ||
		v.AuthorEmail != "taro@abc.co.jp" || v.CompanyName != "株式会社ＡＢＣ商事" || v.Title != "CSV出力について" {
		t.Fatalf("ticket 1 = %+v", v)
	}
	// The next run continues from the saved cursor.
	f.exports = nil
	if c, _, err := sourcetest.Run(t, db, src); err != nil || c.Read != 0 || f.exports[0] != "cursor=c2" {
		t.Fatalf("second run: %+v %v %v", c, err, f.exports)
	}
}

// TestRequesterCommentUpdatesTheVoice: the incremental export lists a ticket again when it
// changes, and more than once when it changes while being exported. The requester's later
// comment updates the voice and is counted as an update, never as a duplicate.
func TestRequesterCommentUpdatesTheVoice(t *testing.T) {
	db := storetest.Open(t)
	users := []any{map[string]any{"id": 1, "name": "山田太郎", "email": "taro@abc.co.jp"}}
	f := &fakeZendesk{pages: map[string]map[string]any{
		"": {"tickets": []any{tkt(1, 1, nil, "CSV", "open", "2026-10-01T00:00:00Z")}, "after_cursor": "c1", "end_of_stream": true},
	}, comments: map[int]map[string]any{
		1: {"comments": []any{cmt(11, 1, true, "CSVで出力したいです。")}, "users": users, "next_page": nil, "count": 1},
	}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	src := &zendesk.Source{BaseURL: srv.URL, Email: "cs@koe.example", Token: "zd-token", SourceName: "zendesk",
		Sleep: func(context.Context, time.Duration) error { return nil }}
	if c, _, err := sourcetest.Run(t, db, src); err != nil || c.New != 1 {
		t.Fatalf("first run: %+v %v", c, err)
	}
	f.comments[1] = map[string]any{"comments": []any{cmt(11, 1, true, "CSVで出力したいです。"), cmt(12, 1, true, "急ぎです。")}, "users": users, "next_page": nil, "count": 2}
	f.pages["c1"] = map[string]any{"tickets": []any{tkt(1, 1, nil, "CSV", "open", "2026-10-01T00:00:00Z"), tkt(1, 1, nil, "CSV", "open", "2026-10-01T00:00:00Z")}, "after_cursor": "c2", "end_of_stream": true}
	c, _, err := sourcetest.Run(t, db, src)
	if err != nil || c.Updated != 1 || c.Duplicate != 0 || c.Read != 1 {
		t.Fatalf("second run: %+v %v, want read=1 updated=1 duplicate=0", c, err)
	}
	if got := sourcetest.Items(t, db)["1"].Body; got != "CSVで出力したいです。\n\n急ぎです。" {
		t.Fatalf("body = %q", got)
	}
}

// TestPublishedExamples serves the export and comments examples of Zendesk's reference
// (testdata, cited there) and the Organizations reference's shape.
func TestPublishedExamples(t *testing.T) {
	db := storetest.Open(t)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	export, comments := read("export.json"), read("comments.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		switch r.URL.Path {
		case "/api/v2/incremental/tickets/cursor.json":
			w.Write(export)
		case "/api/v2/tickets/35436/comments.json":
			w.Write(comments)
		case "/api/v2/organizations/509974.json":
			w.Write([]byte(`{"organization":{"id":509974,"name":"One Organization","domain_names":["example.com"],"url":"https://example.zendesk.com/api/v2/organizations/509974.json"}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	src := &zendesk.Source{BaseURL: srv.URL, Token: "oauth-token", SourceName: "zendesk", Since: time.Date(2009, 1, 1, 0, 0, 0, 0, time.UTC),
		Sleep: func(context.Context, time.Duration) error { return nil }}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil || c.New != 1 {
		t.Fatalf("counts %+v problems %v err %v", c, problems, err)
	}
	v := sourcetest.Items(t, db)["35436"]
	if v.Body != "The fire is very colorful.\n\nDone. Please add a warning to the manual." || v.Context != "Johnny Agent: Please unplug it first." ||
		v.AuthorEmail != "johnny@example.com" || v.CompanyName != "One Organization" || v.Title != "Help, my printer is on fire!" {
		t.Fatalf("voice = %+v", v)
	}
}
