package store

import (
	"context"
	"fmt"
)

// StatementStat is what PostgreSQL spent on one statement (pg_stat_statements): for measuring
// where a bulk job's time goes (koe-importload), never on a request's path.
type StatementStat struct {
	Query    string  `db:"query"`
	Calls    int64   `db:"calls"`
	TotalMS  float64 `db:"total_ms"`
	Rows     int64   `db:"rows"`
	HitBlks  int64   `db:"hit_blks"`
	ReadBlks int64   `db:"read_blks"`
	WalBytes int64   `db:"wal_bytes"`
}

// PreloadStatementStats asks the server to load pg_stat_statements from its next start (a
// superuser's ALTER SYSTEM): for a private measuring cluster only.
func (s *DB) PreloadStatementStats(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`); err != nil {
		return fmt.Errorf("store: preload pg_stat_statements: %w", err)
	}
	return nil
}

// ResetStatementStats creates the pg_stat_statements extension if needed and empties it.
func (s *DB) ResetStatementStats(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		return fmt.Errorf("store: pg_stat_statements: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `SELECT pg_stat_statements_reset()`); err != nil {
		return fmt.Errorf("store: reset pg_stat_statements: %w", err)
	}
	return nil
}

// StatementStats returns the n statements PostgreSQL spent the most time on since the reset.
func (s *DB) StatementStats(ctx context.Context, n int) ([]StatementStat, error) {
	var out []StatementStat
	err := s.db.SelectContext(ctx, &out, `SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query, calls,
		total_exec_time AS total_ms, rows, shared_blks_hit AS hit_blks, shared_blks_read AS read_blks, wal_bytes::bigint AS wal_bytes
		FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1`, n)
	if err != nil {
		return nil, fmt.Errorf("store: statement stats: %w", err)
	}
	return out, nil
}

// TableWrites is how many rows of a table were updated, how many of those updates were HOT (the
// new version on the same page, no index touched) and the table's size in bytes, for measuring.
type TableWrites struct {
	Updated, HOT, Bytes int64
}

// FeedbackWrites returns TableWrites for feedback (the statistics collector's counts lag a
// little: pg_stat_force_next_flush is asked first where the server has it).
func (s *DB) FeedbackWrites(ctx context.Context) (TableWrites, error) {
	var w TableWrites
	_, _ = s.db.ExecContext(ctx, `SELECT pg_stat_force_next_flush()`)
	err := s.db.QueryRowxContext(ctx, `SELECT n_tup_upd, n_tup_hot_upd, pg_table_size('feedback')
		FROM pg_stat_user_tables WHERE relname = 'feedback'`).Scan(&w.Updated, &w.HOT, &w.Bytes)
	if err != nil {
		return w, fmt.Errorf("store: feedback writes: %w", err)
	}
	return w, nil
}
