package sources_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/sources"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestRunnerRunsDueSourcesOnce(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v.jsonl")
	os.WriteFile(path, []byte(`{"id":"1","text":"CSVがほしい","date":"2026-01-01"}`+"\n"+`{"id":"2","text":"SSO please","date":"2026-01-02"}`+"\n"), 0o644)
	if _, err := db.AddSource(ctx, "jsonl", "widget", sources.Settings{Kind: "jsonl", Name: "widget", File: path}, 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddSource(ctx, "g2", "g2-main", sources.Settings{Kind: "g2", Name: "g2-main"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddSource(ctx, "jsonl", "widget", sources.Settings{Kind: "jsonl", Name: "widget", File: path}, time.Hour); err == nil {
		t.Fatal("a second source with the same name was added")
	}
	now := time.Now()
	r := &sources.Runner{Store: db, Intake: &intake.Service{DB: db}, Getenv: func(string) string { return "" }, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}

	// Another replica holds widget's lock: this one leaves it alone.
	release, ok, err := db.TryLock(ctx, "koe-source:widget")
	if err != nil || !ok {
		t.Fatalf("lock: %v %v", ok, err)
	}
	ran, err := r.RunDue(ctx)
	if err != nil || strings.Join(ran, ",") != "g2-main" {
		t.Fatalf("while locked elsewhere ran %v (%v), want only g2-main", ran, err)
	}
	release()

	// Two replicas look at once: each source runs once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	var all []string
	for range 2 {
		wg.Go(func() {
			ran, err := r.RunDue(ctx)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			all = append(all, ran...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if strings.Join(all, ",") != "widget" {
		t.Fatalf("two replicas ran %v, want widget once (g2-main is not due again)", all)
	}
	list, err := db.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		switch s.Name {
		case "widget":
			if s.LastNew != 2 || s.LastError != "" || s.LastSuccessAt == nil {
				t.Errorf("widget = %+v", s)
			}
		case "g2-main":
			if !strings.Contains(s.LastError, "KOE_G2_TOKEN") {
				t.Errorf("g2-main's last error = %q, want it to name the missing token", s.LastError)
			}
		}
	}
	// Its interval later, it runs again and finds nothing new.
	now = now.Add(16 * time.Minute)
	if ran, _ := r.RunDue(ctx); strings.Join(ran, ",") != "widget" {
		t.Fatalf("after the interval ran %v", ran)
	}
	if s, _ := db.Source(ctx, "widget"); s.LastNew != 0 || s.LastDuplicate != 2 {
		t.Fatalf("second run of widget = %+v", s)
	}
	// "Run now" (the dashboard's button): a source within its interval runs at the next look,
	// once; a name that is not a configured, enabled source is refused.
	now = time.Now()
	if ran, _ := r.RunDue(ctx); len(ran) != 0 {
		t.Fatalf("nothing is due, yet %v ran", ran)
	}
	if err := db.RequestRun(ctx, "widget"); err != nil {
		t.Fatal(err)
	}
	if ran, _ := r.RunDue(ctx); strings.Join(ran, ",") != "widget" {
		t.Fatalf("after run now ran %v", ran)
	}
	if ran, _ := r.RunDue(ctx); len(ran) != 0 {
		t.Fatalf("run now ran twice: %v", ran)
	}
	if err := db.RequestRun(ctx, "nope"); err == nil {
		t.Fatal("run now of an unknown source")
	}
}

// TestRunWhereEveryRecordFailed: a configured source whose every record failed used to be
// recorded as a successful run; its run now carries the error, and RunOne returns it.
func TestRunWhereEveryRecordFailed(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(path, []byte("{broken\n{\"id\":\"1\",\"text\":\"x\",\"date\":\"yesterday\"}\n"), 0o644)
	if _, err := db.AddSource(ctx, "jsonl", "bad", sources.Settings{Kind: "jsonl", Name: "bad", File: path}, time.Hour); err != nil {
		t.Fatal(err)
	}
	r := &sources.Runner{Store: db, Intake: &intake.Service{DB: db}, Getenv: func(string) string { return "" }, Log: slog.New(slog.DiscardHandler)}
	c, err := r.RunOne(ctx, "bad", nil, nil)
	if !errors.Is(err, ingest.ErrAllFailed) || c.Failed != 2 {
		t.Fatalf("RunOne = %+v, %v; want ErrAllFailed", c, err)
	}
	if s, _ := db.Source(ctx, "bad"); !strings.Contains(s.LastError, "every record read failed") {
		t.Fatalf("last error = %q", s.LastError)
	}
}
