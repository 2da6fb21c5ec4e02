package slackbot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/file"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/slackbot"
	"github.com/koehq/koe/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func openDB(t *testing.T) *store.DB {
	t.Helper()
	return storetest.Open(t)
}

// ingestJSONL runs lines through the intake service with the bot's rules; TODAY
// in a line becomes the time now.
func ingestJSONL(t *testing.T, db *store.DB, cfg slackbot.Config, kind feedback.SourceKind, name string, lines ...string) ingest.Counts {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".jsonl")
	text := strings.ReplaceAll(strings.Join(lines, "\n"), "TODAY", time.Now().UTC().Format(time.RFC3339))
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := file.NewMapping("", "")
	if err != nil {
		t.Fatal(err)
	}
	src := &file.Source{Path: path, Format: "jsonl", SourceKind: kind, SourceName: name, Mapping: m, Location: time.UTC}
	in := &intake.Service{DB: db, Rules: cfg.Messages}
	c, err := in.Ingest(context.Background(), src, intake.Run{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newWorker(db *store.DB, cfg slackbot.Config, url string) *slackbot.Worker {
	cfg.BotToken = "xoxb-test"
	cfg.APIURL = url + "/api/"
	return &slackbot.Worker{Store: db, Config: cfg, HTTP: &http.Client{Timeout: 200 * time.Millisecond},
		Pace: time.Millisecond, Backoff: 10 * time.Millisecond, Idle: 5 * time.Millisecond}
}

// drain runs workers until nothing is pending or sending, or fails the test after a while.
func drain(t *testing.T, db *store.DB, workers ...*slackbot.Worker) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() { defer wg.Done(); w.Run(ctx) }()
	}
	defer wg.Wait()
	defer cancel()
	for ctx.Err() == nil {
		rows, err := db.Outbox(context.Background(), "", false, 1000)
		if err != nil {
			t.Fatal(err)
		}
		busy := 0
		for _, r := range rows {
			if r.Status == "pending" || r.Status == "sending" {
				busy++
			}
		}
		if busy == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("outbox did not drain in 30s")
}

func statuses(t *testing.T, db *store.DB) map[string]int {
	rows, err := db.Outbox(context.Background(), "", false, 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Status]++
	}
	return out
}

