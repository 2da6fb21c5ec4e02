package intake_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/textproc"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
)

// source is a source of a kind's voices, ids from first on.
type source struct {
	kind  feedback.SourceKind
	first int
	texts []string
	stars []float64 // by text; none for a chat
}

func (s source) Kind() feedback.SourceKind { return s.kind }
func (s source) Name() string              { return string(s.kind) + "s" }
func (s source) Pull(_ context.Context, _ string, emit func(ingest.Batch) error) error {
	var b ingest.Batch
	for i, text := range s.texts {
		it := feedback.Item{SourceKind: s.kind, SourceName: s.Name(), SourceID: fmt.Sprint(s.first + i),
			ReceivedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Body: text}
		if s.stars != nil {
			it.Rating = &s.stars[i]
		}
		b.Records = append(b.Records, ingest.Record{Item: it})
	}
	return emit(b)
}

// reviews are n rated reviews, half 5 stars and half 1, in words the lexicon does not know.
func reviews(first, n int) source {
	good := []string{"ガントチャートがぬるぬる動く", "ガントチャートがぬるぬるで最高", "チャートがぬるぬる"}
	bad := []string{"ガントチャートが崩れる", "チャートの線が崩れる", "また崩れる"}
	s := source{kind: feedback.SourceReview, first: first}
	for i := range n {
		if i%2 == 0 {
			s.texts, s.stars = append(s.texts, good[i%3]), append(s.stars, 5)
		} else {
			s.texts, s.stars = append(s.texts, bad[i%3]), append(s.stars, 1)
		}
	}
	return s
}

func chats(first int, texts ...string) source {
	return source{kind: feedback.SourceChat, first: first, texts: texts}
}

func sentimentOf(t *testing.T, db *store.DB, kind feedback.SourceKind, sourceID string) float64 {
	t.Helper()
	items, err := db.FeedbackItems(context.Background(), 10000)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.SourceKind == kind && it.SourceID == sourceID {
			if it.Sentiment == nil {
				t.Fatalf("%s %s has no sentiment", kind, sourceID)
			}
			return *it.Sentiment
		}
	}
	t.Fatalf("no %s %s", kind, sourceID)
	return 0
}

// TestSentimentLearnedFromRatedReviews: a chat the rules read as neutral is scored by the model
// once rated reviews in the customer's words are stored — reaching back to the chat stored before
// them; the model learns each review once, incrementally; and a replica holding an older model
// loads the stored one when its version moved.
func TestSentimentLearnedFromRatedReviews(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	a, b := &intake.Service{DB: db}, &intake.Service{DB: db} // two replicas
	const chat = "今朝もガントチャートが崩れる"
	if _, rule := textproc.Sentiment(chat); rule != textproc.Neutral {
		t.Fatalf("the rules read %q as %s: the test needs words they do not know", chat, rule)
	}
	if _, err := b.Ingest(ctx, chats(1, chat), intake.Run{SourceType: "test"}); err != nil {
		t.Fatal(err)
	}
	if got := sentimentOf(t, db, feedback.SourceChat, "1"); got != 0 {
		t.Fatalf("with no rated reviews the chat scored %v, want the rules' 0", got)
	}

	// Too few reviews: the rules still answer.
	if _, err := a.Ingest(ctx, reviews(1, textproc.ModelMinExamples-10), intake.Run{SourceType: "test"}); err != nil {
		t.Fatal(err)
	}
	if got := sentimentOf(t, db, feedback.SourceChat, "1"); got != 0 {
		t.Fatalf("with %d reviews the chat scored %v, want the rules' 0", textproc.ModelMinExamples-10, got)
	}
	// Enough: the chat stored before them is scored by the model.
	if _, err := a.Ingest(ctx, reviews(1000, 20), intake.Run{SourceType: "test"}); err != nil {
		t.Fatal(err)
	}
	if got := sentimentOf(t, db, feedback.SourceChat, "1"); got >= -0.05 {
		t.Fatalf("after %d rated reviews the chat scored %v, want negative", textproc.ModelMinExamples+10, got)
	}
	m, err := db.SentimentModelCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Docs[0]+m.Docs[1], int64(textproc.ModelMinExamples+10); got != want || m.Version != 2 {
		t.Fatalf("the model learned %d reviews, version %d; want %d, version 2 (one per intake)", got, m.Version, want)
	}
	if learned, _, err := a.LearnSentiment(ctx, false); err != nil || learned != 0 {
		t.Fatalf("learning again learned %d %v, want 0: each review once", learned, err)
	}
	// a added its second intake's learning to the model it held; a process that loads the stored
	// model scores every voice the same.
	if _, changed, err := (&intake.Service{DB: db}).LearnSentiment(ctx, true); err != nil || changed != 0 {
		t.Fatalf("scoring everything with the stored model changed %d voices %v, want 0", changed, err)
	}

	// The replica b last saw the empty model: it loads the stored one to score a new chat.
	if _, err := b.Ingest(ctx, chats(2, "チャートがぬるぬる"), intake.Run{SourceType: "test"}); err != nil {
		t.Fatal(err)
	}
	if got := sentimentOf(t, db, feedback.SourceChat, "2"); got <= 0.05 {
		t.Fatalf("the replica scored the new chat %v, want positive", got)
	}
	// A rated review keeps the rules' reading of its words: its stars already say how it feels.
	if got := sentimentOf(t, db, feedback.SourceReview, "1000"); got != 0 {
		t.Errorf("a rated review was scored %v by the model, want the rules' 0", got)
	}
}

