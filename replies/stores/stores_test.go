package stores_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/ingest/appstore/connect/connecttest"
	"github.com/koehq/koe/ingest/sources"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/replies/stores"
)

func noEnv(string) string { return "" }

func TestBuildChoosesByKind(t *testing.T) {
	for _, s := range []sources.Settings{
		{Kind: "jsonl", Name: "f", File: "x.jsonl"},
		{Kind: "g2", Name: "g2"},
		{Kind: "itreview", Name: "it", File: "x.csv"},
		{Kind: "appstore", Name: "feed", AppID: "682658836", Countries: "jp"},
	} {
		if r, err := stores.Build(s, noEnv); !errors.Is(err, replies.ErrNoReplyAPI) || r != nil {
			t.Errorf("%s %s: %v, %v; want ErrNoReplyAPI", s.Kind, s.Name, r, err)
		}
	}
}

func TestBuildAppStore(t *testing.T) {
	srv := connecttest.New(t)
	const id = "00000028-b08c-0014-729e-fbd500000000"
	srv.AddReview(connecttest.Review{ID: id, AppID: "682658836", Rating: 1, Body: "落ちる", Created: time.Now()})
	s := sources.Settings{Kind: "appstore", Name: "app_store", AppID: "682658836", BaseURL: srv.URL,
		KeyID: srv.KeyID, IssuerID: srv.IssuerID, KeyFile: srv.KeyFile}
	r, err := stores.Build(s, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.MaxLen(), 5970; got != want {
		t.Fatalf("MaxLen = %d, want %d", got, want)
	}
	if _, err := r.Post(context.Background(), id, "申し訳ありません。1.3.1 で修正しました。"); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.Response(id); got.Body != "申し訳ありません。1.3.1 で修正しました。" {
		t.Fatalf("stored response = %+v", got)
	}

	// A bad key file is the person's to fix: said plainly, never ErrNoReplyAPI, never the key.
	bad := filepath.Join(t.TempDir(), "AuthKey_X.p8")
	os.WriteFile(bad, []byte("MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg"), 0o600)
	s.KeyFile = bad
	_, err = stores.Build(s, noEnv)
	if err == nil || errors.Is(err, replies.ErrNoReplyAPI) || !strings.Contains(err.Error(), "--key-file") || !strings.Contains(err.Error(), "not a PEM file") || strings.Contains(err.Error(), "MIGTAgEA") {
		t.Fatalf("bad key file: %v", err)
	}
	s.KeyFile = ""
	if _, err := stores.Build(s, noEnv); err == nil || !strings.Contains(err.Error(), "--key-id, --issuer-id and --key-file together") {
		t.Fatalf("half a key: %v", err)
	}
}

func TestBuildGooglePlay(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"result":{"replyText":"ありがとうございます","lastEdited":{"seconds":"1761000000","nanos":0}}}`))
	}))
	defer srv.Close()
	r, err := stores.Build(sources.Settings{Kind: "googleplay", Name: "play", Package: "jp.koe.demo", BaseURL: srv.URL}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Post(context.Background(), "gp:1", "ありがとうございます"); err != nil || r.MaxLen() != 350 {
		t.Fatalf("post: %v, MaxLen %d", err, r.MaxLen())
	}
	if len(paths) != 1 || paths[0] != "POST /androidpublisher/v3/applications/jp.koe.demo/reviews/gp:1:reply" {
		t.Fatalf("paths = %v", paths)
	}
	if _, err := stores.Build(sources.Settings{Kind: "googleplay", Name: "play", Package: "jp.koe.demo"}, noEnv); err == nil || !strings.Contains(err.Error(), "KOE_GOOGLE_CREDENTIALS") {
		t.Fatalf("no credentials: %v", err)
	}
}

func TestReplyInRaw(t *testing.T) {
	// The reviews.list example Google publishes, as ingest/googleplay stores each review.
	example, err := os.ReadFile(filepath.Join("..", "..", "ingest", "googleplay", "testdata", "reviews_list.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Reviews []json.RawMessage `json:"reviews"`
	}
	if err := json.Unmarshal(example, &list); err != nil {
		t.Fatal(err)
	}
	got, err := stores.ReplyInRaw("googleplay", list.Reviews[0])
	if err != nil || got == nil || got.Text != "That's great to hear!" || got.UpdatedAt.IsZero() {
		t.Fatalf("google play reply = %+v, %v", got, err)
	}
	if got, err := stores.ReplyInRaw("googleplay", list.Reviews[1]); err != nil || got != nil {
		t.Fatalf("google play without a reply = %+v, %v", got, err)
	}

	asc := `{"review":{"type":"customerReviews","id":"r1"},"response":{"type":"customerReviewResponses","id":"resp1",
"attributes":{"responseBody":"ご連絡ありがとうございます","lastModifiedDate":"2026-11-30T01:02:03Z","state":"PENDING_PUBLISH"}}}`
	got, err = stores.ReplyInRaw("appstore", []byte(asc))
	if err != nil || got == nil || got.ID != "resp1" || got.Text != "ご連絡ありがとうございます" || !got.Pending || got.UpdatedAt.Year() != 2026 {
		t.Fatalf("app store reply = %+v, %v", got, err)
	}
	for _, raw := range []string{`{"review":{"id":"r2"}}`, `{"id":{"label":"6913873043"},"im:rating":{"label":"5"}}`, ``} {
		if got, err := stores.ReplyInRaw("appstore", []byte(raw)); err != nil || got != nil {
			t.Fatalf("%s: %+v, %v", raw, got, err)
		}
	}
	if got, err := stores.ReplyInRaw("g2", []byte(`{"x":1}`)); err != nil || got != nil {
		t.Fatalf("g2: %+v, %v", got, err)
	}
}
