package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

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

// inTx runs fn in a transaction and commits it if fn succeeds.
func (s *DB) inTx(ctx context.Context, what string, fn func(*sqlx.Tx) error) error {
	return s.inTxWith(ctx, what, nil, fn)
}

// inSnapshot runs fn in a read-only, repeatable-read transaction: everything it reads is one
// moment's data, however long it takes (exports).
func (s *DB) inSnapshot(ctx context.Context, what string, fn func(*sqlx.Tx) error) error {
	return s.inTxWith(ctx, what, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, fn)
}

func (s *DB) inTxWith(ctx context.Context, what string, opts *sql.TxOptions, fn func(*sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, explain(err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return fmt.Errorf("store: %s: %w", what, explain(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: commit: %w", what, explain(err))
	}
	return nil
}

// explain adds what to do to the database failures an operator meets: a read-only database, a
// full disk, too many connections, the server going away. The transaction was rolled back, so
// nothing of it was written.
func explain(err error) error {
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "25006":
			return fmt.Errorf("%w (the database is read-only — a standby, or default_transaction_read_only is on: point DATABASE_URL at the primary; nothing was written)", err)
		case pe.Code == "53100":
			return fmt.Errorf("%w (PostgreSQL's disk is full: free space and run this again; nothing of this change was written)", err)
		case pe.Code == "53300":
			return fmt.Errorf("%w (PostgreSQL has no free connections: raise max_connections or lower the replicas' pools)", err)
		case pe.Code.Class() == "57" || pe.Code.Class() == "08":
			return fmt.Errorf("%w (PostgreSQL went away or is shutting down: this is retried when it is back; nothing of this change was written)", err)
		}
	}
	return err
}
