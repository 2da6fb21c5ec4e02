package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/koehq/koe/internal/pgtest"
)

// slackRecorder answers chat.postMessage like Slack and counts posts by their Koe dedupe key.
type slackRecorder struct {
	mu    sync.Mutex
	posts map[string]int
	n     int
}

func (s *slackRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case strings.HasSuffix(r.URL.Path, "/chat.postMessage"):
		var meta struct {
			Payload map[string]any `json:"event_payload"`
		}
		_ = json.Unmarshal([]byte(r.Form.Get("metadata")), &meta)
		key := fmt.Sprint(meta.Payload["dedupe_key"])
		s.posts[key]++
		s.n++
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.%06d"}`, r.Form.Get("channel"), s.n)
	case strings.HasSuffix(r.URL.Path, "/conversations.history"):
		fmt.Fprint(w, `{"ok":true,"messages":[],"has_more":false}`)
	default:
		fmt.Fprint(w, `{"ok":true}`)
	}
}

// TestTwoReplicasRunEachJobOnce starts two `koe serve` on one database with a source due and
// Slack set up: the source runs once, and every voice is posted once.
func TestTwoReplicasRunEachJobOnce(t *testing.T) {
	slack := &slackRecorder{posts: map[string]int{}}
	srv := httptest.NewServer(slack)
	defer srv.Close()
	dsn := pgtest.URL(t)
	env := []string{"DATABASE_URL=" + dsn, "SLACK_BOT_TOKEN=xoxb-test", "KOE_SLACK_API_URL=" + srv.URL + "/", "KOE_SLACK_VOICE_CHANNEL=CVOICES"}
	jsonl := filepath.Join(t.TempDir(), "chats.jsonl")
	var lines []string
	const voices = 6
	for i := range voices {
		lines = append(lines, fmt.Sprintf(`{"id":"%d","text":"voice number %d","date":%q}`, i, i, time.Now().UTC().Format(time.RFC3339)))
	}
	if err := os.WriteFile(jsonl, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := koe(t, env, "sources", "add", "jsonl", "--name", "widget", "--file", jsonl, "--interval", "1h"); code != 0 {
		t.Fatalf("sources add: %s", errOut)
	}
	var procs []*exec.Cmd
	for range 2 {
		cmd := exec.Command(koeBin, "serve", "--addr", "127.0.0.1:0")
		cmd.Env = append(cleanEnv(), env...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, cmd)
	}
	defer func() {
		for _, p := range procs {
			_ = p.Process.Signal(syscall.SIGTERM)
			_ = p.Wait()
		}
	}()
	posted := func() (total, distinct int) {
		slack.mu.Lock()
		defer slack.mu.Unlock()
		return slack.n, len(slack.posts)
	}
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if n, _ := posted(); n >= voices {
			break
		}
		if time.Now().After(deadline) {
			n, _ := posted()
			t.Fatalf("%d of %d voices posted", n, voices)
		}
	}
	time.Sleep(3 * time.Second) // time for a second post, were there one
	if total, distinct := posted(); total != voices || distinct != voices {
		t.Fatalf("%d posts of %d distinct messages, want %d once each", total, distinct, voices)
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var runs, stored int
	if err := db.QueryRowContext(context.Background(), `SELECT (SELECT count(*) FROM ingest_runs WHERE name = 'widget'), (SELECT count(*) FROM feedback)`).Scan(&runs, &stored); err != nil {
		t.Fatal(err)
	}
	if runs != 1 || stored != voices {
		t.Fatalf("the source ran %d times and stored %d voices; want once and %d", runs, stored, voices)
	}
}
