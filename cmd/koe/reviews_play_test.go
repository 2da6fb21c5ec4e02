package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/koehq/koe/config"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest/sources"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/reviews"
	"github.com/koehq/koe/store"
)

// playAPI speaks the Android Publisher v3 reviews methods Koe's replier uses, as the API's
// discovery document describes them (google.golang.org/api@v0.310.0/androidpublisher/v3/
// androidpublisher-api.json: reviews.get GET androidpublisher/v3/applications/{packageName}/
// reviews/{reviewId} answering a Review whose comments[] hold a userComment and, once answered,
// a developerComment {text, lastModified}; reviews.reply POST …/reviews/{reviewId}:reply taking
// {replyText} and answering {result: {replyText, lastEdited}}; Timestamp seconds as an int64 JSON
// string) and the reviews.reply reference
// (https://developers.google.com/android-publisher/api-ref/rest/v3/reviews/reply: a reply replaces
// the one there; replies of more than about 350 characters are rejected). Refusals use Google's
// error envelope (https://cloud.google.com/apis/design/errors); the message words are ours.
type playAPI struct {
	mu      sync.Mutex
	pkg     string
	replies map[string]string
	posts   int
}

func (p *playAPI) refuse(w http.ResponseWriter, code int, status, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg, "status": status,
		"errors": []any{map[string]any{"message": msg, "domain": "global", "reason": "badRequest"}}}})
}

func (p *playAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	id, ok := strings.CutPrefix(r.URL.Path, "/androidpublisher/v3/applications/"+p.pkg+"/reviews/")
	if !ok || id == "" {
		p.refuse(w, http.StatusNotFound, "NOT_FOUND", "Package not found.")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	if reviewID, ok := strings.CutSuffix(id, ":reply"); ok && r.Method == http.MethodPost {
		var buf bytes.Buffer
		buf.ReadFrom(r.Body)
		var req struct {
			ReplyText *string `json:"replyText"`
		}
		if err := json.Unmarshal(buf.Bytes(), &req); err != nil || req.ReplyText == nil {
			p.refuse(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received.")
			return
		}
		if utf8.RuneCountInString(*req.ReplyText) > 350 {
			p.refuse(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Reply text is too long.")
			return
		}
		p.posts++
		p.replies[reviewID] = *req.ReplyText
		json.NewEncoder(w).Encode(map[string]any{"result": map[string]any{"replyText": *req.ReplyText,
			"lastEdited": map[string]any{"seconds": "1761000060", "nanos": 0}}})
		return
	}
	comments := []any{map[string]any{"userComment": map[string]any{"text": "同期が遅い", "starRating": 2,
		"lastModified": map[string]any{"seconds": "1760990000", "nanos": 0}, "reviewerLanguage": "ja"}}}
	if text, ok := p.replies[id]; ok {
		comments = append(comments, map[string]any{"developerComment": map[string]any{"text": text,
			"lastModified": map[string]any{"seconds": "1761000060", "nanos": 0}}})
	}
	json.NewEncoder(w).Encode(map[string]any{"reviewId": id, "authorName": "山田", "comments": comments})
}

// TestReviewRepliesReachGooglePlay: a configured Google Play source replies through the real
// client (stores.Build, from the source's stored settings) to a local server speaking the
// documented API: over-long text refused at the client's limit before anything is sent, one POST
// for the reply, the review sent; a reply written in the Play Console found as answered elsewhere
// while Koe's own reply, read back, stays sent.
func TestReviewRepliesReachGooglePlay(t *testing.T) {
	api := &playAPI{pkg: "jp.koe.demo", replies: map[string]string{"gp:console": "Answered in the Play Console"}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	db, play, _ := seedCLIReviews(t, pgtest.URL(t))
	ctx := context.Background()
	if _, err := db.AddSource(ctx, "googleplay", "play", sources.Settings{Kind: "googleplay", Name: "play", Package: "jp.koe.demo", BaseURL: srv.URL},
		15*time.Minute); err != nil {
		t.Fatal(err)
	}
	two := 2.0
	_, added, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: []feedback.Item{{SourceKind: feedback.SourceReview,
		SourceName: "play", SourceID: "gp:console", ReceivedAt: time.Now().Add(-48 * time.Hour), Body: "通知が来ない", Language: "ja", Rating: &two}}})
	if err != nil || len(added) != 1 {
		t.Fatalf("seed: %v", err)
	}
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, cfg: cfg, stdout: &out, stderr: &errb}
	rep := e.repliers(db)
	if err := e.replyToReview(ctx, db, rep, play, strings.Repeat("あ", 351), "cli:test", false, true); err == nil || !strings.Contains(err.Error(), "at most 350") {
		t.Fatalf("too long (the client's MaxLen): %v", err)
	}
	if err := e.replyToReview(ctx, db, rep, play, "山田様、ご不便をおかけしました。", "cli:test", false, true); err != nil {
		t.Fatalf("reply: %v\n%s", err, errb.String())
	}
	if rv, _ := db.Review(ctx, play); rv.Reply.State != store.ReplySent || api.posts != 1 || api.replies["gp:1"] != "山田様、ご不便をおかけしました。" {
		t.Fatalf("after the reply: %+v, %d posts, store has %q", rv.Reply, api.posts, api.replies["gp:1"])
	}
	w := &reviews.Worker{Store: db, Repliers: rep}
	n, err := w.CheckElsewhere(ctx, nil)
	if err != nil || n != 1 {
		t.Fatalf("CheckElsewhere = %d, %v; want the Play Console's reply found", n, err)
	}
	if rv, _ := db.Review(ctx, added[0].ID); rv.Reply.State != store.ReplyElsewhere || rv.Reply.StoreText != "Answered in the Play Console" {
		t.Fatalf("the console's reply: %+v", rv.Reply)
	}
	if rv, _ := db.Review(ctx, play); rv.Reply.State != store.ReplySent {
		t.Fatalf("Koe's own reply read back as %s", rv.Reply.State)
	}
	if !strings.Contains(out.String(), "is on play") {
		t.Errorf("output: %q", out.String())
	}
}
