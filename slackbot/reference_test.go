package slackbot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/slackbot"
)

// Slack's own examples, copied from its reference pages rather than written from memory, so the
// bot is tested against what Slack says it sends and not only against fakeSlack.

// postMessageOK is the example response of chat.postMessage, verbatim from
// https://api.slack.com/methods/chat.postMessage ("Example responses", "Typical, minimal success
// response").
const postMessageOK = `{
    "ok": true,
    "channel": "C123ABC456",
    "ts": "1503435956.000247",
    "message": {
        "text": "Here's a message for you",
        "username": "ecto1",
        "bot_id": "B123ABC456",
        "attachments": [
            {
                "text": "This is an attachment",
                "id": 1,
                "fallback": "This is an attachment's fallback"
            }
        ],
        "type": "message",
        "subtype": "bot_message",
        "ts": "1503435956.000247"
    }
}`

// postMessageErrors are chat.postMessage's documented failures, from the same page: the error
// response {"ok": false, "error": "too_many_attachments"}, the "channel_not_found" error of its
// Errors table, and rate limiting as https://api.slack.com/docs/rate-limits describes it (HTTP
// 429, a Retry-After header in seconds, {"ok": false, "error": "ratelimited"}).
var postMessageErrors = []struct {
	name       string
	status     int
	retryAfter string
	body       string
	// wantStatus is the outbox row's status after one attempt; wantError is in its last error.
	wantStatus, wantError string
}{
	{"too_many_attachments", http.StatusOK, "", `{"ok": false, "error": "too_many_attachments"}`, "failed", "too_many_attachments"},
	{"channel_not_found", http.StatusOK, "", `{"ok": false, "error": "channel_not_found"}`, "failed", "channel_not_found"},
	{"ratelimited", http.StatusTooManyRequests, "30", `{"ok": false, "error": "ratelimited"}`, "pending", "rate limit"},
}

// documented answers chat.postMessage with a fixed body, as Slack's reference shows it.
func documented(status int, retryAfter, body string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/chat.postMessage" {
			http.Error(w, "not in this fixture", http.StatusNotFound)
			return
		}
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
}

// TestWorkerReadsDocumentedPostAnswers posts one voice against each documented answer: the
// success records Slack's channel and ts (the ones a later chat.update and the thread replies
// use); a refusal is given up on with Slack's error named; ratelimited waits and tries again.
func TestWorkerReadsDocumentedPostAnswers(t *testing.T) {
	type answer struct {
		name               string
		status             int
		retryAfter, body   string
		wantStatus, wantIn string
	}
	cases := []answer{{"ok", http.StatusOK, "", postMessageOK, "sent", ""}}
	for _, e := range postMessageErrors {
		cases = append(cases, answer{e.name, e.status, e.retryAfter, e.body, e.wantStatus, e.wantError})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := openDB(t)
			ctx := context.Background()
			srv := documented(c.status, c.retryAfter, c.body)
			defer srv.Close()
			cfg := conf(slackbot.Config{VoiceChannel: "C123ABC456"})
			ingestJSONL(t, db, cfg, feedback.SourceChat, "widget", `{"id":"c1","text":"please add SSO","date":"TODAY"}`)
			if did, err := newWorker(db, cfg, srv.URL).PostOne(ctx); !did || err != nil {
				t.Fatalf("PostOne = %v, %v", did, err)
			}
			rows, err := db.Outbox(ctx, "", false, 10)
			if err != nil || len(rows) != 1 {
				t.Fatalf("outbox = %+v, %v", rows, err)
			}
			row := rows[0]
			if got, want := row.Status, c.wantStatus; got != want {
				t.Fatalf("status=%q, want %q (%+v)", got, want, row)
			}
			if c.wantStatus == "sent" {
				if row.Channel != "C123ABC456" || row.PostedTS != "1503435956.000247" {
					t.Fatalf("recorded channel=%q ts=%q, want Slack's C123ABC456 1503435956.000247", row.Channel, row.PostedTS)
				}
				return
			}
			if row.PostedTS != "" || !strings.Contains(row.LastError, c.wantIn) {
				t.Fatalf("last error=%q ts=%q, want %q and no ts", row.LastError, row.PostedTS, c.wantIn)
			}
		})
	}
}

// TestFakePostMessageHasDocumentedShape keeps fakeSlack's chat.postMessage answer to the shape of
// Slack's example: every field of the example (but attachments, which Koe never sends) is there,
// with the same JSON type.
func TestFakePostMessageHasDocumentedShape(t *testing.T) {
	srv := httptest.NewServer(newFakeSlack())
	defer srv.Close()
	resp, err := http.PostForm(srv.URL+"/api/chat.postMessage", url.Values{"token": {"xoxb-test"}, "channel": {"CVOICE"}, "text": {"hello"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got, want map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(postMessageOK), &want); err != nil {
		t.Fatal(err)
	}
	sameShape(t, "", got, want, "attachments")
}

// sameShape fails for each field of want missing from got or of another JSON type, recursing into objects.
func sameShape(t *testing.T, path string, got, want map[string]any, skip ...string) {
	t.Helper()
	for k, wv := range want {
		if slices.Contains(skip, k) {
			continue
		}
		gv, ok := got[k]
		if !ok {
			t.Errorf("%s%s missing (Slack's example has %v)", path, k, wv)
			continue
		}
		if gt, wt := fmt.Sprintf("%T", gv), fmt.Sprintf("%T", wv); gt != wt {
			t.Errorf("%s%s is %s, want %s like Slack's example", path, k, gt, wt)
			continue
		}
		if wm, ok := wv.(map[string]any); ok {
			sameShape(t, path+k+".", gv.(map[string]any), wm, skip...)
		}
	}
}
