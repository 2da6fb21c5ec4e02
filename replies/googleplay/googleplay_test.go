package googleplay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"google.golang.org/api/option"

	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/replies/googleplay"
)

// fakePlay speaks the Android Publisher v3 reviews methods as the API's discovery document
// describes them (google.golang.org/api@v0.310.0/androidpublisher/v3/androidpublisher-api.json:
// reviews.get GET androidpublisher/v3/applications/{packageName}/reviews/{reviewId} answering a
// Review; reviews.reply POST .../reviews/{reviewId}:reply taking ReviewsReplyRequest {replyText}
// and answering ReviewsReplyResponse {result: ReviewReplyResult {replyText, lastEdited}};
// Review.comments[] of Comment {userComment | developerComment {text, lastModified}}; Timestamp
// seconds as an int64 JSON string) and the reviews.reply reference
// (https://developers.google.com/android-publisher/api-ref/rest/v3/reviews/reply: a reply
// replaces the one there; "Replies of more than approximately 350 characters will be rejected").
// Refusals use Google's error envelope (https://cloud.google.com/apis/design/errors); the
// message words are ours.
type fakePlay struct {
	*httptest.Server
	mu      sync.Mutex
	pkg     string
	replies map[string]string // review id → developer reply
	refuse  []int
	bodies  []string
	now     int64
}

func newFakePlay(t *testing.T) *fakePlay {
	f := &fakePlay{pkg: "jp.koe.demo", replies: map[string]string{}, now: 1761000000}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func googleError(w http.ResponseWriter, code int, status, reason, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg, "status": status,
		"errors": []any{map[string]any{"message": msg, "domain": "global", "reason": reason}}}})
}

func (f *fakePlay) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.refuse) > 0 {
		code := f.refuse[0]
		f.refuse = f.refuse[1:]
		if code == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "2")
			googleError(w, code, "RESOURCE_EXHAUSTED", "rateLimitExceeded", "Quota exceeded for quota metric 'Queries'.")
			return
		}
		googleError(w, code, "UNAVAILABLE", "backendError", "The service is currently unavailable.")
		return
	}
	prefix := "/androidpublisher/v3/applications/" + f.pkg + "/reviews/"
	id, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok || id == "" {
		googleError(w, http.StatusNotFound, "NOT_FOUND", "notFound", "Package not found: "+r.URL.Path)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	if reviewID, ok := strings.CutSuffix(id, ":reply"); ok && r.Method == http.MethodPost {
		f.reply(w, r, reviewID)
		return
	}
	if r.Method != http.MethodGet || !strings.HasPrefix(id, "gp:") {
		googleError(w, http.StatusNotFound, "NOT_FOUND", "notFound", "Review not found.")
		return
	}
	comments := []any{map[string]any{"userComment": map[string]any{"text": "\t通知が来ない", "starRating": 2,
		"lastModified": map[string]any{"seconds": "1760990000", "nanos": 0}, "reviewerLanguage": "ja"}}}
	if text, ok := f.replies[id]; ok {
		comments = append(comments, map[string]any{"developerComment": map[string]any{"text": text,
			"lastModified": map[string]any{"seconds": strconv.FormatInt(f.now, 10), "nanos": 0}}})
	}
	json.NewEncoder(w).Encode(map[string]any{"reviewId": id, "authorName": "山田", "comments": comments})
}

func (f *fakePlay) reply(w http.ResponseWriter, r *http.Request, id string) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "badRequest", "Content-Type must be application/json")
		return
	}
	var buf bytes.Buffer
	buf.ReadFrom(r.Body)
	f.bodies = append(f.bodies, buf.String())
	var req struct {
		ReplyText *string `json:"replyText"`
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || req.ReplyText == nil {
		googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "badRequest", "Invalid JSON payload received.")
		return
	}
	if utf8.RuneCountInString(*req.ReplyText) > 350 {
		googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "badRequest", "Reply text is too long.")
		return
	}
	if !strings.HasPrefix(id, "gp:") {
		googleError(w, http.StatusNotFound, "NOT_FOUND", "notFound", "Review not found.")
		return
	}
	f.now += 60
	f.replies[id] = *req.ReplyText // a new reply replaces the old one
	json.NewEncoder(w).Encode(map[string]any{"result": map[string]any{"replyText": *req.ReplyText,
		"lastEdited": map[string]any{"seconds": strconv.FormatInt(f.now, 10), "nanos": 0}}})
}

