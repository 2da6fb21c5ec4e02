package intake_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/internal/storetest"
)

// BenchmarkRelearnSentiment is the time to learn from 10,000 rated reviews and score 20,000
// voices without a rating (the sentences of the Japanese set, stored again and again), from an
// empty model: the worst an intake meets, a first import.
func BenchmarkRelearnSentiment(b *testing.B) {
	ctx := context.Background()
	f, err := os.Open("../ingest/textproc/testdata/ja_sentiment.tsv")
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	var stars []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text, lab, _ := strings.Cut(sc.Text(), "\t")
		texts, stars = append(texts, text), append(stars, map[string]float64{"0": 1, "1": 5}[lab])
	}
	f.Close()
	db := storetest.Open(b)
	var items []feedback.Item
	for i := range 30_000 {
		it := feedback.Item{ID: int64(i + 1), SourceKind: feedback.SourceChat, SourceName: "widget", SourceID: fmt.Sprint(i),
			ReceivedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Body: texts[i%len(texts)], Status: feedback.StatusNew}
		if i%3 == 0 {
			it.SourceKind, it.SourceName, it.Rating = feedback.SourceReview, "app-store", &stars[i%len(stars)]
		}
		items = append(items, it)
	}
	if err := db.ImportDataset(ctx, feedback.Dataset{Items: items}); err != nil {
		b.Fatal(err)
	}
	in := &intake.Service{DB: db}
	for b.Loop() {
		learned, _, err := in.RelearnSentiment(ctx)
		if err != nil || learned != 10_000 {
			b.Fatalf("learned %d %v", learned, err)
		}
	}
}
