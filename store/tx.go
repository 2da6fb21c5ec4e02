package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// Tx is one transaction that a service outside the store composes from several writes: the
// intake service stores a batch of voices and the outbox messages its rules make of the ones the
// batch added, so a voice is never stored without its messages nor a message queued for a voice
// that was not. End it with Commit; a deferred Rollback undoes everything when Commit was not
// reached, and does nothing after it. A Tx is not safe for concurrent use.
type Tx struct {
	tx   *sqlx.Tx
	what string
}

// Begin starts a transaction; what names it in errors ("save feedback").
func (s *DB) Begin(ctx context.Context, what string) (*Tx, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, explain(err))
	}
	return &Tx{tx: tx, what: what}, nil
}

// Commit makes the transaction's writes permanent.
func (t *Tx) Commit() error {
	if err := t.tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: commit: %w", t.what, explain(err))
	}
	return nil
}

// Rollback undoes the transaction's writes unless it was committed.
func (t *Tx) Rollback() { _ = t.tx.Rollback() }

func (t *Tx) fail(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: %s: %w", t.what, explain(err))
}

// SaveFeedback is DB.SaveFeedback inside t.
func (t *Tx) SaveFeedback(ctx context.Context, b FeedbackBatch) (IngestCounts, []feedback.Item, error) {
	c, added, err := saveFeedback(ctx, t.tx, b)
	return c, added, t.fail(err)
}

// Enqueue is DB.Enqueue inside t.
func (t *Tx) Enqueue(ctx context.Context, msgs []OutboxMessage) error {
	return t.fail(enqueue(ctx, t.tx, msgs))
}