// TestReplaceRelearnsSentiment: the demo's voices replace everything, ids included; the model
// forgets what it learned and learns from the voices that are there now, leaving the sentiment
// the dataset gave its voices as it is.
func TestReplaceRelearnsSentiment(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	in := &intake.Service{DB: db}
	if _, err := in.Ingest(ctx, reviews(1, 60), intake.Run{SourceType: "test"}); err != nil {
		t.Fatal(err)
	}
	src, given := reviews(1, 60), 0.42
	ds := feedback.Dataset{Items: []feedback.Item{{ID: 1, SourceKind: feedback.SourceChat, SourceName: "demo", SourceID: "chat",
		ReceivedAt: time.Now(), Body: "今朝もガントチャートが崩れる", Sentiment: &given, Status: feedback.StatusNew}}}
	for i, text := range src.texts[:55] {
		ds.Items = append(ds.Items, feedback.Item{ID: int64(i + 2), SourceKind: feedback.SourceReview, SourceName: "demo",
			SourceID: fmt.Sprint(i), ReceivedAt: time.Now(), Body: text, Rating: &src.stars[i], Status: feedback.StatusNew})
	}
	if err := in.Replace(ctx, ds); err != nil {
		t.Fatal(err)
	}
	m, err := db.SentimentModelCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Docs[0]+m.Docs[1], int64(55); got != want {
		t.Errorf("after Replace the model holds %d examples, want %d", got, want)
	}
	if got := sentimentOf(t, db, feedback.SourceChat, "chat"); math.Abs(got-given) > 1e-6 {
		t.Errorf("the demo chat's sentiment became %v, want the %v it came with", got, given)
	}
	// Asked to, the model scores it.
	if _, changed, err := in.RelearnSentiment(ctx); err != nil || changed != 1 || sentimentOf(t, db, feedback.SourceChat, "chat") >= 0 {
		t.Errorf("relearn changed %d voices %v, chat now %v; want 1, negative", changed, err, sentimentOf(t, db, feedback.SourceChat, "chat"))
	}
}

// TestReplicasLearnEachReviewOnce: two replicas learning at once from the same stored reviews
// take turns; between them each review is learned once.
func TestReplicasLearnEachReviewOnce(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	var items []feedback.Item
	src := reviews(1, 200)
	for i, text := range src.texts {
		items = append(items, feedback.Item{ID: int64(i + 1), SourceKind: feedback.SourceReview, SourceName: "app-store",
			SourceID: fmt.Sprint(i), ReceivedAt: time.Now(), Body: text, Rating: &src.stars[i], Status: feedback.StatusNew})
	}
	if err := db.ImportDataset(ctx, feedback.Dataset{Items: items}); err != nil {
		t.Fatal(err)
	}
	a, b := &intake.Service{DB: db}, &intake.Service{DB: db}
	got := make(chan int, 2)
	for _, in := range []*intake.Service{a, b} {
		go func() {
			n, _, err := in.LearnSentiment(ctx, false)
			if err != nil {
				t.Error(err)
			}
			got <- n
		}()
	}
	if n := <-got + <-got; n != 200 {
		t.Fatalf("the replicas learned %d reviews between them, want 200", n)
	}
	m, err := db.SentimentModelCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Docs[0] + m.Docs[1]; got != 200 {
		t.Fatalf("the stored model learned %d reviews, want 200", got)
	}
}

