package slackbot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/slackbot"
	"github.com/koehq/koe/store"
)

// viewsOpenOK is the example success response of views.open, verbatim from
// https://api.slack.com/methods/views.open ("Example responses": "Typical success response
// includes the opened view payload").
const viewsOpenOK = `{
    "ok": true,
    "view": {
        "id": "VMHU10V25",
        "team_id": "T8N4K1JN",
        "type": "modal",
        "title": {"type": "plain_text", "text": "Quite a plain modal"},
        "submit": {"type": "plain_text", "text": "Create"},
        "blocks": [
            {
                "type": "input",
                "block_id": "a_block_id",
                "label": {"type": "plain_text", "text": "A simple label", "emoji": true},
                "optional": false,
                "element": {"type": "plain_text_input", "action_id": "an_action_id"}
            }
        ],
        "private_metadata": "Shh it is a secret",
        "callback_id": "identify_your_modals",
        "external_id": "",
        "state": {"values": {}},
        "hash": "156772938.1827394",
        "clear_on_close": false,
        "notify_on_close": false,
        "root_view_id": "VMHU10V25",
        "app_id": "AA4928AQ",
        "bot_id": "BA13894H"
    }
}`

// viewSubmissionPayload is a submission of Koe's reply modal in the shape of the example
// view_submission payload of https://api.slack.com/reference/interaction-payloads/views
// (view.id "VNHU13V36", type modal, private_metadata, callback_id, state.values keyed by block_id
// then action_id holding {"type": "plain_text_input", "value": …}, hash "156663117.cd33ad1f").
// Slack's example elides team and user ("{ ... }"); they are those of its block_actions example.
// The ids, metadata and value are Koe's own (review_reply.go: callback koe_review_reply, block
// koe_reply, action koe_reply_text, metadata "review:channel:ts").
const viewSubmissionPayload = `{
  "type": "view_submission",
  "team": {"id": "T9TK3CUKW", "domain": "example"},
  "user": {"id": "UA8RXUSPL", "username": "jtorrance", "name": "jtorrance", "team_id": "T9TK3CUKW"},
  "view": {
    "id": "VNHU13V36",
    "type": "modal",
    "title": {"type": "plain_text", "text": "レビューに返信"},
    "submit": {"type": "plain_text", "text": "送信"},
    "blocks": [],
    "private_metadata": "METADATA",
    "callback_id": "koe_review_reply",
    "state": {
      "values": {
        "koe_reply": {
          "koe_reply_text": {
            "type": "plain_text_input",
            "value": "VALUE"
          }
        }
      }
    },
    "hash": "156663117.cd33ad1f"
  }
}`

// submitting is viewSubmissionPayload from user with metadata and the typed text.
func submitting(t *testing.T, user, metadata, text string) string {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal([]byte(viewSubmissionPayload), &p); err != nil {
		t.Fatal(err)
	}
	p["user"].(map[string]any)["id"] = user
	v := p["view"].(map[string]any)
	v["private_metadata"] = metadata
	v["state"].(map[string]any)["values"].(map[string]any)["koe_reply"].(map[string]any)["koe_reply_text"].(map[string]any)["value"] = text
	js, _ := json.Marshal(p)
	return string(js)
}

// documentedViews answers views.open as Slack's reference shows, and keeps what was asked; the
// rest goes to fakeSlack.
type documentedViews struct {
	*fakeSlack
	mu     sync.Mutex
	opened []map[string]any
}

func (d *documentedViews) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/views.open" {
		d.fakeSlack.ServeHTTP(w, r)
		return
	}
	b, _ := io.ReadAll(r.Body)
	var v map[string]any
	_ = json.Unmarshal(b, &v)
	d.mu.Lock()
	d.opened = append(d.opened, v)
	d.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write([]byte(viewsOpenOK))
}

// playStore stands for a store with a reply API (the clients are tested against the stores'
// wire formats in replies/…); the modal asks it for its limit.
type playStore struct{}

