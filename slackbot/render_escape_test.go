package slackbot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
)

// TestCustomerWordsNeverBecomeSlackMarkup: a voice's words reach Slack's fallback text (what
// notifications show) as words, not as @channel, a mention or a link, and a voice URL holding
// | or > cannot end its link and rewrite the label.
func TestCustomerWordsNeverBecomeSlackMarkup(t *testing.T) {
	db := storetest.Open(t)
	const body = "<!channel> <@U123> <http://evil.example|click> & more"
	if err := db.ImportDataset(context.Background(), feedback.Dataset{Items: []feedback.Item{{ID: 1, SourceKind: feedback.SourceChat,
		SourceName: "t", SourceID: "1", ReceivedAt: time.Now(), Body: body, URL: "https://help.example/a|evil>b<c",
		Status: feedback.StatusNew}}}); err != nil {
		t.Fatal(err)
	}
	c := Config{Language: "en", BaseURL: "https://koe.example"}.Defaults()
	m, err := c.render(context.Background(), db, &store.OutboxRow{Kind: KindVoice, Subject: map[string]any{"feedback_id": float64(1)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"<!channel>", "<@U123>", "<http://evil.example|click>"} {
		if strings.Contains(m.text, raw) {
			t.Errorf("text %q carries %s raw", m.text, raw)
		}
	}
	if want := "&lt;!channel&gt; &lt;@U123&gt; &lt;http://evil.example|click&gt; &amp; more"; !strings.Contains(m.text, want) {
		t.Errorf("text %q, want it to hold %q", m.text, want)
	}
	blocks := sectionTexts(m)
	if want := "<https://help.example/a%7Cevil%3Eb%3Cc|Source>"; !strings.Contains(blocks, want) {
		t.Errorf("blocks\n%s\nwant the link %s", blocks, want)
	}
}

func TestSlackLinkURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://a.example/x?y=1&z=2", "https://a.example/x?y=1&amp;z=2"},
		{"https://a.example/a|b", "https://a.example/a%7Cb"},
		{"https://a.example/a>b<c", "https://a.example/a%3Eb%3Cc"},
	} {
		if got := linkURL(tc.in); got != tc.want {
			t.Errorf("linkURL(%q)=%q, want %q", tc.in, got, tc.want)
		}
	}
}
