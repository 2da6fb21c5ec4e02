package reviews_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest/sources"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/reviews"
	"github.com/koehq/koe/store"
)

// BenchmarkReadRaw measures what the queue page adds to every load: reading the raw records of
// its 200 reviews. "fresh": records never read (each is parsed and recorded); "unchanged": all
// read already, the common case (one query that finds nothing).
func BenchmarkReadRaw(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	if _, err := db.AddSource(ctx, "googleplay", "google_play", sources.Settings{Kind: "googleplay", Name: "google_play", Package: "jp.koe.demo"}, time.Hour); err != nil {
		b.Fatal(err)
	}
	const n = 5000
	items := make([]feedback.Item, n)
	two := 2.0
	for i := range items {
		raw := fmt.Sprintf(`{"reviewId":"gp:%d","authorName":"A","comments":[{"userComment":{"text":"\t遅い","lastModified":{"seconds":"1761000000"},"starRating":2}}`, i)
		if i%10 == 0 {
			raw += `,{"developerComment":{"text":"ありがとうございます","lastModified":{"seconds":"1761000600"}}}`
		}
		items[i] = feedback.Item{SourceKind: feedback.SourceReview, SourceName: "google_play", SourceID: fmt.Sprintf("gp:%d", i),
			ReceivedAt: time.Now().Add(-time.Duration(i) * time.Minute), Body: "遅い", Language: "ja", Rating: &two, Raw: []byte(raw + `]}`)}
	}
	if _, _, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: items}); err != nil {
		b.Fatal(err)
	}
	page, err := db.Reviews(ctx, store.ReviewFilter{Limit: 200})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, len(page))
	for i, rv := range page {
		ids[i] = rv.ID
	}
	// The page's reviews: the newest 200 stored (the lowest i).
	pageItems := items[:len(ids)]
	v := 0 // the benchmark function may be run more than once: every rewrite must differ
	b.Run("fresh", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer() // a re-ingest rewrites the page's records (the answered ones stay answered)
			v++
			for i := range pageItems {
				// A record is rewritten when its words change (store's replaceWords).
				pageItems[i].Context = fmt.Sprintf("run %d", v)
			}
			if _, _, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: pageItems}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if read, _, err := reviews.ReadRaw(ctx, db, nil, ids, len(ids)); err != nil || read < len(ids)*8/10 {
				b.Fatalf("read %d: %v", read, err)
			}
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		for b.Loop() {
			if read, _, err := reviews.ReadRaw(ctx, db, nil, ids, len(ids)); err != nil || read != 0 {
				b.Fatalf("read %d: %v", read, err)
			}
		}
	})
}