func TestEveryVoicePostedExactlyOnceThroughFaults(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if _, err := accounts.ImportCSV(ctx, db, "a.csv", strings.NewReader("external_id,name,mrr,plan,domains\nA,株式会社ＡＢＣ商事,1200000,Enterprise,abc.co.jp\n"), accounts.Options{}); err != nil {
		t.Fatal(err)
	}
	fake := newFakeSlack()
	// One of every failure Slack or the network can hand a post, then some more for the retries.
	fake.faults = []string{"429", "500", "accept-then-timeout", "accept-then-reset", "", "500", "accept-then-timeout"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	cfg := conf(slackbot.Config{VoiceChannel: "CVOICE", ReviewChannel: "CREVIEW", BaseURL: "https://koe.example.com"})

	var chats []string
	for i := range 6 {
		chats = append(chats, fmt.Sprintf(`{"id":"c%d","text":"CSV出力がほしい <script>alert(%d)</script>","email":"taro@abc.co.jp","date":"TODAY"}`, i, i))
	}
	ingestJSONL(t, db, cfg, feedback.SourceChat, "widget", chats...)
	ingestJSONL(t, db, cfg, feedback.SourceReview, "appstore",
		`{"id":"r1","text":"毎日落ちる。最悪です。","rating":1,"date":"TODAY"}`,
		`{"id":"r2","text":"まあまあ","rating":3,"date":"TODAY"}`,
		`{"id":"r3","text":"Best tool we have used","rating":5,"date":"TODAY"}`)

	// Two workers, as two replicas would run.
	drain(t, db, newWorker(db, cfg, srv.URL), newWorker(db, cfg, srv.URL))

	got := fake.byKey()
	if len(got) != 8 {
		t.Fatalf("posted keys = %v, want 6 voices and 2 notable reviews", got)
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s posted %d times", k, n)
		}
	}
	if s := statuses(t, db); s["sent"] != 8 || len(s) != 1 {
		t.Fatalf("statuses = %v", s)
	}
	fake.mu.Lock()
	posts, left := fake.posts, len(fake.faults)
	msg := fake.messages["CVOICE"][0]
	fake.mu.Unlock()
	// 8 messages, 3 of them taken by Slack while the client saw a failure; plus the 3 posts Slack
	// refused (429, 500, 500). The accepted ones were found in history, not posted again.
	if posts != 11 || left != 0 {
		t.Errorf("%d posts with %d faults unused, want 11 and 0", posts, left)
	}
	blocks := fmt.Sprint(msg["blocks"])
	if strings.Contains(blocks, "<script>") || !strings.Contains(blocks, "&lt;script&gt;") {
		t.Errorf("customer text not escaped: %s", blocks)
	}
	if !strings.Contains(blocks, "株式会社ＡＢＣ商事") || strings.Contains(blocks, "1,200,000") {
		t.Errorf("want the account with its MRR band, not the exact MRR: %s", blocks)
	}
	// The bot speaks Japanese (the default): the title, the state line and every button.
	for _, w := range []string{"お客様の声", "関連しそうなリクエスト", "解約リスク", "社内効率", "別のリクエストを選ぶ…"} {
		if !strings.Contains(blocks, w) {
			t.Errorf("ja voice lacks %q: %s", w, blocks)
		}
	}
	for _, w := range []string{"Customer voice", "Likely request", "Churn risk", "Internal efficiency", "Pick another", "Unknown account", "Plan"} {
		if strings.Contains(blocks, w) {
			t.Errorf("ja voice has the English %q: %s", w, blocks)
		}
	}
	if text := fmt.Sprint(msg["text"]); !strings.HasPrefix(text, "お客様の声: CSV出力がほしい") {
		t.Errorf("ja fallback text %q", text)
	}

	// History being imported (older than MaxAge) is not news: nothing is queued for it.
	ingestJSONL(t, db, cfg, feedback.SourceChat, "history", `{"id":"h1","text":"old chat","date":"2025-01-01"}`,
		`{"id":"h2","text":"old review","rating":1,"date":"2025-01-01"}`)

	// The same voices again, and a worker over the lot: nothing new is queued or posted.
	ingestJSONL(t, db, cfg, feedback.SourceChat, "widget", chats...)
	drain(t, db, newWorker(db, cfg, srv.URL))
	if s := statuses(t, db); s["sent"] != 8 || len(s) != 1 {
		t.Fatalf("after a rerun statuses = %v", s)
	}
	if got := fake.byKey(); len(got) != 8 {
		t.Fatalf("after a rerun posted keys = %v", got)
	}
}

func TestBurstOfReviewsIsOneSummaryWithAThread(t *testing.T) {
	db := openDB(t)
	fake := newFakeSlack()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	cfg := conf(slackbot.Config{ReviewChannel: "CREVIEW", Burst: 3, Language: "en"})
	var lines []string
	for i := range 5 {
		lines = append(lines, fmt.Sprintf(`{"id":"r%d","text":"crashes on start %d","rating":1,"date":"TODAY"}`, i, i))
	}
	ingestJSONL(t, db, cfg, feedback.SourceReview, "googleplay", lines...)
	drain(t, db, newWorker(db, cfg, srv.URL))

	fake.mu.Lock()
	defer fake.mu.Unlock()
	list := fake.messages["CREVIEW"]
	if len(list) != 6 {
		t.Fatalf("%d messages, want a summary and 5 replies", len(list))
	}
	summary := list[0]
	if summary["thread_ts"] != nil || !strings.HasPrefix(fmt.Sprint(summary["text"]), "5 notable reviews") {
		t.Fatalf("first message = %v", summary)
	}
	for _, m := range list[1:] {
		if m["thread_ts"] != summary["ts"] {
			t.Errorf("reply %v not in the summary's thread %v", m["thread_ts"], summary["ts"])
		}
	}
}

