package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
)

func TestSourcesRunNow(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	if _, err := db.AddSource(ctx, "jsonl", "widget", map[string]string{"file": "/tmp/x.jsonl"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	run, err := db.StartRun(ctx, "jsonl", "widget")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, run, feedback.SyncCounts{Read: 7, New: 5, Failed: 2}, "widget.jsonl:3: not valid JSON"); err != nil {
		t.Fatal(err)
	}
	due := func() int {
		list, err := db.DueSources(ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	if due() != 0 {
		t.Fatal("due right after a run")
	}
	admin := signIn(t, db, "admin@koe.example", feedback.RoleAdmin)
	srv, _ := dashboard.New(db, opts(dashboard.Options{}))
	h := srv.Handler()
	body := do(h, http.MethodGet, "/app/sources?lang=en", &admin, false).Body.String()
	if !strings.Contains(body, "widget.jsonl:3: not valid JSON") || !strings.Contains(body, `action="/app/sources/widget/run"`) || !strings.Contains(body, "every hour") ||
		!strings.Contains(body, "JSON Lines file") {
		t.Fatalf("sources page:\n%s", body)
	}
	if body := do(h, http.MethodGet, "/app/sources?lang=ja", &admin, false).Body.String(); !strings.Contains(body, "1時間ごと") {
		t.Fatalf("sources page in ja:\n%s", body)
	}
	if rec := postForm(h, "/app/sources/widget/run", &admin, url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("run now: %d %s", rec.Code, rec.Body.String())
	}
	if rec := postForm(h, "/app/sources/nope/run", &admin, url.Values{}); rec.Code != 404 {
		t.Fatalf("run a missing source: %d", rec.Code)
	}
	if due() != 1 {
		t.Fatal("not due after run now")
	}
	time.Sleep(10 * time.Millisecond)
	run, _ = db.StartRun(ctx, "jsonl", "widget")
	if err := db.FinishRun(ctx, run, feedback.SyncCounts{}, ""); err != nil {
		t.Fatal(err)
	}
	if due() != 0 {
		t.Fatal("still due after the run")
	}
}
