package slackbot_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/slackbot"
)

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// signed is an interactivity request as Slack sends it: the payload form-encoded, signed with
// HMAC-SHA256 of "v0:timestamp:body" under the app's signing secret.
func signed(t *testing.T, url_ string, payload map[string]any, at time.Time, key string) *http.Response {
	t.Helper()
	js, _ := json.Marshal(payload)
	resp, _ := signedForm(t, url_, "payload="+url.QueryEscape(string(js)), at, key)
	return resp
}

// signedForm posts a signed form body and returns the response and its body.
func signedForm(t *testing.T, url_, body string, at time.Time, key string) (*http.Response, string) {
	t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req, _ := http.NewRequest(http.MethodPost, url_, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func press(user, actionID, value, label, responseURL string) map[string]any {
	return map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user}, "channel": map[string]any{"id": "CVOICE"},
		"container":    map[string]any{"type": "message", "message_ts": "1790000000.000001", "channel_id": "CVOICE"},
		"response_url": responseURL,
		"actions": []map[string]any{{"action_id": actionID, "block_id": "b", "value": value, "type": "button",
			"text": map[string]any{"type": "plain_text", "text": label}}},
	}
}

func TestButtonsTagAndLinkFromSlack(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	fake := newFakeSlack()
	fake.users = map[string]string{"UCS": "hanako@koe.example", "UVIEW": "viewer@koe.example", "USTRANGER": "x@other.example"}
	slackSrv := httptest.NewServer(fake)
	defer slackSrv.Close()
	for _, u := range []feedback.User{{Email: "hanako@koe.example", Name: "Hanako", Role: feedback.RoleCS},
		{Email: "viewer@koe.example", Name: "Viewer", Role: feedback.RoleViewer}} {
		if _, err := db.SaveUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	cfg := conf(slackbot.Config{VoiceChannel: "CVOICE", BotToken: "xoxb-test", APIURL: slackSrv.URL + "/api/"})
	ingestJSONL(t, db, cfg, feedback.SourceChat, "widget", `{"id":"c1","text":"CSVで出力したい","date":"TODAY"}`)
	ids, err := db.RequestIDsByTitle(ctx, []string{"CSV export"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	voice := int64(1)
	if it, err := db.FeedbackByID(ctx, voice); err != nil || it.Body != "CSVで出力したい" {
		t.Fatalf("voice 1: %+v %v", it, err)
	}
	h := &slackbot.Interactions{Store: db, Config: cfg, SigningSecret: secret}
	srv := httptest.NewServer(h)
	defer srv.Close()
	respond := slackSrv.URL + "/respond"
	tagChurn := press("UCS", "koe_tag_churn_risk", fmt.Sprintf("%d:churn_risk", voice), "解約リスク", respond)

	// Forged, stale and unsigned requests change nothing.
	if r := signed(t, srv.URL, tagChurn, time.Now(), "wrong-secret"); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong signature: %d", r.StatusCode)
	}
	if r := signed(t, srv.URL, tagChurn, time.Now().Add(-6*time.Minute), secret); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("stale timestamp: %d", r.StatusCode)
	}
	if r, _ := http.Post(srv.URL, "application/x-www-form-urlencoded", strings.NewReader("payload={}")); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned: %d", r.StatusCode)
	}
	// A signed request captured and sent again within its five minutes is refused the second
	// time, by any replica (two handlers here, one database).
	replayAt := time.Now().Add(-2 * time.Minute)
	other := httptest.NewServer(&slackbot.Interactions{Store: db, Config: cfg, SigningSecret: secret})
	defer other.Close()
	if r, _ := signedForm(t, srv.URL, "payload=probe", replayAt, secret); r.StatusCode != http.StatusBadRequest { // signed, and read
		t.Fatalf("first: %d", r.StatusCode)
	}
	for _, u := range []string{srv.URL, other.URL} {
		if r, body := signedForm(t, u, "payload=probe", replayAt, secret); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("replayed: %d %s, want 401", r.StatusCode, body)
		}
	}
	// A viewer, and someone Koe does not know, are told why, and change nothing.
	for _, u := range []string{"UVIEW", "USTRANGER"} {
		if r := signed(t, srv.URL, press(u, "koe_tag_churn_risk", "1:churn_risk", "x", respond), time.Now(), secret); r.StatusCode != 200 {
			t.Fatalf("%s: %d", u, r.StatusCode)
		}
	}
	if it, _ := db.FeedbackByID(ctx, voice); it.Tag != feedback.TagNone {
		t.Fatalf("tagged by someone who may not: %+v", it)
	}
	fake.mu.Lock()
	// The bot speaks Japanese (the default): so do its replies, with no English word of Koe's left.
	if len(fake.replies) != 2 || !strings.Contains(fmt.Sprint(fake.replies[0]["text"]), "CS・PO・管理者") || fake.replies[0]["response_type"] != "ephemeral" {
		t.Fatalf("replies = %v", fake.replies)
	}
	for _, r := range fake.replies {
		text := strings.NewReplacer("viewer@koe.example", "", "x@other.example", "").Replace(fmt.Sprint(r["text"]))
		if w := regexp.MustCompile(`\b(?:[A-Za-z]{2,})\b`).FindAllString(text, -1); strings.Join(w, " ") != "CS PO Koe" {
			t.Errorf("ja reply %q has words %q, want only CS PO Koe", r["text"], w)
		}
	}
	fake.mu.Unlock()

	// A CS member tags it (twice: Slack retries, signing each try anew) and links it.
	for i := range 2 {
		if r := signed(t, srv.URL, tagChurn, time.Now().Add(time.Duration(i)*time.Second), secret); r.StatusCode != 200 {
			t.Fatalf("tag: %d", r.StatusCode)
		}
	}
	link := press("UCS", slackbot.ActionLink, fmt.Sprintf("%d:%d", voice, ids["CSV export"]), "Link", respond)
	if r := signed(t, srv.URL, link, time.Now(), secret); r.StatusCode != 200 {
		t.Fatalf("link: %d", r.StatusCode)
	}
	it, _ := db.FeedbackByID(ctx, voice)
	if it.Tag != feedback.TagChurnRisk || it.RequestID == nil || *it.RequestID != ids["CSV export"] || it.Status != feedback.StatusTriaged {
		t.Fatalf("after the buttons: %+v", it)
	}
	history, err := db.History(ctx, "feedback", voice)
	if err != nil {
		t.Fatal(err)
	}
	var audits []string
	for _, h := range history {
		audits = append(audits, h.Actor+" "+h.Action)
	}
	if strings.Join(audits, ",") != "slack:hanako@koe.example tag,slack:hanako@koe.example link" {
		t.Fatalf("audit log = %v", audits)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.updates) != 3 {
		t.Fatalf("%d chat.update calls, want 3", len(fake.updates))
	}
	last := fake.updates[2]
	if last["channel"] != "CVOICE" || last["ts"] != "1790000000.000001" || !strings.Contains(last["blocks"], `\u003c@UCS\u003e · Link`) ||
		!strings.Contains(last["blocks"], "#"+strconv.FormatInt(ids["CSV export"], 10)+" CSV export") || !strings.Contains(last["blocks"], "解約リスク") {
		t.Fatalf("updated message = %v", last)
	}
}