// TestSentimentLearnedInTheBackground: after Start (koe serve), learning follows the intake from
// the service's own goroutine, as suggestions do.
func TestSentimentLearnedInTheBackground(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := storetest.Open(t)
	in := &intake.Service{DB: db}
	in.Start(ctx)
	if _, err := in.Ingest(ctx, chats(1, "今朝もガントチャートが崩れる"), intake.Run{SourceType: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Ingest(ctx, reviews(1, 60), intake.Run{SourceType: "test"}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); sentimentOf(t, db, feedback.SourceChat, "1") >= -0.05; {
		if time.Now().After(deadline) {
			t.Fatal("the chat was not scored with the learned model")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestVoiceScoredByTheModelWhenStored: once the model has learned enough, a voice is stored with
// the model's score — the one write of it, no rescoring after — and the Slack rules see that
// score; a fresh process (koe ingest) finds the stored model and does the same.
func TestVoiceScoredByTheModelWhenStored(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	var mu sync.Mutex
	seen := map[string]float64{} // chat id → the sentiment the rules were handed
	rules := func(added []feedback.Item) []store.OutboxMessage {
		mu.Lock()
		defer mu.Unlock()
		for _, it := range added {
			if it.SourceKind == feedback.SourceChat && it.Sentiment != nil {
				seen[it.SourceID] = *it.Sentiment
			}
		}
		return nil
	}
	in := &intake.Service{DB: db, Rules: rules}
	if _, err := in.Ingest(ctx, reviews(1, 60), intake.Run{SourceType: "test"}); err != nil {
		t.Fatal(err)
	}
	stored, err := db.SentimentModelCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := &textproc.Model{Version: stored.Version, Docs: stored.Docs, Tokens: stored.Tokens, Counts: stored.Counts}
	if m.Examples() < textproc.ModelMinExamples {
		t.Fatalf("the model learned %d reviews, want at least %d", m.Examples(), textproc.ModelMinExamples)
	}
	const chat = "今朝もガントチャートが崩れる"
	want, _ := textproc.SentimentWith(m, chat)
	if rule, _ := textproc.Sentiment(chat); rule != 0 || want >= -0.05 {
		t.Fatalf("rules %v, model %v: the test needs a chat only the model reads as negative", rule, want)
	}
	for i, svc := range []*intake.Service{in, {DB: db, Rules: rules}} { // this process, and a fresh one
		id := fmt.Sprint(10 + i)
		before := svc.Rescorings()
		if _, err := svc.Ingest(ctx, chats(10+i, chat), intake.Run{SourceType: "test"}); err != nil {
			t.Fatal(err)
		}
		if got := sentimentOf(t, db, feedback.SourceChat, id); math.Abs(got-want) > 1e-6 {
			t.Errorf("service %d stored the chat with %v, want the model's %v", i, got, want)
		}
		if n := svc.Rescorings() - before; n != 0 {
			t.Errorf("service %d rescored %d times after storing a voice with the model's score, want 0", i, n)
		}
		mu.Lock()
		if got, ok := seen[id]; !ok || math.Abs(got-want) > 1e-6 {
			t.Errorf("service %d: the Slack rules saw the chat with %v (%v), want the model's %v", i, got, ok, want)
		}
		mu.Unlock()
	}
}

// TestImportLearnsFromItsOwnReviews: a first import that brings enough rated reviews learns from
// them as it reads them; the voices read before the model had learned enough are stored with the
// rules' score and rescored once the import is stored, with every review; the ones read after are
// stored with the model as it was then, and not rescored.
func TestImportLearnsFromItsOwnReviews(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	in := &intake.Service{DB: db}
	// A word only the last 100 reviews use, after the model has learned from 2,000: the model
	// that scores a voice read after them does not know it yet, the one learned from every
	// review does.
	const chat = "ぽよぽよ"
	src := source{kind: feedback.SourceReview}
	add := func(texts []string, stars []float64) {
		src.texts, src.stars = append(src.texts, texts...), append(src.stars, stars...)
	}
	add(reviews(0, 1000).texts, reviews(0, 1000).stars)
	add([]string{chat}, []float64{-1}) // id 1001: read before the model learned enough
	add(reviews(0, 1000).texts, reviews(0, 1000).stars)
	for range 100 {
		add([]string{"ぽよぽよする"}, []float64{1})
	}
	add([]string{chat}, []float64{-1}) // id 2102: read after
	if _, err := in.Ingest(ctx, withoutStars(src), intake.Run{SourceType: "test"}); err != nil {
		t.Fatal(err)
	}
	if got := sentimentOf(t, db, feedback.SourceReview, "1001"); got >= -0.05 {
		t.Errorf("the voice read before the model learned enough scored %v, want negative (rescored with every review)", got)
	}
	if got := sentimentOf(t, db, feedback.SourceReview, "2102"); got != 0 {
		t.Errorf("the voice read after scored %v, want 0 (the model when it was stored did not know the word; not rescored)", got)
	}
}

// withoutStars takes the stars off the texts whose stars are negative: they are voices without a
// rating.
func withoutStars(s source) sourceFunc {
	return func(emit func(ingest.Batch) error) error {
		var b ingest.Batch
		for i, text := range s.texts {
			it := feedback.Item{SourceKind: s.kind, SourceName: s.Name(), SourceID: fmt.Sprint(s.first + i + 1),
				ReceivedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Body: text}
			if s.stars[i] >= 0 {
				it.Rating = &s.stars[i]
			}
			b.Records = append(b.Records, ingest.Record{Item: it})
		}
		return emit(b)
	}
}

// sourceFunc is a source of reviews that pull emits.
type sourceFunc func(emit func(ingest.Batch) error) error

func (sourceFunc) Kind() feedback.SourceKind { return feedback.SourceReview }
func (sourceFunc) Name() string              { return "reviews" }
func (f sourceFunc) Pull(_ context.Context, _ string, emit func(ingest.Batch) error) error {
	return f(emit)
}
