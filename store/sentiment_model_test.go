package store_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
)

func rated(id int64, stars float64, body string) feedback.Item {
	it := feedback.Item{ID: id, SourceKind: feedback.SourceReview, SourceName: "app-store", SourceID: fmt.Sprint(id),
		ReceivedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Body: body, Status: feedback.StatusNew}
	if stars >= 0 {
		it.Rating = &stars
	}
	return it
}

// countWords is a learner for the tests: one feature per review, its id the review's id.
func countWords(seen *[]int64) func([]store.RatedText) store.SentimentModel {
	return func(batch []store.RatedText) store.SentimentModel {
		d := store.SentimentModel{Counts: map[uint32][2]int64{}}
		for _, r := range batch {
			*seen = append(*seen, r.ID)
			c := 0
			if r.Positive {
				c = 1
			}
			d.Docs[c]++
			d.Tokens[c]++
			n := d.Counts[uint32(r.ID%2)]
			n[c]++
			d.Counts[uint32(r.ID%2)] = n
		}
		return d
	}
}

// TestSentimentModelRoundTrip: what LearnSentiment adds is what SentimentModelCounts returns; a
// second run learns only the reviews stored since, adding to the counts; 3 stars and voices
// without a rating are never learned; a reset forgets it all.
func TestSentimentModelRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if err := db.ImportDataset(ctx, feedback.Dataset{Items: []feedback.Item{
		rated(1, 5, "great"), rated(2, 1, "awful"), rated(3, 3, "meh"), rated(4, -1, "a chat"), rated(5, 4, "good")}}); err != nil {
		t.Fatal(err)
	}
	var seen []int64
	before, after, n, err := db.LearnSentiment(ctx, countWords(&seen))
	if err != nil {
		t.Fatal(err)
	}
	if before != 0 || after != 1 || n != 3 || !reflect.DeepEqual(seen, []int64{1, 2, 5}) {
		t.Fatalf("learned %d (%v), version %d→%d; want 3 (1, 2, 5), 0→1", n, seen, before, after)
	}
	m, err := db.SentimentModelCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := store.SentimentModel{Version: 1, Docs: [2]int64{1, 2}, Tokens: [2]int64{1, 2},
		Counts: map[uint32][2]int64{1: {0, 2}, 0: {1, 0}}}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("stored %+v, want %+v", m, want)
	}

	if err := db.ImportDataset(ctx, feedback.Dataset{Items: []feedback.Item{rated(6, 2, "slow"), rated(7, 5, "love it")}}); err != nil {
		t.Fatal(err)
	}
	seen = nil
	if _, after, n, err = db.LearnSentiment(ctx, countWords(&seen)); err != nil || n != 2 || after != 2 {
		t.Fatalf("second run learned %d (%v), version %d, %v; want 2 (6, 7), 2", n, seen, after, err)
	}
	m, _ = db.SentimentModelCounts(ctx)
	if got, want := m.Counts, map[uint32][2]int64{1: {0, 3}, 0: {2, 0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("counts after the second run %v, want %v", got, want)
	}
	if _, after, n, _ = db.LearnSentiment(ctx, countWords(&seen)); n != 0 || after != 2 {
		t.Errorf("a run with nothing new learned %d, version %d; want 0, 2", n, after)
	}
	if v, err := db.SentimentVersion(ctx); err != nil || v != 2 {
		t.Errorf("version %d %v, want 2", v, err)
	}

	if err := db.ResetSentimentModel(ctx); err != nil {
		t.Fatal(err)
	}
	m, _ = db.SentimentModelCounts(ctx)
	if m.Version != 3 || m.Docs != [2]int64{} || len(m.Counts) != 0 {
		t.Errorf("after a reset %+v, want version 3 and nothing learned", m)
	}
}