func TestPickAnotherRequestInAModal(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	fake := newFakeSlack()
	fake.users = map[string]string{"UCS": "hanako@koe.example", "UVIEW": "viewer@koe.example"}
	slackSrv := httptest.NewServer(fake)
	defer slackSrv.Close()
	for _, u := range []feedback.User{{Email: "hanako@koe.example", Role: feedback.RoleCS}, {Email: "viewer@koe.example", Role: feedback.RoleViewer}} {
		if _, err := db.SaveUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	cfg := conf(slackbot.Config{BotToken: "xoxb-test", APIURL: slackSrv.URL + "/api/", Language: "en"})
	ingestJSONL(t, db, cfg, feedback.SourceChat, "widget", `{"id":"c1","text":"need audit logs","date":"TODAY"}`)
	ids, err := db.RequestIDsByTitle(ctx, []string{"Audit log", "SSO"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(&slackbot.Interactions{Store: db, Config: cfg, SigningSecret: secret})
	defer srv.Close()

	open := press("UCS", slackbot.ActionPick, "1", "Pick another request…", slackSrv.URL+"/respond")
	open["trigger_id"] = "13345224609.738474920.8088930838d88f008e0"
	if r := signed(t, srv.URL, open, time.Now(), secret); r.StatusCode != 200 {
		t.Fatalf("pick: %d", r.StatusCode)
	}
	fake.mu.Lock()
	if len(fake.views) != 1 || fake.views[0]["trigger_id"] != open["trigger_id"] {
		t.Fatalf("views.open = %v", fake.views)
	}
	view := fmt.Sprint(fake.views[0]["view"])
	fake.mu.Unlock()
	if !strings.Contains(view, "Audit log") || !strings.Contains(view, "static_select") || !strings.Contains(view, "private_metadata:1:CVOICE:1790000000.000001") {
		t.Fatalf("modal = %s", view)
	}
	submit := func(user string, request int64) (int, string) {
		payload := map[string]any{"type": "view_submission", "user": map[string]any{"id": user},
			"view": map[string]any{"id": "V1", "callback_id": "koe_pick_request", "private_metadata": "1:CVOICE:1790000000.000001",
				"state": map[string]any{"values": map[string]any{"koe_request": map[string]any{"koe_request_select": map[string]any{
					"type": "static_select", "selected_option": map[string]any{"value": fmt.Sprint(request), "text": map[string]any{"type": "plain_text", "text": "x"}}}}}}}}
		js, _ := json.Marshal(payload)
		r, body := signedForm(t, srv.URL, "payload="+url.QueryEscape(string(js)), time.Now(), secret)
		return r.StatusCode, body
	}
	if code, body := submit("UVIEW", ids["SSO"]); code != 200 || !strings.Contains(body, `"response_action":"errors"`) || !strings.Contains(body, "cs, po or admin") {
		t.Fatalf("a viewer's submission: %d %s", code, body)
	}
	if code, body := submit("UCS", ids["SSO"]); code != 200 || body != "" {
		t.Fatalf("submission: %d %q", code, body)
	}
	if it, _ := db.FeedbackByID(ctx, 1); it.RequestID == nil || *it.RequestID != ids["SSO"] {
		t.Fatalf("voice not linked: %+v", it)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.updates) != 1 || fake.updates[0]["ts"] != "1790000000.000001" || !strings.Contains(fake.updates[0]["blocks"], "SSO") {
		t.Fatalf("updates = %v", fake.updates)
	}
}
