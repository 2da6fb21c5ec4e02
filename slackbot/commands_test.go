package slackbot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/slackbot"
	"github.com/koehq/koe/store"
)

func TestShortcutAndSlashCommand(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	fake := newFakeSlack()
	fake.users = map[string]string{"UCS": "hanako@koe.example", "UCUST": "suzuki@abc.co.jp", "UOUT": "nobody@else.example", "UJA": "taro@koe.example"}
	slackSrv := httptest.NewServer(fake)
	defer slackSrv.Close()
	defer close(fake.quit)
	if _, err := accounts.ImportCSV(ctx, db, "a.csv", strings.NewReader("external_id,name,mrr,domains\nA,ABC商事,800000,abc.co.jp\n"), accounts.Options{}); err != nil {
		t.Fatal(err)
	}
	u, err := db.SaveUser(ctx, feedback.User{Email: "hanako@koe.example", Role: feedback.RoleCS})
	if err != nil {
		t.Fatal(err)
	}
	cfg := conf(slackbot.Config{BotToken: "xoxb-test", APIURL: slackSrv.URL + "/api/", Language: "en"})
	h := &slackbot.Interactions{Store: db, Backlog: db, Intake: &intake.Service{DB: db}, Config: cfg, SigningSecret: secret}
	mux := httptest.NewServer(h)
	defer mux.Close()
	cmds := httptest.NewServer(h.Commands())
	defer cmds.Close()
	respond := slackSrv.URL + "/respond"

	// "Send to Koe" on a customer's message in a shared channel, twice.
	shortcut := map[string]any{"type": "message_action", "callback_id": slackbot.CaptureCallback, "user": map[string]any{"id": "UCS"},
		"channel": map[string]any{"id": "CSHARED"}, "response_url": respond,
		"message": map[string]any{"type": "message", "user": "UCUST", "text": "請求書をPDFでダウンロードできるようにしてほしい", "ts": "1790000100.000200"}}
	for i := range 2 { // Slack signs each press anew (and its payload differs by trigger_id)
		if r := signed(t, mux.URL, shortcut, time.Now().Add(time.Duration(i)*time.Second), secret); r.StatusCode != 200 {
			t.Fatalf("shortcut: %d", r.StatusCode)
		}
	}
	it, err := db.FeedbackByID(ctx, 1)
	if err != nil || it.SourceKind != feedback.SourceSlack || it.AccountID == nil || it.AuthorEmail != "suzuki@abc.co.jp" ||
		!strings.Contains(it.URL, "/archives/CSHARED/p1790000100000200") || it.ReceivedAt.Unix() != 1790000100 {
		t.Fatalf("captured voice = %+v, %v", it, err)
	}
	fake.mu.Lock()
	if len(fake.replies) != 2 || fake.replies[0]["text"] != "Saved to Koe as a voice." || fake.replies[1]["text"] != "This message is in Koe already." {
		t.Fatalf("replies = %v", fake.replies)
	}
	fake.mu.Unlock()

	// Link it to a request so /koe has something to show.
	ids, err := db.RequestIDsByTitle(ctx, []string{"Invoice PDF download"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.LinkFeedback(ctx, 1, ids["Invoice PDF download"], store.Triager{UserID: u.ID, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	command := func(user, text string) string {
		t.Helper()
		form := url.Values{"command": {"/koe"}, "text": {text}, "user_id": {user}, "response_url": {respond}, "team_id": {"T1"}}
		r, body := signedForm(t, cmds.URL, form.Encode(), time.Now(), secret)
		if r.StatusCode != 200 || !strings.Contains(body, `"response_type":"ephemeral"`) {
			t.Fatalf("/koe %s: %d %s", text, r.StatusCode, body)
		}
		return body
	}
	id := ids["Invoice PDF download"]
	for text, want := range map[string]string{
		"top":                         fmt.Sprintf("1. #%d Invoice PDF download — ¥", id),
		fmt.Sprintf("request %d", id): fmt.Sprintf("#%d Invoice PDF download · Status: Under review · ¥", id),
		"search invoice PDF":          fmt.Sprintf("#%d Invoice PDF download (", id),
		"dance":                       "Usage: /koe top",
	} {
		if got := command("UCS", text); !strings.Contains(got, want) {
			t.Errorf("/koe %s = %s, want %q", text, got, want)
		}
	}
	if got := command("UOUT", "top"); !strings.Contains(got, "nobody@else.example is not a Koe user") {
		t.Errorf("/koe top by a stranger = %s", got)
	}
	// A Koe user who reads Koe in Japanese is answered in Japanese, whatever the bot's language.
	if _, err := db.SaveUser(ctx, feedback.User{Email: "taro@koe.example", Role: feedback.RoleViewer, Locale: "ja"}); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		fmt.Sprintf("request %d", id): fmt.Sprintf(`^#%d Invoice PDF download · ステータス: 検討中 · ¥[0-9,]+ 年間の影響額 · 1 社（1位）$`, id),
		"search nothing like it":      `^「nothing like it」に近いリクエストはありません。$`,
		"dance":                       `^使い方: /koe top · /koe search 言葉 · /koe request 番号$`,
	} {
		var answer struct{ Text string }
		if err := json.Unmarshal([]byte(command("UJA", text)), &answer); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(want).MatchString(answer.Text) {
			t.Errorf("/koe %s in ja = %q, want %s", text, answer.Text, want)
		}
	}
	if r, _ := signedForm(t, cmds.URL, "command=/koe&text=top&user_id=UCS", time.Now(), "forged"); r.StatusCode != 401 {
		t.Errorf("forged command: %d", r.StatusCode)
	}

	// The same command over Socket Mode: acked, answered through the response_url.
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go (&slackbot.Socket{Interactions: h, AppToken: "xapp-test"}).Run(runCtx)
	fake.envelopes <- map[string]any{"envelope_id": "s1", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"command": "/koe", "text": "top", "user_id": "UCS", "response_url": respond}}
	eventually(t, "the socket command's answer", func() bool {
		fake.mu.Lock()
		defer fake.mu.Unlock()
		return len(fake.replies) == 3 && strings.Contains(fmt.Sprint(fake.replies[2]["text"]), "Invoice PDF download")
	})
}
