package reviews_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/reviews"
	"github.com/koehq/koe/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fixture struct {
	db  *store.DB
	d   *storeDouble
	svc *reviews.Service
	w   *reviews.Worker
	// play and g2 are a Google Play review and a G2 review (no reply API).
	play, g2 int64
}

func setup(t *testing.T) fixture {
	t.Helper()
	db := storetest.Open(t)
	ctx := context.Background()
	four, two := 4.0, 2.0
	_, added, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: []feedback.Item{
		{SourceKind: feedback.SourceReview, SourceName: "play", SourceID: "gp:AOqpTOH", ReceivedAt: time.Now().Add(-10 * 24 * time.Hour),
			AuthorName: "Aki", Body: "同期が遅い", Language: "ja", Rating: &two},
		{SourceKind: feedback.SourceReview, SourceName: "g2", SourceID: "g2-77", ReceivedAt: time.Now().Add(-time.Hour),
			AuthorName: "Sam", Body: "Great tool", Language: "en", Rating: &four, URL: "https://www.g2.com/products/koe/reviews/77"},
	}})
	if err != nil || len(added) != 2 {
		t.Fatalf("seed: %v (%d added)", err, len(added))
	}
	d := newDouble()
	rep := repliersFor(d, "play")
	return fixture{db: db, d: d, svc: &reviews.Service{Store: db, Repliers: rep, App: "Koe"},
		w: &reviews.Worker{Store: db, Repliers: rep, Backoff: time.Millisecond}, play: added[0].ID, g2: added[1].ID}
}

