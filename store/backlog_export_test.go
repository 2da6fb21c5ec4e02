package store

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// EachVoiceLinkScan is eachVoiceLinkScan (every link worked out from every voice), for tests
// that check the summaries against it.
func (s *DB) EachVoiceLinkScan(ctx context.Context, f feedback.BacklogFilter, rates feedback.Rates, fn func(feedback.VoiceLink)) error {
	return s.eachVoiceLinkScan(ctx, f, rates, fn)
}

// ExecForTest runs a statement as any other program writing to the database would (psql,
// another version of Koe), for tests that change data no store method changes that way.
func (s *DB) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := s.db.ExecContext(ctx, q, args...)
	return err
}

// RankedFromScratch reads the accounts and requests a ranking needs straight from their tables,
// for tests that check the ones held in memory against them.
func (s *DB) RankedFromScratch(ctx context.Context) (map[int64]feedback.Account, []feedback.Request, error) {
	var d backlogData
	err := s.inSnapshot(ctx, "from scratch", func(tx *sqlx.Tx) error { return loadAll(ctx, tx, &d) })
	return d.accounts, d.requests, err
}

// ExplainForTest returns EXPLAIN (ANALYZE, BUFFERS) of q: it runs q, in a transaction rolled
// back afterwards.
func (s *DB) ExplainForTest(ctx context.Context, q string, args ...any) (string, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var lines []string
	if err := tx.SelectContext(ctx, &lines, "EXPLAIN (ANALYZE, BUFFERS) "+q, args...); err != nil {
		return "", err
	}
	return strings.Join(lines, "\n"), nil
}
