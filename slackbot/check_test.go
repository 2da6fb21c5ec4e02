package slackbot_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/koehq/koe/slackbot"
)

func TestCheckSaysWhatIsMissing(t *testing.T) {
	fake := newFakeSlack()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	check := func(c slackbot.Config) string {
		c.APIURL = srv.URL + "/api/"
		var b strings.Builder
		for _, f := range slackbot.Check(context.Background(), c) {
			mark := "ok  "
			if !f.OK {
				mark = "FAIL"
			}
			b.WriteString(mark + " " + f.What + "\n")
		}
		return b.String()
	}
	cases := []struct {
		name string
		cfg  slackbot.Config
		want []string
	}{
		{"no token", slackbot.Config{}, []string{"FAIL SLACK_BOT_TOKEN is not set"}},
		{"wrong token", slackbot.Config{BotToken: "xoxb-wrong"}, []string{"FAIL SLACK_BOT_TOKEN is refused (invalid_auth)"}},
		{"all good", slackbot.Config{BotToken: "xoxb-test", VoiceChannel: "CVOICE", ReviewChannel: "CREVIEW"},
			[]string{"ok   token works: bot koe", "ok   scopes:", "ok   KOE_SLACK_VOICE_CHANNEL: #voices", "ok   KOE_SLACK_REVIEW_CHANNEL: #voices",
				"FAIL KOE_SLACK_REQUEST_CHANNEL is not set: notable requests", "FAIL KOE_SLACK_DIGEST_CHANNEL is not set: the weekly digest"}},
		{"channels", slackbot.Config{BotToken: "xoxb-test", VoiceChannel: "COUTSIDE", ReviewChannel: "#reviews"},
			[]string{"FAIL KOE_SLACK_VOICE_CHANNEL=COUTSIDE (#voices): the bot is not a member — invite it with /invite @koe",
				"FAIL KOE_SLACK_REVIEW_CHANNEL=#reviews: channel_not_found — use the channel's id"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := check(tc.cfg)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("check output lacks %q:\n%s", w, got)
				}
			}
		})
	}
	fake.mu.Lock()
	fake.scopes = "chat:write"
	fake.mu.Unlock()
	if got := check(slackbot.Config{BotToken: "xoxb-test"}); !strings.Contains(got, "FAIL the token lacks the scopes channels:history, groups:history, channels:read, users:read, users:read.email, commands") ||
		!strings.Contains(got, "FAIL KOE_SLACK_VOICE_CHANNEL is not set") {
		t.Errorf("missing scopes not reported:\n%s", got)
	}
}
