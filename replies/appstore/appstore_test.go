package appstore_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/ingest/appstore/connect"
	"github.com/koehq/koe/ingest/appstore/connect/connecttest"
	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/replies/appstore"
)

// reviewID has the shape of Apple's example customerReviews id.
const reviewID = "00000028-b08c-0014-729e-fbd500000000"

func setup(t *testing.T) (*connecttest.Server, *appstore.Replier, *[]time.Duration) {
	t.Helper()
	srv := connecttest.New(t)
	srv.AddReview(connecttest.Review{ID: reviewID, AppID: "682658836", Rating: 2, Title: "通知が来ない", Body: "アップデート後に通知が届きません",
		Nickname: "hana", Territory: "JPN", Created: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)})
	key, err := connect.LoadKey(srv.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	c := &connect.Client{BaseURL: srv.URL, HTTP: srv.Client(), Tokens: &connect.Tokens{KeyID: srv.KeyID, IssuerID: srv.IssuerID, Key: key},
		Policy: httpretry.Policy{MaxAttempts: 3, Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}}
	return srv, appstore.New(c), &waits
}

func TestSendReplaceAndRead(t *testing.T) {
	srv, r, _ := setup(t)
	ctx := context.Background()
	cur, err := r.Current(ctx, reviewID)
	if err != nil || cur != nil {
		t.Fatalf("Current with no response = %+v, %v; want nil, nil", cur, err)
	}
	sent, err := r.Post(ctx, reviewID, "ご迷惑をおかけしております。設定>通知をご確認ください。")
	if err != nil {
		t.Fatal(err)
	}
	if sent.ID == "" || sent.Text != "ご迷惑をおかけしております。設定>通知をご確認ください。" || !sent.Pending || sent.UpdatedAt.IsZero() {
		t.Fatalf("Post = %+v", sent)
	}
	// Pending until Apple publishes it.
	cur, err = r.Current(ctx, reviewID)
	if err != nil || cur == nil || cur.ID != sent.ID || !cur.Pending {
		t.Fatalf("Current after Post = %+v, %v", cur, err)
	}
	srv.SetResponse(reviewID, connecttest.Resp{ID: sent.ID, Body: sent.Text, State: "PUBLISHED", Modified: sent.UpdatedAt})
	if cur, err = r.Current(ctx, reviewID); err != nil || cur == nil || cur.Pending {
		t.Fatalf("Current once published = %+v, %v", cur, err)
	}

	// Replacing: one POST overwrites, the review keeps one response.
	again, err := r.Post(ctx, reviewID, "1.3.0 で修正しました。")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := srv.Response(reviewID); !ok || got.Body != "1.3.0 で修正しました。" || again.ID != sent.ID {
		t.Fatalf("after replacing: stored %+v, answered %+v", got, again)
	}
	if got, want := strings.Join(srv.Log(), " | "), "GET /v1/customerReviews/"+reviewID+"/response | POST /v1/customerReviewResponses | GET /v1/customerReviews/"+reviewID+"/response | GET /v1/customerReviews/"+reviewID+"/response | POST /v1/customerReviewResponses"; got != want {
		t.Fatalf("requests:\n%s\nwant\n%s", got, want)
	}
}

// TestReplaceWhenStoreRefusesOverwrite: should the API answer 409 STATE_ERROR to a second POST,
// the old response is deleted and the new one created.
func TestReplaceWhenStoreRefusesOverwrite(t *testing.T) {
	srv, r, _ := setup(t)
	srv.ConflictOnExisting = true
	srv.SetResponse(reviewID, connecttest.Resp{ID: "old-response", Body: "古い返信", State: "PUBLISHED", Modified: time.Now()})
	got, err := r.Post(context.Background(), reviewID, "新しい返信")
	if err != nil {
		t.Fatal(err)
	}
	if stored, _ := srv.Response(reviewID); stored.Body != "新しい返信" || got.Text != "新しい返信" || got.ID == "old-response" {
		t.Fatalf("stored %+v, answered %+v", stored, got)
	}
	want := "POST /v1/customerReviewResponses | GET /v1/customerReviews/" + reviewID + "/response | DELETE /v1/customerReviewResponses/old-response | POST /v1/customerReviewResponses"
	if log := strings.Join(srv.Log(), " | "); log != want {
		t.Fatalf("requests:\n%s\nwant\n%s", log, want)
	}
}

func TestRateLimitThenSuccess(t *testing.T) {
	srv, r, waits := setup(t)
	srv.Refuse(http.StatusTooManyRequests)
	if _, err := r.Post(context.Background(), reviewID, "ありがとうございます"); err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 1 || len(srv.Posted) != 1 {
		t.Fatalf("waits %v, posted %v", *waits, srv.Posted)
	}

	// A 5xx to a POST is not retried here: whether it took effect is unknown, so the outbox reads
	// Current before sending again.
	srv.Refuse(http.StatusServiceUnavailable)
	_, err := r.Post(context.Background(), reviewID, "二度目")
	var se *replies.StoreError
	if !errors.As(err, &se) || se.Status != 503 || !replies.Retryable(err) || len(srv.Posted) != 1 {
		t.Fatalf("503: err %v, posted %v", err, srv.Posted)
	}
	// A GET is retried through 5xx.
	srv.Refuse(http.StatusServiceUnavailable, http.StatusBadGateway)
	if cur, err := r.Current(context.Background(), reviewID); err != nil || cur == nil {
		t.Fatalf("Current through two 5xx = %+v, %v", cur, err)
	}
}

