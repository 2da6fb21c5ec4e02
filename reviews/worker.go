package reviews

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/internal/worker"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/store"
)

// Worker posts the queued replies to the stores, one claimed outbox message at a time (SKIP
// LOCKED and a lease, so replicas never post the same one at once); CheckElsewhere, run now and
// then by one replica, asks the stores for replies written elsewhere.
//
// Once: the outcome is recorded with the outbox message in one transaction. A message claimed a
// second time (a 429, a time-out, or a crash between the store's answer and recording it) is
// checked first: when the store already shows the reply, it is recorded as sent and not posted
// again. A 4xx is a refusal, kept as failed with the store's words for the person to read; 429
// and 5xx are retried with backoff, up to MaxAttempts.
type Worker struct {
	Store    *store.DB
	Repliers Repliers
	Log      *slog.Logger
	// MaxAttempts is 8 when zero; Backoff 30 s (doubling); Idle 5 s; Lease 2 min.
	MaxAttempts int
	Backoff     time.Duration
	Idle        time.Duration
	Lease       time.Duration
	// CheckBatch is how many reviews one CheckElsewhere asks about (50 when zero), and Recheck
	// how long a store's answer about a review is trusted (24 h when zero).
	CheckBatch int
	Recheck    time.Duration
}

func (w *Worker) defaults() {
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.MaxAttempts == 0 {
		w.MaxAttempts = 8
	}
	if w.Backoff == 0 {
		w.Backoff = 30 * time.Second
	}
	if w.Idle == 0 {
		w.Idle = 5 * time.Second
	}
	if w.Lease == 0 {
		w.Lease = 2 * time.Minute
	}
	if w.CheckBatch == 0 {
		w.CheckBatch = 50
	}
	if w.Recheck == 0 {
		w.Recheck = 24 * time.Hour
	}
}

// Run posts replies until ctx ends. Between replies it reads the raw records ingest runs have
// written since (ReadRaw, CheckBatch at a time), so a review already answered in the store's
// console is marked so within Idle of its ingest, not at the next hourly check.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	worker.Run(ctx, w.Idle, w.Log, "review replies", func(ctx context.Context) (bool, error) {
		if sent, err := w.SendOne(ctx); sent || err != nil {
			return sent, err
		}
		read, found, err := ReadRaw(ctx, w.Store, w.Log, nil, w.CheckBatch)
		if found > 0 {
			w.Log.Info("reviews answered elsewhere, seen in their raw records", "reviews", found)
		}
		// A full batch says there may be more; anything less waits Idle, so a record that
		// keeps coming back never spins the loop.
		return read == w.CheckBatch, err
	})
}

// Drain posts everything due now and returns how many it handled.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.defaults()
	return worker.Drain(ctx, w.SendOne)
}

// SendOne posts the next due reply; it reports whether there was one.
func (w *Worker) SendOne(ctx context.Context) (bool, error) {
	w.defaults()
	row, err := w.Store.ClaimOutboxFor(ctx, store.TargetStore, w.Lease)
	if err != nil || row == nil {
		return false, err
	}
	o, reviewID, text := outcomeOf(row)
	done := context.WithoutCancel(ctx) // record what the store answered even while stopping
	if o.FeedbackID == 0 || reviewID == "" || text == "" {
		return true, w.Store.GiveUp(done, row.ID, "not a review reply")
	}
	// A message re-queued from the outbox page after the person sent a newer reply must not
	// post the old words over it.
	if rv, err := w.Store.Review(ctx, o.FeedbackID); err != nil {
		return true, w.retry(done, row, o, err)
	} else if rv.Reply.Attempt != o.Attempt {
		return true, w.Store.GiveUp(done, row.ID, "a newer reply to this review replaced this one")
	}
	r, err := w.Repliers(row.Channel)
	if errors.Is(err, replies.ErrNoReplyAPI) {
		return true, w.Store.ReplyFailed(done, o, err.Error())
	}
	if err != nil { // the source's settings, a key file: an operator fixes it, then it goes
		return true, w.retry(done, row, o, err)
	}
	if row.Attempts > 1 {
		// The last try may have reached the store without being recorded: ask before posting.
		cur, err := r.Current(ctx, reviewID)
		if err != nil {
			return true, w.retry(done, row, o, fmt.Errorf("read the reply back: %w", err))
		}
		if cur != nil && store.SameReply(text, cur.Text) {
			o.StoreReplyID, o.Recovered = cur.ID, true
			w.Log.Info("review reply already at the store", "key", row.DedupeKey)
			return true, w.Store.ReplySent(done, o)
		}
	}
	got, err := r.Post(ctx, reviewID, text)
	if err != nil {
		return true, w.retry(done, row, o, err)
	}
	if got != nil {
		o.StoreReplyID = got.ID
	}
	return true, w.Store.ReplySent(done, o)
}

func (w *Worker) retry(ctx context.Context, row *store.OutboxRow, o store.ReplyOutcome, err error) error {
	var se *replies.StoreError
	switch {
	case !replies.Retryable(err):
		why := err.Error()
		if errors.As(err, &se) {
			why = se.Message // the store's own words, for the person who pressed Send
		}
		w.Log.Warn("review reply refused", "key", row.DedupeKey, "err", err)
		return w.Store.ReplyFailed(ctx, o, why)
	case row.Attempts >= w.MaxAttempts:
		w.Log.Error("review reply given up", "key", row.DedupeKey, "attempts", row.Attempts, "err", err)
		return w.Store.ReplyFailed(ctx, o, fmt.Sprintf("after %d attempts: %v", row.Attempts, err))
	}
	return w.Store.RetryLater(ctx, row.ID, time.Now().Add(httpretry.Backoff(w.Backoff, row.Attempts)), err.Error())
}

// outcomeOf reads a queued reply's subject.
func outcomeOf(row *store.OutboxRow) (o store.ReplyOutcome, reviewID, text string) {
	num := func(k string) int64 { f, _ := row.Subject[k].(float64); return int64(f) }
	str := func(k string) string { s, _ := row.Subject[k].(string); return s }
	o = store.ReplyOutcome{FeedbackID: num("feedback_id"), Attempt: int(num("attempt")), OutboxID: row.ID, Actor: str("actor")}
	return o, str("review_id"), str("text")
}