func (playStore) Current(context.Context, string) (*replies.Existing, error) { return nil, nil }
func (playStore) Post(context.Context, string, string) (*replies.Existing, error) {
	return &replies.Existing{}, nil
}
func (playStore) MaxLen() int { return 350 }

// TestReplyToAReviewFromSlack: the Reply button of a review (a block_actions press in Slack's
// documented shape) opens the modal through views.open (answered as Slack documents it) with the
// template filled in and the store's limit; a viewer or a po gets an ephemeral refusal; the
// submission (Slack's documented view_submission shape) saves and sends as the Slack user's Koe
// user, refuses over-long text in the modal, and redraws the review's message.
func TestReplyToAReviewFromSlack(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	fake := newFakeSlack()
	fake.users = map[string]string{"UA8RXUSPL": "jtorrance@koe.example", "UVIEW": "viewer@koe.example", "UPO": "po@koe.example"}
	slackAPI := &documentedViews{fakeSlack: fake}
	slackSrv := httptest.NewServer(slackAPI)
	defer slackSrv.Close()
	for _, u := range []feedback.User{{Email: "jtorrance@koe.example", Role: feedback.RoleCS}, {Email: "viewer@koe.example", Role: feedback.RoleViewer},
		{Email: "po@koe.example", Role: feedback.RolePO}} {
		if _, err := db.SaveUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	two := 2.0
	_, added, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: []feedback.Item{
		{SourceKind: feedback.SourceReview, SourceName: "play", SourceID: "gp:1", ReceivedAt: time.Now(), AuthorName: "山田",
			Body: "同期が遅い", Language: "ja", Rating: &two},
		{SourceKind: feedback.SourceReview, SourceName: "g2", SourceID: "g2-1", ReceivedAt: time.Now(), AuthorName: "Sam",
			Body: "Nice", Language: "en", URL: "https://www.g2.com/products/koe/reviews/1"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	play, g2 := added[0].ID, added[1].ID
	if _, err := db.SaveReplyTemplate(ctx, store.ReplyTemplate{Name: "お詫び", Language: "ja", Band: store.BandLow,
		Body: "{reviewer}様、{app}をご利用いただきありがとうございます。"}, "cs@koe.example"); err != nil {
		t.Fatal(err)
	}
	cfg := conf(slackbot.Config{VoiceChannel: "CBR2V3XEX", BotToken: "xoxb-test", APIURL: slackSrv.URL + "/api/", Language: "ja"})
	rep := func(source string) (replies.Replier, error) {
		if source == "play" {
			return playStore{}, nil
		}
		return nil, replies.ErrNoReplyAPI
	}
	srv := httptest.NewServer(&slackbot.Interactions{Store: db, Config: cfg, SigningSecret: secret, Replies: rep, App: "Koe"})
	defer srv.Close()
	respond := slackSrv.URL + "/respond"
	post := func(payload string) string {
		t.Helper()
		resp, body := signedForm(t, srv.URL, "payload="+url.QueryEscape(payload), time.Now(), secret)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("interaction: %d %s", resp.StatusCode, body)
		}
		return body
	}
	id := strconv.FormatInt(play, 10)
	meta := id + ":CBR2V3XEX:1548261231.000200"

	t.Run("the button opens the modal with the template", func(t *testing.T) {
		post(pressing(t, respond, slackbot.ActionReply, id, "返信する"))
		slackAPI.mu.Lock()
		defer slackAPI.mu.Unlock()
		if len(slackAPI.opened) != 1 || slackAPI.opened[0]["trigger_id"] != "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3" {
			t.Fatalf("views.open = %v, want one modal opened with the payload's trigger_id", slackAPI.opened)
		}
		view, _ := json.Marshal(slackAPI.opened[0]["view"])
		for _, want := range []string{`"callback_id":"koe_review_reply"`, `"private_metadata":"` + meta + `"`,
			`"initial_value":"山田様、Koeをご利用いただきありがとうございます。"`, `"max_length":350`, `"multiline":true`, "最大 350 文字", "同期が遅い"} {
			if !strings.Contains(string(view), want) {
				t.Errorf("the modal lacks %s:\n%s", want, view)
			}
		}
		if rv, _ := db.Review(ctx, play); rv.Reply.State != store.ReplyUnanswered {
			t.Errorf("opening the modal changed the reply to %s", rv.Reply.State)
		}
	})
	t.Run("a viewer and a po are refused, only to them", func(t *testing.T) {
		for _, user := range []string{"UVIEW", "UPO"} {
			p := pressing(t, respond, slackbot.ActionReply, id, "返信する")
			p = strings.Replace(p, `"UA8RXUSPL"`, `"`+user+`"`, 1)
			post(p)
		}
		slackAPI.mu.Lock()
		opened := len(slackAPI.opened)
		slackAPI.mu.Unlock()
		fake.mu.Lock()
		defer fake.mu.Unlock()
		if opened != 1 {
			t.Errorf("%d modals opened, want none for a viewer or a po", opened-1)
		}
		if len(fake.replies) != 2 {
			t.Fatalf("replies = %v", fake.replies)
		}
		for _, r := range fake.replies {
			if r["response_type"] != "ephemeral" || !strings.Contains(fmt.Sprint(r["text"]), "cs または admin") {
				t.Errorf("refusal = %v, want an ephemeral word about the role", r)
			}
		}
	})
	t.Run("submitting sends as the Koe user", func(t *testing.T) {
		body := post(submitting(t, "UA8RXUSPL", meta, strings.Repeat("あ", 351)))
		if !strings.Contains(body, `"response_action":"errors"`) || !strings.Contains(body, "上限は 350 文字") {
			t.Fatalf("too long: %s", body)
		}
		body = post(submitting(t, "UVIEW", meta, "ありがとうございます"))
		if !strings.Contains(body, `"response_action":"errors"`) || !strings.Contains(body, "cs または admin") {
			t.Fatalf("a viewer's submission: %s", body)
		}
		// The refused text is kept as a draft (the modal stays open with it); nothing is sent.
		if rv, _ := db.Review(ctx, play); rv.Reply.State != store.ReplyDraft || rv.Reply.WrittenBy != "slack:jtorrance@koe.example" {
			t.Fatalf("after refused submissions: %+v", rv.Reply)
		}
		if body = post(submitting(t, "UA8RXUSPL", meta, "山田様、ご不便をおかけしました。")); body != "" {
			t.Fatalf("submission answered %q, want an empty 200 that closes the modal", body)
		}
		rv, err := db.Review(ctx, play)
		if err != nil || rv.Reply.State != store.ReplySending || rv.Reply.SentBy != "slack:jtorrance@koe.example" || rv.Reply.Draft != "山田様、ご不便をおかけしました。" {
			t.Fatalf("after submitting: %+v %v", rv.Reply, err)
		}
		fake.mu.Lock()
		defer fake.mu.Unlock()
		if len(fake.updates) != 1 || fake.updates[0]["ts"] != "1548261231.000200" || !strings.Contains(fake.updates[0]["blocks"], "返信をストアへ送信しました") ||
			!strings.Contains(fake.updates[0]["blocks"], "koe_reply") || !strings.Contains(fake.updates[0]["blocks"], "返信: 送信中") {
			t.Fatalf("updates = %v, want the review's message redrawn with its Reply button and state", fake.updates)
		}
	})
	t.Run("a site without a reply API keeps the draft", func(t *testing.T) {
		g2meta := strconv.FormatInt(g2, 10) + ":CBR2V3XEX:1548261231.000300"
		if body := post(submitting(t, "UA8RXUSPL", g2meta, "Thanks, Sam!")); body != "" {
			t.Fatalf("submission: %q", body)
		}
		if rv, _ := db.Review(ctx, g2); rv.Reply.State != store.ReplyDraft || rv.Reply.Draft != "Thanks, Sam!" {
			t.Fatalf("G2 reply: %+v", rv.Reply)
		}
	})
}
