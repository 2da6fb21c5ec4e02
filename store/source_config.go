package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// ConfiguredSource is a row of the sources table: a source configured once and run on its
// interval, with where it stands.
type ConfiguredSource struct {
	ID      int64           `db:"id"`
	Kind    string          `db:"kind"`
	Name    string          `db:"name"`
	Config  json.RawMessage `db:"config"`
	Enabled bool            `db:"enabled"`
	// Configured sources run on their interval; the others are names seen in one-off runs.
	Configured    bool          `db:"configured"`
	Interval      time.Duration `db:"-"`
	IntervalSecs  int           `db:"interval_seconds"`
	Cursor        string        `db:"cursor"`
	LastRunAt     *time.Time    `db:"last_run_at"`
	LastSuccessAt *time.Time    `db:"last_success_at"`
	LastError     string        `db:"last_error"`
	RunRequested  *time.Time    `db:"run_requested_at"`
	// The last run's counts.
	LastRead      int `db:"last_read"`
	LastNew       int `db:"last_new"`
	LastDuplicate int `db:"last_duplicate"`
	LastSkipped   int `db:"last_skipped"`
	LastFailed    int `db:"last_failed"`
}

const sourceColumns = `s.id, s.kind, s.name, s.config, s.config <> '{}'::jsonb AS configured, s.enabled, s.interval_seconds, s.cursor,
	s.last_run_at, s.last_success_at, s.last_error, s.run_requested_at`

// dueSources is the one rule of when a source runs: enabled, configured, and its interval
// passed since its last run or a run asked for since ($1 is now).
const dueSources = `s.enabled AND s.config <> '{}'::jsonb
	AND (s.last_run_at IS NULL OR s.last_run_at + make_interval(secs => s.interval_seconds) <= $1
	     OR s.run_requested_at > s.last_run_at)`

// AddSource configures a source; its name must be new.
func (s *DB) AddSource(ctx context.Context, kind, name string, config any, interval time.Duration) (ConfiguredSource, error) {
	b, err := json.Marshal(config)
	if err != nil {
		return ConfiguredSource{}, err
	}
	if interval < time.Minute {
		return ConfiguredSource{}, feedback.Errorf(feedback.EINVALID, "An interval under a minute (%s) would hammer the source: use 1m or more.", interval)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO sources (kind, name, config, interval_seconds) VALUES ($1, $2, $3, $4)`,
		kind, name, string(b), int(interval.Seconds()))
	if isUniqueViolation(err) {
		return ConfiguredSource{}, feedback.Errorf(feedback.ECONFLICT, "A source named %q exists already: choose another name, or remove it first.", name)
	}
	if err != nil {
		return ConfiguredSource{}, fmt.Errorf("store: add source: %w", err)
	}
	return s.Source(ctx, name)
}

// Source returns the source named name.
func (s *DB) Source(ctx context.Context, name string) (ConfiguredSource, error) {
	list, err := s.sources(ctx, `s.name = $1`, name)
	if err != nil {
		return ConfiguredSource{}, err
	}
	if len(list) == 0 {
		return ConfiguredSource{}, feedback.Errorf(feedback.ENOTFOUND, "No source named %q: `koe sources list` shows them.", name)
	}
	return list[0], nil
}

// Sources returns every source, configured or seen in a run, by name.
func (s *DB) Sources(ctx context.Context) ([]ConfiguredSource, error) {
	return s.sources(ctx, `true`)
}

// DueSources returns the enabled, configured sources whose interval has passed since their last
// run, at now.
func (s *DB) DueSources(ctx context.Context, now time.Time) ([]ConfiguredSource, error) {
	return s.sources(ctx, dueSources, now)
}

// DueSource returns the source named name if it is due at now (by DueSources' rule).
func (s *DB) DueSource(ctx context.Context, name string, now time.Time) (ConfiguredSource, bool, error) {
	list, err := s.sources(ctx, dueSources+` AND s.name = $2`, now, name)
	if err != nil || len(list) == 0 {
		return ConfiguredSource{}, false, err
	}
	return list[0], true, nil
}

// RequestRun makes a configured source due at once (the dashboard's "run now"); a run that ends
// after the request clears it.
func (s *DB) RequestRun(ctx context.Context, name string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE sources SET run_requested_at = now() WHERE name = $1 AND config <> '{}'::jsonb AND enabled`, name)
	if err != nil {
		return fmt.Errorf("store: request a run of %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return feedback.Errorf(feedback.ENOTFOUND, "No enabled, configured source named %q.", name)
	}
	return nil
}

// where is one of the constant conditions above, never input.
func (s *DB) sources(ctx context.Context, where string, args ...any) ([]ConfiguredSource, error) {
	var out []ConfiguredSource
	err := s.db.SelectContext(ctx, &out, `SELECT `+sourceColumns+`,
		COALESCE(r.read, 0) AS last_read, COALESCE(r.new, 0) AS last_new, COALESCE(r.duplicate + r.updated, 0) AS last_duplicate,
		COALESCE(r.skipped, 0) AS last_skipped, COALESCE(r.failed, 0) AS last_failed
		FROM sources s
		LEFT JOIN LATERAL (SELECT * FROM ingest_runs r WHERE r.name = s.name ORDER BY r.started_at DESC LIMIT 1) r ON true
		WHERE `+where+` ORDER BY s.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: sources: %w", err)
	}
	for i := range out {
		out[i].Interval = time.Duration(out[i].IntervalSecs) * time.Second
	}
	return out, nil
}

// RemoveSource deletes a source, its cursor and its run records; voices it brought stay.
func (s *DB) RemoveSource(ctx context.Context, name string) error {
	return s.inTx(ctx, "remove source", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE name = $1`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return feedback.Errorf(feedback.ENOTFOUND, "No source named %q.", name)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM ingest_runs WHERE name = $1`, name)
		return err
	})
}

func isUniqueViolation(err error) bool {
	var pqErr interface{ SQLState() string }
	return errors.As(err, &pqErr) && pqErr.SQLState() == "23505"
}