func newReplier(t *testing.T, f *fakePlay, waits *[]time.Duration) *googleplay.Replier {
	t.Helper()
	p := httpretry.Policy{MaxAttempts: 3, Sleep: func(_ context.Context, d time.Duration) error { *waits = append(*waits, d); return nil }}
	r, err := googleplay.New(context.Background(), "jp.koe.demo",
		[]option.ClientOption{option.WithEndpoint(f.URL + "/"), option.WithoutAuthentication(), option.WithHTTPClient(f.Client())}, p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReplyReplaceAndRead(t *testing.T) {
	f := newFakePlay(t)
	var waits []time.Duration
	r := newReplier(t, f, &waits)
	ctx := context.Background()
	if got, want := r.MaxLen(), 350; got != want {
		t.Fatalf("MaxLen = %d, want %d", got, want)
	}

	cur, err := r.Current(ctx, "gp:AOqpTOE")
	if err != nil || cur != nil {
		t.Fatalf("Current before any reply = %+v, %v; want nil, nil", cur, err)
	}
	sent, err := r.Post(ctx, "gp:AOqpTOE", "ご不便をおかけしております。通知の設定をご確認ください。")
	if err != nil {
		t.Fatal(err)
	}
	if sent.Text != "ご不便をおかけしております。通知の設定をご確認ください。" || sent.UpdatedAt.Unix() != 1761000060 || sent.ID != "" {
		t.Fatalf("Post = %+v", sent)
	}
	if got, want := f.bodies[0], `{"replyText":"ご不便をおかけしております。通知の設定をご確認ください。"}`; strings.TrimSpace(got) != want {
		t.Fatalf("request body = %s, want %s", got, want)
	}

	// A second reply replaces the first: the review shows one developer comment, the new one.
	if _, err := r.Post(ctx, "gp:AOqpTOE", "修正版 1.3.0 で直りました。"); err != nil {
		t.Fatal(err)
	}
	cur, err = r.Current(ctx, "gp:AOqpTOE")
	if err != nil || cur == nil || cur.Text != "修正版 1.3.0 で直りました。" || cur.UpdatedAt.Unix() != 1761000120 || cur.Pending {
		t.Fatalf("Current after replacing = %+v, %v", cur, err)
	}
	if len(waits) != 0 {
		t.Fatalf("waited %v without any 429", waits)
	}
}

func TestRateLimitThenSuccess(t *testing.T) {
	f := newFakePlay(t)
	var waits []time.Duration
	r := newReplier(t, f, &waits)
	f.refuse = []int{http.StatusTooManyRequests}
	if _, err := r.Post(context.Background(), "gp:1", "ありがとうございます"); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 1 || waits[0] != 2*time.Second || f.replies["gp:1"] != "ありがとうございます" {
		t.Fatalf("waits %v, replies %v", waits, f.replies)
	}

	// Every attempt refused: a StoreError the outbox retries later.
	f.refuse = []int{503, 503, 503}
	_, err := r.Post(context.Background(), "gp:1", "again")
	var se *replies.StoreError
	if !errors.As(err, &se) || se.Status != 503 || !se.Retryable() || !replies.Retryable(err) {
		t.Fatalf("after three 503s: err = %#v", err)
	}
}

func TestRefusalsCarryGooglesMessage(t *testing.T) {
	f := newFakePlay(t)
	var waits []time.Duration
	r := newReplier(t, f, &waits)
	_, err := r.Post(context.Background(), "gp:1", strings.Repeat("あ", 351))
	var se *replies.StoreError
	if !errors.As(err, &se) {
		t.Fatalf("too long: err = %v, want a StoreError", err)
	}
	if se.Store != "googleplay" || se.Status != 400 || se.Message != "Reply text is too long." || se.Code != "badRequest" || se.Retryable() || replies.Retryable(err) {
		t.Fatalf("too long: %#v", se)
	}
	if _, ok := f.replies["gp:1"]; ok {
		t.Fatal("a refused reply was stored")
	}
	// 350 characters exactly is taken.
	if _, err := r.Post(context.Background(), "gp:1", strings.Repeat("あ", 350)); err != nil {
		t.Fatal(err)
	}
	_, err = r.Current(context.Background(), "unknown")
	if !errors.As(err, &se) || se.Status != 404 || se.Message != "Review not found." {
		t.Fatalf("unknown review: %v", err)
	}
}
