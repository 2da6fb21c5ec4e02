// Package slackbot tells the company about the voices that matter through Slack. Rules turn new
// voices into outbox messages in the transaction that stores them; a worker posts each exactly
// once (github.com/slack-go/slack), rendering it from the current data when it posts.
// *slack.Client never leaves this package.
package slackbot

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/koehq/koe/config"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// Config is the bot's configuration.
type Config struct {
	BotToken string
	// APIURL points the client at another Slack API (tests, proxies); Slack's when empty.
	APIURL string
	// Channels are channel ids (C…): where each kind of message goes. A message whose channel is
	// not set fails, saying which variable to set.
	VoiceChannel, ReviewChannel, RequestChannel, DigestChannel string
	// Language of the messages: ja or en.
	Language string
	// ShowMRR shows exact MRR rather than its band.
	ShowMRR bool
	// EmailVoices posts email voices to the voice channel too.
	EmailVoices bool
	// A review is notable at or below LowRating, at or above HighRating, or with sentiment this
	// strong either way.
	LowRating, HighRating, StrongSentiment float64
	// RequestThreshold is the revenue at stake per year at which a request is posted; ChurnMRR the
	// MRR from which a churn-risk voice is.
	RequestThreshold, ChurnMRR float64
	// The weekly digest is due on DigestDay at DigestHour in Location.
	DigestDay  time.Weekday
	DigestHour int
	Location   *time.Location
	// Burst is how many notable reviews at once become one summary with the reviews in its thread.
	Burst int
	// MaxAge: voices received longer ago than this are history being imported, not news, and are
	// not posted (a first Intercom sync would otherwise queue years of chats).
	MaxAge time.Duration
	// BaseURL is Koe's own address, for links.
	BaseURL string
	// Currency is the base currency (KOE_CURRENCY) of every amount and band; JPY when empty.
	Currency string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// NewConfig is the bot's configuration from Koe's: every setting as declared there, its
// defaults applied once, so a zero here is meant (KOE_SLACK_REVIEW_LOW=0, a digest on Sunday at
// 0:00) and nothing in this package replaces it.
func NewConfig(c config.Config) Config {
	s := c.Slack
	return Config{BotToken: s.BotToken, APIURL: s.APIURL, VoiceChannel: s.VoiceChannel, ReviewChannel: s.ReviewChannel,
		RequestChannel: s.RequestChannel, DigestChannel: s.DigestChannel, Language: s.Language, ShowMRR: s.ShowMRR,
		EmailVoices: s.EmailVoices, LowRating: s.LowRating, HighRating: s.HighRating, RequestThreshold: s.RequestThreshold,
		ChurnMRR: s.ChurnMRR, DigestDay: s.DigestDay, DigestHour: s.DigestHour, Location: s.Location, Burst: s.Burst,
		MaxAge: s.MaxAge, BaseURL: c.BaseURL, Currency: c.Currency}
}

// Defaults fills only what Koe's configuration does not carry: the clock, how strong a review's
// sentiment must be to be notable, and a zone (UTC) when none is given.
func (c Config) Defaults() Config {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.StrongSentiment == 0 {
		c.StrongSentiment = 0.6
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.Currency == "" {
		c.Currency = "JPY"
	}
	return c
}

// Message kinds.
const (
	KindVoice         = "voice"
	KindReview        = "review"
	KindReviewSummary = "review_summary"
)

// Messages are the outbox messages for voices just added: every chat voice (and email voice if
// configured) for the voice channel; notable reviews for the review channel, a burst of them as a
// summary with the reviews as its thread; voices older than MaxAge are left out. They are queued whether or not Slack is configured (the
// outbox waits); the channel is the one configured for their kind when they are posted.
func (c Config) Messages(added []feedback.Item) []store.OutboxMessage {
	c = c.Defaults()
	since := c.Now().Add(-c.MaxAge)
	var out, reviews []store.OutboxMessage
	for _, it := range added {
		switch {
		case it.ReceivedAt.Before(since):
		case it.SourceKind == feedback.SourceChat || it.SourceKind == feedback.SourceEmail && c.EmailVoices:
			out = append(out, store.OutboxMessage{DedupeKey: fmt.Sprintf("voice:%d", it.ID), Kind: KindVoice,
				Subject: map[string]any{"feedback_id": it.ID}})
		case it.SourceKind == feedback.SourceReview && c.notable(it):
			reviews = append(reviews, store.OutboxMessage{DedupeKey: fmt.Sprintf("review:%d", it.ID), Kind: KindReview,
				Subject: map[string]any{"feedback_id": it.ID}})
		}
	}
	if len(reviews) > c.Burst {
		key := fmt.Sprintf("reviews:%d-%d", reviews[0].Subject["feedback_id"], reviews[len(reviews)-1].Subject["feedback_id"])
		out = append(out, store.OutboxMessage{DedupeKey: key, Kind: KindReviewSummary,
			Subject: map[string]any{"count": len(reviews), "feedback_ids": reviewIDs(reviews)}})
		for i := range reviews {
			reviews[i].ParentKey = key
		}
	}
	return append(out, reviews...)
}

func reviewIDs(msgs []store.OutboxMessage) []any {
	out := make([]any, len(msgs))
	for i, m := range msgs {
		out[i] = m.Subject["feedback_id"]
	}
	return out
}

// client is the Slack client every part of the bot uses: hc (a 30-second one when nil), the
// configured API URL, the bot token; extra adds options (the app-level token).
func (c Config) client(hc *http.Client, extra ...slack.Option) *slack.Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	opts := append([]slack.Option{slack.OptionHTTPClient(hc)}, extra...)
	if c.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(strings.TrimRight(c.APIURL, "/")+"/"))
	}
	return slack.New(c.BotToken, opts...)
}

// channel is where messages of a kind go, and the variable that sets it.
func (c Config) channel(kind string) (id, variable string) {
	switch kind {
	case KindVoice:
		return c.VoiceChannel, "KOE_SLACK_VOICE_CHANNEL"
	case KindRequest, KindRequestUpdate, KindChurn, KindShipped:
		return c.RequestChannel, "KOE_SLACK_REQUEST_CHANNEL"
	case KindDigest:
		return c.DigestChannel, "KOE_SLACK_DIGEST_CHANNEL"
	}
	return c.ReviewChannel, "KOE_SLACK_REVIEW_CHANNEL"
}

func (c Config) notable(it feedback.Item) bool {
	if it.Rating != nil && (*it.Rating <= c.LowRating || *it.Rating >= c.HighRating) {
		return true
	}
	return it.Sentiment != nil && math.Abs(*it.Sentiment) >= c.StrongSentiment
}