// TestRescoreSentiment: voices without a rating are scored once (up to a voice when asked), then
// only the new ones, or all of them again on request; rated reviews keep their own; after a
// reset, none until new ones.
func TestRescoreSentiment(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if err := db.ImportDataset(ctx, feedback.Dataset{Items: []feedback.Item{rated(1, 5, "great"), rated(2, -1, "chat one"), rated(3, -1, "chat two")}}); err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		scored []int64 // in order of id: score runs on several goroutines
	)
	score := func(v store.UnratedVoice) float64 {
		mu.Lock()
		defer mu.Unlock()
		i, _ := slices.BinarySearch(scored, v.ID)
		scored = slices.Insert(scored, i, v.ID)
		return -0.5
	}
	// Up to voice 2 only: voice 3 waits for the next rescoring.
	if n, err := db.RescoreSentiment(ctx, false, 2, score); err != nil || n != 1 || !reflect.DeepEqual(scored, []int64{2}) {
		t.Fatalf("up to 2: changed %d, scored %v, %v; want 1, [2]", n, scored, err)
	}
	scored = nil
	if n, err := db.RescoreSentiment(ctx, false, math.MaxInt64, score); err != nil || n != 1 || !reflect.DeepEqual(scored, []int64{3}) {
		t.Fatalf("first: changed %d, scored %v, %v; want 1, [3]", n, scored, err)
	}
	if err := db.ImportDataset(ctx, feedback.Dataset{Items: []feedback.Item{rated(4, -1, "chat three")}}); err != nil {
		t.Fatal(err)
	}
	scored = nil
	if n, err := db.RescoreSentiment(ctx, false, math.MaxInt64, score); err != nil || n != 1 || !reflect.DeepEqual(scored, []int64{4}) {
		t.Fatalf("second: changed %d, scored %v, %v; want 1, [4]", n, scored, err)
	}
	scored = nil
	if n, err := db.RescoreSentiment(ctx, true, math.MaxInt64, score); err != nil || n != 0 || len(scored) != 3 {
		t.Fatalf("all: changed %d, scored %v, %v; want 0 changed of 3", n, scored, err)
	}
	it, err := db.FeedbackByID(ctx, 3)
	if err != nil || it.Sentiment == nil || *it.Sentiment != -0.5 {
		t.Fatalf("voice 3: %v %v, want sentiment -0.5", it.Sentiment, err)
	}
	if it, _ := db.FeedbackByID(ctx, 1); it.Sentiment != nil {
		t.Errorf("the rated review was scored: %v", *it.Sentiment)
	}
	// A reset takes the voices stored then as scored: they keep the sentiment they came with.
	if err := db.ResetSentimentModel(ctx); err != nil {
		t.Fatal(err)
	}
	scored = nil
	if _, err := db.RescoreSentiment(ctx, false, math.MaxInt64, score); err != nil || len(scored) != 0 {
		t.Fatalf("after a reset: scored %v %v, want none", scored, err)
	}
}

// TestSentimentModelFollowsReplacedVoices: when the voices are replaced (ReplaceAll, whose ids
// start again) the model forgets what it learned from the old ones by itself, even when the new
// voices reach past the old ids; the same voices stored again are not learned twice.
func TestSentimentModelFollowsReplacedVoices(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	old := []feedback.Item{rated(1, 5, "great"), rated(2, 1, "awful"), rated(3, 5, "good")}
	if err := db.ImportDataset(ctx, feedback.Dataset{Items: old}); err != nil {
		t.Fatal(err)
	}
	var seen []int64
	if _, _, n, err := db.LearnSentiment(ctx, countWords(&seen)); err != nil || n != 3 {
		t.Fatalf("learned %d %v, want 3", n, err)
	}
	if err := db.ReplaceAll(ctx, feedback.Dataset{Items: old}); err != nil {
		t.Fatal(err)
	}
	if _, _, n, err := db.LearnSentiment(ctx, countWords(&seen)); err != nil || n != 0 {
		t.Fatalf("the same voices again: learned %d %v, want 0", n, err)
	}
	replaced := []feedback.Item{rated(1, 1, "slow"), rated(2, 1, "broken"), rated(3, 2, "meh"), rated(4, 5, "fine")}
	for i := range replaced {
		replaced[i].SourceName = "google-play"
	}
	if err := db.ReplaceAll(ctx, feedback.Dataset{Items: replaced}); err != nil {
		t.Fatal(err)
	}
	before, after, n, err := db.LearnSentiment(ctx, countWords(&seen))
	if err != nil || n != 4 || after <= before {
		t.Fatalf("after new voices: learned %d, version %d→%d, %v; want 4 and a new version", n, before, after, err)
	}
	m, _ := db.SentimentModelCounts(ctx)
	if got, want := m.Docs, [2]int64{3, 1}; got != want {
		t.Errorf("the model holds %v examples, want only the new voices' %v", got, want)
	}
}

// BenchmarkSentimentModelLoad is the time a replica takes to load a stored model of 200,000
// features (a few thousand reviews' worth of character n-grams) when its version moved.
func BenchmarkSentimentModelLoad(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	if err := db.ImportDataset(ctx, feedback.Dataset{Items: []feedback.Item{rated(1, 5, "great")}}); err != nil {
		b.Fatal(err)
	}
	if _, _, _, err := db.LearnSentiment(ctx, func([]store.RatedText) store.SentimentModel {
		d := store.SentimentModel{Docs: [2]int64{1, 1}, Counts: map[uint32][2]int64{}}
		for f := range uint32(200_000) {
			d.Counts[f*5] = [2]int64{int64(f % 3), int64(f % 7)}
		}
		return d
	}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		m, err := db.SentimentModelCounts(ctx)
		if err != nil || len(m.Counts) != 200_000 {
			b.Fatalf("%d features %v", len(m.Counts), err)
		}
	}
}
