package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

func saveCursor(ctx context.Context, tx *sqlx.Tx, c SourceCursor) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO sources (kind, name, cursor, last_run_at) VALUES ($1, $2, $3, now())
		ON CONFLICT (name) DO UPDATE SET cursor = EXCLUDED.cursor, last_run_at = now(), updated_at = now()`,
		c.Kind, c.Name, c.Cursor)
	if err != nil {
		return fmt.Errorf("save cursor of %s: %w", c.Name, err)
	}
	return nil
}

// Cursor returns the saved cursor of source name, or "" if it has none yet.
func (s *DB) Cursor(ctx context.Context, name string) (string, error) {
	var cur string
	err := s.db.GetContext(ctx, &cur, `SELECT cursor FROM sources WHERE name = $1`, name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: cursor of %s: %w", name, err)
	}
	return cur, nil
}

// SaveCursor saves a source's cursor on its own, for a run that ends without records to write.
func (s *DB) SaveCursor(ctx context.Context, c SourceCursor) error {
	return s.inTx(ctx, "save cursor", func(tx *sqlx.Tx) error { return saveCursor(ctx, tx, c) })
}

// StartRun records the start of a run of source kind/name and returns its id.
func (s *DB) StartRun(ctx context.Context, kind, name string) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `INSERT INTO ingest_runs (kind, name, source_id)
		VALUES ($1, $2, (SELECT id FROM sources WHERE name = $2)) RETURNING id`, kind, name)
	if err != nil {
		return 0, fmt.Errorf("store: start run: %w", err)
	}
	return id, nil
}

// FinishRun records a run's counts and error ("" for success), and the source's last run.
func (s *DB) FinishRun(ctx context.Context, id int64, c feedback.SyncCounts, runErr string) error {
	return s.inTx(ctx, "finish run", func(tx *sqlx.Tx) error {
		var name string
		err := tx.GetContext(ctx, &name, `UPDATE ingest_runs SET finished_at = now(), read = $2, new = $3, updated = $4,
			duplicate = $5, skipped = $6, failed = $7, error = $8 WHERE id = $1 RETURNING name`,
			id, c.Read, c.New, c.Updated, c.Unchanged, c.Skipped, c.Failed, runErr)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE sources SET last_run_at = now(), last_error = $2,
			last_success_at = CASE WHEN $2 = '' THEN now() ELSE last_success_at END, updated_at = now()
			WHERE name = $1`, name, runErr)
		return err
	})
}