func (f fixture) state(t *testing.T, id int64) store.Reply {
	t.Helper()
	rv, err := f.db.Review(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rv.Reply
}

// drain runs the worker until nothing is due, waiting out the short backoff of a retry.
func (f fixture) drain(t *testing.T) {
	t.Helper()
	for i := 0; i < 20; i++ {
		if _, err := f.w.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		if f.state(t, f.play).State != store.ReplySending {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the reply is still sending")
}

func (f fixture) actions(t *testing.T, id int64) []string {
	t.Helper()
	h, err := f.db.History(context.Background(), "feedback", id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range h {
		out = append(out, e.Actor+" "+e.Action)
	}
	return out
}

func TestSendPostsOnceAndAudits(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if err := f.svc.Draft(ctx, f.play, "ご不便をおかけしました", "aki@example.com"); err != nil {
		t.Fatal(err)
	}
	if got := f.state(t, f.play); got.State != store.ReplyDraft || got.WrittenBy != "aki@example.com" {
		t.Fatalf("after a draft: %+v", got)
	}
	if posts, _ := f.d.counts(); posts != 0 {
		t.Fatalf("a draft posted %d replies", posts)
	}
	if err := f.svc.Send(ctx, f.play, "ご不便をおかけしました。次の版で直します。", "mika@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Send(ctx, f.play, "twice", "mika@example.com"); !errors.Is(err, store.ErrReplyInFlight) {
		t.Fatalf("a second Send while sending: %v, want ErrReplyInFlight", err)
	}
	f.drain(t)
	got := f.state(t, f.play)
	if got.State != store.ReplySent || got.SentBy != "mika@example.com" || got.SentAt == nil {
		t.Fatalf("after sending: %+v", got)
	}
	if posts, _ := f.d.counts(); posts != 1 {
		t.Fatalf("posts = %d, want 1", posts)
	}
	if n, _ := f.w.Drain(ctx); n != 0 {
		t.Fatalf("a second drain handled %d messages", n)
	}
	want := []string{"aki@example.com review_draft", "mika@example.com review_send", "mika@example.com review_sent"}
	if got := f.actions(t, f.play); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("audit = %q, want %q", got, want)
	}
}

func TestSendRetries429ThenSucceeds(t *testing.T) {
	f := setup(t)
	f.d.fail = []error{&replies.StoreError{Store: "googleplay", Status: 429, Message: "Quota exceeded"},
		&replies.StoreError{Store: "googleplay", Status: 503, Message: "Backend Error"}}
	if err := f.svc.Send(context.Background(), f.play, "Thank you!", "mika@example.com"); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	if got := f.state(t, f.play); got.State != store.ReplySent {
		t.Fatalf("state = %s, want sent", got.State)
	}
	posts, reads := f.d.counts()
	if posts != 1 || reads != 2 {
		t.Fatalf("posts=%d reads=%d, want 1 post and a read back before each retry (2)", posts, reads)
	}
}

func TestRefusalIsKeptWithTheStoresWords(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	f.d.fail = []error{&replies.StoreError{Store: "googleplay", Status: 400, Code: "INVALID_ARGUMENT", Message: "Reply text is too long."}}
	if err := f.svc.Send(ctx, f.play, "Thank you!", "mika@example.com"); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	got := f.state(t, f.play)
	if got.State != store.ReplyFailed || got.StoreError != "Reply text is too long." {
		t.Fatalf("after a 400: %+v", got)
	}
	if posts, _ := f.d.counts(); posts != 0 {
		t.Fatalf("posts = %d", posts)
	}
	// The person fixes it and sends again: a new message, sent.
	if err := f.svc.Send(ctx, f.play, "Thanks!", "mika@example.com"); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	if got := f.state(t, f.play); got.State != store.ReplySent || got.StoreError != "" || got.Attempt != 2 {
		t.Fatalf("after sending again: %+v", got)
	}
	// An admin retries the failed first message from the outbox page: its old words must not
	// replace the newer reply.
	if n, err := f.db.RetryFailed(ctx, store.TargetStore, 0); err != nil || n != 1 {
		t.Fatalf("retry failed: %d %v", n, err)
	}
	if n, err := f.w.Drain(ctx); err != nil || n != 1 {
		t.Fatalf("drain: %d %v", n, err)
	}
	if posts, _ := f.d.counts(); posts != 1 || f.d.replies["gp:AOqpTOH"].Text != "Thanks!" {
		t.Fatalf("posts = %d, store shows %q: the superseded reply was posted", posts, f.d.replies["gp:AOqpTOH"].Text)
	}
	if got := f.state(t, f.play); got.State != store.ReplySent || got.Attempt != 2 {
		t.Fatalf("after the old message: %+v", got)
	}
}

// TestCrashAfterTheStoreAnswered: the store took the reply, then the process died before
// recording it. The message comes back after its lease; the worker reads the review back, sees
// the reply, and records it sent without posting again.
func TestCrashAfterTheStoreAnswered(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	text := "ご不便をおかけしました。"
	if err := f.svc.Send(ctx, f.play, text, "mika@example.com"); err != nil {
		t.Fatal(err)
	}
	// The first worker: claims with a short lease, posts, and dies.
	row, err := f.db.ClaimOutboxFor(ctx, store.TargetStore, time.Millisecond)
	if err != nil || row == nil {
		t.Fatalf("claim: %v %v", row, err)
	}
	if _, err := f.d.Post(ctx, "gp:AOqpTOH", text); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	// The next worker.
	if did, err := f.w.SendOne(ctx); !did || err != nil {
		t.Fatalf("SendOne = %v, %v", did, err)
	}
	got := f.state(t, f.play)
	if got.State != store.ReplySent {
		t.Fatalf("state = %s, want sent", got.State)
	}
	if posts, reads := f.d.counts(); posts != 1 || reads != 1 {
		t.Fatalf("posts=%d reads=%d, want the one post of the crashed worker and one read back", posts, reads)
	}
	h, _ := f.db.History(ctx, "feedback", f.play)
	if last := h[len(h)-1]; last.Action != "review_sent" || !strings.Contains(last.After, `"recovered": true`) {
		t.Fatalf("last audit entry = %+v", last)
	}
}

func TestSendRefusesBeforeQueueing(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	var tooLong *reviews.TooLongError
	if err := f.svc.Send(ctx, f.play, strings.Repeat("あ", 351), "mika@example.com"); !errors.As(err, &tooLong) || tooLong.Max != 350 || tooLong.Len != 351 {
		t.Fatalf("351 characters: %v", err)
	}
	if err := f.svc.Send(ctx, f.play, strings.Repeat("あ", 350), "mika@example.com"); err != nil {
		t.Fatalf("350 characters: %v", err)
	}
	if err := f.svc.Send(ctx, f.g2, "Thanks!", "mika@example.com"); !errors.Is(err, replies.ErrNoReplyAPI) {
		t.Fatalf("G2: %v, want ErrNoReplyAPI", err)
	}
	if err := f.svc.Send(ctx, f.g2, "  ", "mika@example.com"); !errors.Is(err, reviews.ErrEmpty) {
		t.Fatalf("blank: %v", err)
	}
	if err := f.svc.Mark(ctx, f.g2, "Thanks!", "mika@example.com"); err != nil {
		t.Fatal(err)
	}
	if got := f.state(t, f.g2); got.State != store.ReplyMarked || got.SentBy != "mika@example.com" {
		t.Fatalf("marked: %+v", got)
	}
}

func TestAnsweredElsewhere(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	f.d.replies["gp:AOqpTOH"] = &replies.Existing{Text: "Answered in the Play Console"}
	n, err := f.w.CheckElsewhere(ctx, nil)
	if err != nil || n != 1 {
		t.Fatalf("CheckElsewhere = %d, %v; want 1", n, err)
	}
	got := f.state(t, f.play)
	if got.State != store.ReplyElsewhere || got.StoreText != "Answered in the Play Console" {
		t.Fatalf("play: %+v", got)
	}
	if g := f.state(t, f.g2); g.State != store.ReplyUnanswered {
		t.Fatalf("g2 (no API) = %s", g.State)
	}
	// Checked now: the next look leaves it alone (bounded by Recheck).
	if _, reads := f.d.counts(); reads != 1 {
		t.Fatalf("reads = %d", reads)
	}
	if _, err := f.w.CheckElsewhere(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, reads := f.d.counts(); reads != 1 {
		t.Fatalf("a second look read %d times, want the review left until Recheck", reads-1)
	}
	b, err := f.db.UnansweredReviews(ctx, time.Now().Add(-7*24*time.Hour))
	if err != nil || b.Open != 1 || b.Late != 0 {
		t.Fatalf("backlog = %+v, %v; want only the G2 review open, none late", b, err)
	}
}

func TestOurOwnReplyIsNotElsewhere(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if err := f.svc.Send(ctx, f.play, "Thanks  for\nwriting", "mika@example.com"); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	f.d.replies["gp:AOqpTOH"].Text = "Thanks for writing" // the store re-wraps it
	if n, err := f.w.CheckElsewhere(ctx, nil); err != nil || n != 0 {
		t.Fatalf("CheckElsewhere = %d, %v", n, err)
	}
	if got := f.state(t, f.play); got.State != store.ReplySent {
		t.Fatalf("state = %s", got.State)
	}
}

func TestTemplates(t *testing.T) {
	ts := []store.ReplyTemplate{
		{Name: "thanks", Language: "en", Band: store.BandAny, Body: "Thank you, {reviewer}!"},
		{Name: "sorry", Language: "ja", Band: store.BandLow, Body: "{reviewer}様、{app}をご利用いただきありがとうございます。"},
		{Name: "arigato", Language: "ja", Band: store.BandAny, Body: "ありがとうございます"},
	}
	two, five := 2.0, 5.0
	for _, tt := range []struct {
		lang   string
		rating *float64
		want   string
	}{
		{"ja", &two, "sorry"}, {"ja", &five, "arigato"}, {"en", &two, "thanks"}, {"fr", &five, ""},
	} {
		got := reviews.BestTemplate(ts, tt.lang, store.RatingBand(tt.rating))
		if name := ""; got != nil && got.Name != tt.want || got == nil && tt.want != name {
			t.Errorf("%s %v: %v, want %q", tt.lang, *tt.rating, got, tt.want)
		}
	}
	if got, want := reviews.Fill(ts[1].Body, "Aki", "Koe"), "Aki様、Koeをご利用いただきありがとうございます。"; got != want {
		t.Errorf("Fill = %q, want %q", got, want)
	}
}

// TestCheckElsewhereMovesPastFailures: a review the store cannot answer about is asked again only
// after Recheck, so it never holds the head of every batch.
func TestCheckElsewhereMovesPastFailures(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	f.d.readErr = &replies.StoreError{Store: "googleplay", Status: 404, Message: "Review not found."}
	if n, err := f.w.CheckElsewhere(ctx, nil); err != nil || n != 0 {
		t.Fatalf("CheckElsewhere = %d, %v", n, err)
	}
	if _, err := f.w.CheckElsewhere(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, reads := f.d.counts(); reads != 1 {
		t.Fatalf("reads = %d, want the failing review asked once until Recheck", reads)
	}
	if got := f.state(t, f.play); got.State != store.ReplyUnanswered || got.CheckedAt == nil {
		t.Fatalf("after a failed read: %+v", got)
	}
}
