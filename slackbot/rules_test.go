package slackbot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/config"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/slackbot"
)

func TestMessagesRules(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	rating := func(r float64) *float64 { return &r }
	items := []feedback.Item{
		{ID: 1, SourceKind: feedback.SourceChat, ReceivedAt: now},
		{ID: 2, SourceKind: feedback.SourceEmail, ReceivedAt: now},
		{ID: 3, SourceKind: feedback.SourceReview, ReceivedAt: now, Rating: rating(3)},
		{ID: 4, SourceKind: feedback.SourceReview, ReceivedAt: now, Rating: rating(3), Sentiment: rating(-0.8)},
		{ID: 5, SourceKind: feedback.SourceReview, ReceivedAt: now, Rating: rating(5)},
		{ID: 6, SourceKind: feedback.SourceChat, ReceivedAt: now.Add(-100 * time.Hour)}, // history
		{ID: 7, SourceKind: feedback.SourceSlack, ReceivedAt: now},                      // came from Slack
	}
	keys := func(c slackbot.Config) string {
		c.Now = func() time.Time { return now }
		var out []string
		for _, m := range c.Messages(items) {
			out = append(out, m.DedupeKey)
		}
		return strings.Join(out, " ")
	}
	if got := keys(conf(slackbot.Config{})); got != "voice:1 review:4 review:5" {
		t.Errorf("defaults: %s", got)
	}
	if got := keys(conf(slackbot.Config{EmailVoices: true, HighRating: 3})); got != "voice:1 voice:2 review:3 review:4 review:5" {
		t.Errorf("email voices, 3 stars notable: %s", got)
	}
	if got := keys(conf(slackbot.Config{MaxAge: 200 * time.Hour})); got != "voice:1 voice:6 review:4 review:5" {
		t.Errorf("a longer max age: %s", got)
	}
}

// TestMeantZerosStay: the configuration comes from Koe's, whose declared defaults applied once,
// so a review threshold of 0 stars and a digest on Sunday at 0:00 stay as set (KOE_SLACK_REVIEW_LOW=0
// once became 2 here).
func TestMeantZerosStay(t *testing.T) {
	k, err := config.Load(func(name string) string {
		return map[string]string{"KOE_SLACK_REVIEW_LOW": "0", "KOE_SLACK_DIGEST_AT": "Sun 00:00"}[name]
	})
	if err != nil {
		t.Fatal(err)
	}
	c := slackbot.NewConfig(k).Defaults()
	if c.LowRating != 0 || c.DigestDay != time.Sunday || c.DigestHour != 0 || c.Now == nil || c.Location.String() != "Asia/Tokyo" {
		t.Fatalf("meant zeros changed: %+v", c)
	}
	if c.HighRating != 5 || c.Burst != 20 || c.MaxAge != 72*time.Hour || c.Language != "ja" {
		t.Fatalf("declared defaults not carried: %+v", c)
	}
}
