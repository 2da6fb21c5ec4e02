package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/config"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/store"
)

// seedCLIReviews stores a Google Play review (ja, 2 stars, ten days old) and a G2 one.
func seedCLIReviews(t *testing.T, dsn string) (db *store.DB, play, g2 int64) {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	two, five := 2.0, 5.0
	_, added, err := db.SaveFeedback(context.Background(), store.FeedbackBatch{Items: []feedback.Item{
		{SourceKind: feedback.SourceReview, SourceName: "play", SourceID: "gp:1", ReceivedAt: time.Now().Add(-10 * 24 * time.Hour),
			AuthorName: "山田", Body: "同期が遅い", Language: "ja", Rating: &two},
		{SourceKind: feedback.SourceReview, SourceName: "g2", SourceID: "g2-1", ReceivedAt: time.Now().Add(-time.Hour),
			AuthorName: "Sam", Body: "=HYPERLINK(\"x\") great", Language: "en", Rating: &five, URL: "https://www.g2.com/products/koe/reviews/1"},
	}})
	if err != nil || len(added) != 2 {
		t.Fatalf("seed: %v", err)
	}
	return db, added[0].ID, added[1].ID
}

func TestReviewsCommands(t *testing.T) {
	dsn := pgtest.URL(t)
	env := []string{"DATABASE_URL=" + dsn}
	if _, errOut, code := koe(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	_, play, g2 := seedCLIReviews(t, dsn)
	out, errOut, code := koe(t, env, "reviews", "list", "--unanswered", "--format", "json")
	var list []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != 2 {
		t.Fatalf("list json: %d %s %s", code, out, errOut)
	}
	if list[0]["source"] != "g2" || list[0]["state"] != "unanswered" || list[1]["text"] != "同期が遅い" {
		t.Errorf("list json (newest first): %v", list)
	}
	out, _, code = koe(t, env, "reviews", "list", "--unanswered", "--older-than", "7d")
	if code != 0 || !strings.HasPrefix(out, "ID") || !strings.Contains(out, "同期が遅い") || strings.Contains(out, "HYPERLINK") ||
		!strings.Contains(out, "unanswered") {
		t.Errorf("list table --older-than 7d:\n%s", out)
	}
	out, _, code = koe(t, env, "reviews", "list", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "id,received_at,source,") || !strings.Contains(out, `'=HYPERLINK`) {
		t.Errorf("list csv (a formula is defused):\n%s", out)
	}
	// G2 has no reply API: the reply is refused with the way on, then recorded with --mark.
	_, errOut, code = koe(t, env, "reviews", "reply", strconv.FormatInt(g2, 10), "--text", "Thank you!")
	if code == 0 || !strings.Contains(errOut, "g2 takes no replies through Koe") || !strings.Contains(errOut, "--mark") {
		t.Errorf("reply to G2: %d %s", code, errOut)
	}
	out, errOut, code = koe(t, env, "reviews", "reply", strconv.FormatInt(g2, 10), "--text", "Thank you!", "--mark", "--actor", "mika@example.com")
	if code != 0 || !strings.Contains(out, "marked answered") {
		t.Errorf("mark: %d %s %s", code, out, errOut)
	}
	out, _, _ = koe(t, env, "reviews", "list", "--unanswered", "--format", "json")
	if strings.Contains(out, `"g2"`) || !strings.Contains(out, strconv.FormatInt(play, 10)) {
		t.Errorf("after marking, the unanswered list is %s", out)
	}
	// No configured source has a reply API here: nothing to ask.
	if out, errOut, code = koe(t, env, "reviews", "check"); code != 0 || out != "answered_elsewhere=0\n" {
		t.Errorf("check: %d %q %s", code, out, errOut)
	}
	if _, errOut, code = koe(t, append(env, "LANG=ja_JP.UTF-8"), "reviews", "reply", "x", "--text", "a"); code == 0 || !strings.Contains(errOut, "レビュー ID ではありません") {
		t.Errorf("a bad id in Japanese: %d %s", code, errOut)
	}
}

// cliStore is a Replier double (the store clients are tested against the stores' wire formats
// in replies/…): it takes a reply, or refuses it with err.
type cliStore struct {
	err   error
	posts int
}

func (s *cliStore) Current(context.Context, string) (*replies.Existing, error) { return nil, nil }
func (s *cliStore) Post(_ context.Context, _, text string) (*replies.Existing, error) {
	if s.err != nil {
		return nil, s.err
	}
	s.posts++
	return &replies.Existing{Text: text}, nil
}
func (s *cliStore) MaxLen() int { return 350 }

// TestReviewsReplyPrintsWhatHappened: `koe reviews reply` goes through the outbox and the reply
// worker, and says what the store answered.
func TestReviewsReplyPrintsWhatHappened(t *testing.T) {
	db, play, _ := seedCLIReviews(t, pgtest.URL(t))
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, cfg: cfg, stdout: &out, stderr: &errb}
	s := &cliStore{err: &replies.StoreError{Store: "googleplay", Status: 400, Message: "Reply text is too long."}}
	rep := func(name string) (replies.Replier, error) {
		if name == "play" {
			return s, nil
		}
		return nil, replies.ErrNoReplyAPI
	}
	ctx := context.Background()
	if err := e.replyToReview(ctx, db, rep, play, strings.Repeat("a", 351), "cli:test", false, true); err == nil || !strings.Contains(err.Error(), "at most 350") {
		t.Fatalf("too long: %v", err)
	}
	if err := e.replyToReview(ctx, db, rep, play, "Thanks", "cli:test", false, true); err == nil || !strings.Contains(err.Error(), "play refused the reply") ||
		!strings.Contains(err.Error(), "Reply text is too long.") {
		t.Fatalf("a refusal: %v", err)
	}
	s.err = nil
	if err := e.replyToReview(ctx, db, rep, play, "Thanks", "cli:test", false, true); err != nil || !strings.Contains(out.String(), "is on play") || s.posts != 1 {
		t.Fatalf("sent: %v %q posts=%d", err, out.String(), s.posts)
	}
}
