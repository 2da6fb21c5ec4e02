package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
)

// seedReviewQueue stores 20,000 reviews over a year among 30,000 other voices, a third of the
// reviews answered: the size of a busy app's queue, for the queries every staff page (the
// navigation's count) and the queue run.
func seedReviewQueue(b *testing.B) *store.DB {
	b.Helper()
	db := storetest.Open(b)
	ctx := context.Background()
	now := time.Now()
	var ids []int64
	for batch := range 50 {
		items := make([]feedback.Item, 1000)
		for i := range items {
			n := batch*1000 + i
			r := float64(n%5 + 1)
			it := feedback.Item{SourceKind: feedback.SourceChat, SourceName: "widget", SourceID: fmt.Sprint(n),
				ReceivedAt: now.Add(-time.Duration(n%8760) * time.Hour), Body: "同期が遅いので改善してほしい", Language: "ja"}
			if n%5 < 2 {
				it.SourceKind, it.SourceName, it.Rating = feedback.SourceReview, []string{"play", "appstore", "g2"}[n%3], &r
			}
			items[i] = it
		}
		_, added, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: items})
		if err != nil {
			b.Fatal(err)
		}
		for _, it := range added {
			if it.SourceKind == feedback.SourceReview {
				ids = append(ids, it.ID)
			}
		}
	}
	for i, id := range ids {
		if i%3 == 0 {
			if err := db.MarkReplied(ctx, id, "ありがとうございます", "cs@koe.example"); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := db.Vacuum(ctx); err != nil {
		b.Fatal(err)
	}
	return db
}

func BenchmarkReviewQueue(b *testing.B) {
	db := seedReviewQueue(b)
	ctx := context.Background()
	b.Run("navigation count", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.UnansweredReviews(ctx, time.Now().Add(-7*24*time.Hour)); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, f := range []struct {
		name string
		f    store.ReviewFilter
	}{
		{"queue, all", store.ReviewFilter{Limit: 200}},
		{"queue, open", store.ReviewFilter{State: "open", Limit: 200}},
		{"queue, open older than a month, 1 star", store.ReviewFilter{State: "open", Rating: 1, OlderThan: 30 * 24 * time.Hour, Limit: 200}},
	} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.Reviews(ctx, f.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
