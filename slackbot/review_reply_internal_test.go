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

// TestDigestCountsTheReviewQueue: the digest's subject counts the reviews waiting for an answer
// when it is queued, and the message says so in the channel's language.
func TestDigestCountsTheReviewQueue(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	now := time.Now()
	three := 3.0
	if _, _, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: []feedback.Item{
		{SourceKind: feedback.SourceReview, SourceName: "play", SourceID: "1", ReceivedAt: now.Add(-9*24*time.Hour - time.Minute), Body: "遅い", Rating: &three},
		{SourceKind: feedback.SourceReview, SourceName: "play", SourceID: "2", ReceivedAt: now.Add(-time.Hour), Body: "Nice"},
		{SourceKind: feedback.SourceChat, SourceName: "widget", SourceID: "3", ReceivedAt: now.Add(-20 * 24 * time.Hour), Body: "not a review"},
	}}); err != nil {
		t.Fatal(err)
	}
	rv, err := reviewsWaiting(ctx, db, now)
	if err != nil {
		t.Fatal(err)
	}
	if rv["open"] != 2 || rv["late"] != 1 || rv["oldest_days"] != 9 {
		t.Fatalf("reviews in the digest = %v, want 2 open, 1 late, the oldest 9 days", rv)
	}
	// As it comes back from the outbox (JSON numbers).
	subject := map[string]any{"reviews": map[string]any{"open": float64(2), "late": float64(1), "oldest_days": float64(9)}}
	for _, tc := range []struct{ lang, want string }{
		{"ja", "*レビュー:* 未返信 2 件、最も古いものは 9 日前（1週間以上経過 1 件）。 · <https://koe.example/app/reviews?state=open|レビュー返信を開く>"},
		{"en", "*Reviews:* 2 wait for an answer; the oldest arrived 9 days ago (1 older than a week). · <https://koe.example/app/reviews?state=open|Open the review queue>"},
	} {
		c := Config{Language: tc.lang, BaseURL: "https://koe.example"}.Defaults()
		m, err := c.render(ctx, nil, &store.OutboxRow{Kind: KindDigest, Subject: subject})
		if err != nil {
			t.Fatal(err)
		}
		if got := sectionTexts(m); !strings.HasSuffix(got, tc.want) {
			t.Errorf("%s digest ends\n%s\nwant\n%s", tc.lang, got, tc.want)
		}
	}
	c := Config{Language: "ja"}.Defaults()
	m, _ := c.render(ctx, nil, &store.OutboxRow{Kind: KindDigest, Subject: map[string]any{"reviews": map[string]any{"open": float64(0)}}})
	if got := sectionTexts(m); !strings.HasSuffix(got, "すべてのレビューに返信済みです。") {
		t.Errorf("an empty queue: %s", got)
	}
}