func TestRefusalsCarryApplesWords(t *testing.T) {
	srv, r, _ := setup(t)
	_, err := r.Post(context.Background(), reviewID, strings.Repeat("あ", appstore.MaxLen+1))
	var se *replies.StoreError
	if !errors.As(err, &se) {
		t.Fatalf("too long: err = %v, want a StoreError", err)
	}
	if se.Store != "appstore" || se.Status != 409 || se.Code != "ENTITY_ERROR.ATTRIBUTE.INVALID.TOO_LONG" ||
		!strings.Contains(se.Message, "responseBody") || se.Retryable() || replies.Retryable(err) {
		t.Fatalf("too long: %#v", se)
	}
	if _, ok := srv.Response(reviewID); ok {
		t.Fatal("a refused response was stored")
	}
	if _, err := r.Post(context.Background(), reviewID, strings.Repeat("あ", appstore.MaxLen)); err != nil {
		t.Fatalf("MaxLen characters: %v", err)
	}
	_, err = r.Post(context.Background(), "00000099-0000-0000-0000-000000000000", "hi")
	if !errors.As(err, &se) || se.Status != 404 || se.Code != "NOT_FOUND" || se.Retryable() {
		t.Fatalf("unknown review: %v", err)
	}
}

// TestFeedIDsHaveNoReplyAPI: a review read from the public RSS feed carries the feed's numeric id,
// which App Store Connect does not know.
func TestFeedIDsHaveNoReplyAPI(t *testing.T) {
	srv, r, _ := setup(t)
	if _, err := r.Post(context.Background(), "6913873043", "hi"); !errors.Is(err, replies.ErrNoReplyAPI) || replies.Retryable(err) {
		t.Fatalf("feed id: err = %v, want ErrNoReplyAPI", err)
	}
	if _, err := r.Current(context.Background(), "6913873043"); !errors.Is(err, replies.ErrNoReplyAPI) {
		t.Fatalf("feed id: Current err = %v", err)
	}
	if len(srv.Log()) != 0 {
		t.Fatalf("requests sent for a feed id: %v", srv.Log())
	}
}

// TestTokenRenewal: the token is signed once and reused, then renewed before it expires; a token
// the server finds expired is refused, as Apple refuses it.
func TestTokenRenewal(t *testing.T) {
	srv, _, _ := setup(t)
	key, _ := connect.LoadKey(srv.KeyFile)
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	srv.Now = func() time.Time { return now }
	tokens := &connect.Tokens{KeyID: srv.KeyID, IssuerID: srv.IssuerID, Key: key, Now: func() time.Time { return now }}
	r := appstore.New(&connect.Client{BaseURL: srv.URL, HTTP: srv.Client(), Tokens: tokens})
	ctx := context.Background()
	for range 3 {
		if _, err := r.Current(ctx, reviewID); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(17 * time.Minute)
	if _, err := r.Current(ctx, reviewID); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.TokensSeen()); got != 1 {
		t.Fatalf("%d tokens within 17 minutes, want 1 (cached)", got)
	}
	now = now.Add(90 * time.Second) // 18m30s: under a minute left, so renewed
	if _, err := r.Current(ctx, reviewID); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.TokensSeen()); got != 2 {
		t.Fatalf("%d tokens after 18m30s, want 2 (renewed)", got)
	}

	// The server's clock ahead of ours by 20 minutes: the token is expired there.
	srv.Now = func() time.Time { return now.Add(20 * time.Minute) }
	_, err := r.Current(ctx, reviewID)
	var se *replies.StoreError
	if !errors.As(err, &se) || se.Status != 401 || se.Code != "NOT_AUTHORIZED" {
		t.Fatalf("expired token: err = %v", err)
	}
}

// TestWrongKeyIsRefused: a token signed by another key fails the server's signature check.
func TestWrongKeyIsRefused(t *testing.T) {
	srv, _, _ := setup(t)
	other := connecttest.New(t)
	key, _ := connect.LoadKey(other.KeyFile)
	r := appstore.New(&connect.Client{BaseURL: srv.URL, HTTP: srv.Client(), Tokens: &connect.Tokens{KeyID: srv.KeyID, IssuerID: srv.IssuerID, Key: key}})
	_, err := r.Current(context.Background(), reviewID)
	var se *replies.StoreError
	if !errors.As(err, &se) || se.Status != 401 {
		t.Fatalf("wrong key: err = %v", err)
	}
}

func TestBadKeyFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	rsa := "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----\n"
	for _, c := range []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "AuthKey_NONE.p8"), "no such file"},
		{"not pem", write("a.p8", "not a key"), "not a PEM file"},
		{"wrong block", write("b.p8", rsa), `"RSA PRIVATE KEY" block`},
		{"garbage", write("c.p8", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "not a PKCS #8 private key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := connect.LoadKey(c.path)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "AAAA") {
				t.Fatalf("err = %v, want it to say %q", err, c.want)
			}
		})
	}
}