func TestRefusedMessageFailsVisiblyAndCanBeRetried(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	fake := newFakeSlack()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	// Voices arrive before anyone has configured Slack: the outbox keeps them.
	ingestJSONL(t, db, conf(slackbot.Config{}), feedback.SourceChat, "widget", `{"id":"c1","text":"please add SSO","date":"TODAY"}`)
	if s := statuses(t, db); s["pending"] != 1 {
		t.Fatalf("statuses = %v, want the voice waiting", s)
	}
	failedWith := func(want string) {
		t.Helper()
		failed, err := db.Outbox(ctx, "", true, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(failed) != 1 || failed[0].Attempts != 1 || !strings.Contains(failed[0].LastError, want) {
			t.Fatalf("failed = %+v, want one message given up at once with %q", failed, want)
		}
		if n, err := db.RetryFailed(ctx, "", failed[0].ID); err != nil || n != 1 {
			t.Fatalf("retry = %d, %v", n, err)
		}
	}
	drain(t, db, newWorker(db, conf(slackbot.Config{}), srv.URL))
	failedWith("set KOE_SLACK_VOICE_CHANNEL")
	drain(t, db, newWorker(db, conf(slackbot.Config{VoiceChannel: "XGONE"}), srv.URL))
	failedWith("channel_not_found")
	drain(t, db, newWorker(db, conf(slackbot.Config{VoiceChannel: "CVOICE"}), srv.URL))
	if s := statuses(t, db); s["sent"] != 1 || len(fake.byKey()) != 1 {
		t.Fatalf("statuses = %v, posted %v", s, fake.byKey())
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	db := openDB(t)
	fake := newFakeSlack()
	fake.faults = []string{"500", "500", "500"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	cfg := conf(slackbot.Config{VoiceChannel: "CVOICE"})
	ingestJSONL(t, db, cfg, feedback.SourceChat, "widget", `{"id":"c1","text":"please add SSO","date":"TODAY"}`)
	w := newWorker(db, cfg, srv.URL)
	w.MaxAttempts = 3
	drain(t, db, w)
	failed, err := db.Outbox(context.Background(), "", true, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 || failed[0].Attempts != 3 {
		t.Fatalf("failed = %+v", failed)
	}
	if len(fake.byKey()) != 0 {
		t.Fatal("a message was posted")
	}
}

func TestPostsArePacedPerChannel(t *testing.T) {
	db := openDB(t)
	fake := newFakeSlack()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	cfg := conf(slackbot.Config{VoiceChannel: "CVOICE", ReviewChannel: "CREVIEW"})
	var chats, reviews []string
	for i := range 6 {
		chats = append(chats, fmt.Sprintf(`{"id":"c%d","text":"voice %d","date":"TODAY"}`, i, i))
		reviews = append(reviews, fmt.Sprintf(`{"id":"r%d","text":"review %d","rating":1,"date":"TODAY"}`, i, i))
	}
	ingestJSONL(t, db, cfg, feedback.SourceChat, "widget", chats...)
	ingestJSONL(t, db, cfg, feedback.SourceReview, "appstore", reviews...)
	const pace = 150 * time.Millisecond
	w := newWorker(db, cfg, srv.URL)
	w.Pace = pace
	drain(t, db, w)

	fake.mu.Lock()
	defer fake.mu.Unlock()
	for ch, at := range fake.at {
		if len(at) != 6 {
			t.Fatalf("%s got %d posts", ch, len(at))
		}
		for i := 1; i < len(at); i++ {
			// A lower bound only: a slow machine makes the gaps longer, never shorter.
			if gap := at[i].Sub(at[i-1]); gap < pace-10*time.Millisecond {
				t.Errorf("%s: posts %d and %d only %v apart", ch, i-1, i, gap)
			}
		}
		t.Logf("%s: %d posts in %v", ch, len(at), at[len(at)-1].Sub(at[0]))
	}
}
