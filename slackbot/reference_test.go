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
	"time"

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

// blockActionsPayload is a press of one of Koe's buttons as Slack sends it, in the shape of the
// example payload of https://api.slack.com/reference/interaction-payloads/block-actions: type
// block_actions, team, user, api_app_id, token, container, trigger_id, channel, message,
// response_url and actions. The ids are the reference's example ones; the action is Koe's own
// (render.go's buttons: action_id koe_tag_<tag>, block_id koe_voice_<id>, value "<id>:<tag>",
// the tag's label as the button's text).
const blockActionsPayload = `{
  "type": "block_actions",
  "team": {"id": "T9TK3CUKW", "domain": "example"},
  "user": {"id": "UA8RXUSPL", "username": "jtorrance", "name": "jtorrance", "team_id": "T9TK3CUKW"},
  "api_app_id": "AABA1ABCD",
  "token": "9s8d9as89d8as9d8as989",
  "container": {"type": "message", "message_ts": "1548261231.000200", "channel_id": "CBR2V3XEX", "is_ephemeral": false},
  "trigger_id": "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
  "channel": {"id": "CBR2V3XEX", "name": "review-updates"},
  "message": {"bot_id": "BAH5CA16Z", "type": "message", "text": "CSVで出力したい", "user": "UAJ2RU415", "ts": "1548261231.000200"},
  "response_url": "https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209",
  "actions": [
    {
      "action_id": "koe_tag_churn_risk",
      "block_id": "koe_voice_1",
      "text": {"type": "plain_text", "text": "解約リスク", "emoji": true},
      "value": "1:churn_risk",
      "type": "button",
      "action_ts": "1548426417.840180"
    }
  ]
}`

// pressing is blockActionsPayload with another of Koe's buttons as its action, Slack's
// response_url pointed at the fake (the real one is not reachable from a test).
func pressing(t *testing.T, respond, actionID, value, label string) string {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal([]byte(blockActionsPayload), &p); err != nil {
		t.Fatal(err)
	}
	a := p["actions"].([]any)[0].(map[string]any)
	a["action_id"], a["value"] = actionID, value
	a["text"].(map[string]any)["text"] = label
	p["response_url"] = respond
	js, _ := json.Marshal(p)
	return string(js)
}

// TestDocumentedButtonPresses posts the documented payload, signed as Slack signs requests (v0,
// X-Slack-Request-Timestamp and X-Slack-Signature), to the interactivity handler, carrying each
// of Koe's buttons in turn: the tag and the link change the voice, by the Koe user behind the
// Slack user, and redraw the message the button sits on (channel.id, container.message_ts); the
// pick button opens the modal with the payload's trigger_id.
func TestDocumentedButtonPresses(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	fake := newFakeSlack()
	fake.users = map[string]string{"UA8RXUSPL": "jtorrance@koe.example"}
	slackSrv := httptest.NewServer(fake)
	defer slackSrv.Close()
	if _, err := db.SaveUser(ctx, feedback.User{Email: "jtorrance@koe.example", Name: "Jack", Role: feedback.RoleCS}); err != nil {
		t.Fatal(err)
	}
	cfg := conf(slackbot.Config{VoiceChannel: "CBR2V3XEX", BotToken: "xoxb-test", APIURL: slackSrv.URL + "/api/"})
	ingestJSONL(t, db, cfg, feedback.SourceChat, "widget", `{"id":"c1","text":"CSVで出力したい","date":"TODAY"}`)
	ids, err := db.RequestIDsByTitle(ctx, []string{"CSV export"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(&slackbot.Interactions{Store: db, Config: cfg, SigningSecret: secret})
	defer srv.Close()
	respond := slackSrv.URL + "/respond"
	press := func(payload string) {
		t.Helper()
		resp, body := signedForm(t, srv.URL, "payload="+url.QueryEscape(payload), time.Now(), secret)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("press: %d %s", resp.StatusCode, body)
		}
	}

	t.Run("tag", func(t *testing.T) {
		press(strings.Replace(blockActionsPayload, "https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209", respond, 1))
		it, err := db.FeedbackByID(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := it.Tag, feedback.TagChurnRisk; got != want {
			t.Fatalf("tag=%q, want %q", got, want)
		}
		if h, _ := db.History(ctx, "feedback", 1); len(h) != 1 || h[0].Actor != "slack:jtorrance@koe.example" || h[0].Action != "tag" {
			t.Fatalf("audit = %+v", h)
		}
	})
	t.Run("link", func(t *testing.T) {
		req := ids["CSV export"]
		press(pressing(t, respond, slackbot.ActionLink, fmt.Sprintf("1:%d", req), "このリクエストに紐付け: CSV export"))
		if it, _ := db.FeedbackByID(ctx, 1); it.RequestID == nil || *it.RequestID != req {
			t.Fatalf("request=%v, want %d", it.RequestID, req)
		}
	})
	t.Run("redrawn", func(t *testing.T) {
		fake.mu.Lock()
		defer fake.mu.Unlock()
		if len(fake.replies) != 0 {
			t.Errorf("replies = %v, want none after presses that worked", fake.replies)
		}
		if len(fake.updates) != 2 {
			t.Fatalf("%d chat.update calls, want 2", len(fake.updates))
		}
		for i, label := range []string{"解約リスク", "このリクエストに紐付け: CSV export"} {
			u := fake.updates[i]
			if u["channel"] != "CBR2V3XEX" || u["ts"] != "1548261231.000200" || !strings.Contains(u["blocks"], `\u003c@UA8RXUSPL\u003e · `+label) {
				t.Errorf("chat.update %d = %v, want the pressed message redrawn with who pressed %q", i, u, label)
			}
		}
	})
	t.Run("pick", func(t *testing.T) {
		press(pressing(t, respond, slackbot.ActionPick, "1", "別のリクエストを選ぶ…"))
		fake.mu.Lock()
		defer fake.mu.Unlock()
		if len(fake.views) != 1 || fake.views[0]["trigger_id"] != "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3" ||
			!strings.Contains(fmt.Sprint(fake.views[0]["view"]), "private_metadata:1:CBR2V3XEX:1548261231.000200") {
			t.Fatalf("views.open = %v, want the modal for voice 1 opened with the payload's trigger_id", fake.views)
		}
	})
}
