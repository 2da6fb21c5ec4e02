// Package store is the one place Koe talks SQL: sqlx over lib/pq on PostgreSQL. Methods are named
// after what they return; each exported method runs in at most one transaction, and the
// unexported helpers it composes take the *sqlx.Tx.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/koehq/koe/migrations"
)

// DB is Koe's storage. It is safe for concurrent use.
type DB struct {
	db  *sqlx.DB
	log *slog.Logger
	// links is what ranking needs of the voices, kept in memory (backlog_links.go).
	links linkCache
}

// Open connects to the PostgreSQL at dsn and checks it answers. Its errors are one line a person
// can act on, with any password masked.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := checkDSN(dsn); err != nil {
		return nil, err
	}
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: DATABASE_URL %s: %w", MaskDSN(dsn), err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, explainConnect(dsn, err)
	}
	return &DB{db: db, log: log}, nil
}

// Close closes the connection pool.
func (s *DB) Close() error { return s.db.Close() }

// Ping checks the database answers.
func (s *DB) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrate applies pending migrations and returns how many it applied.
func (s *DB) Migrate(ctx context.Context) (int, error) {
	return migrations.Up(ctx, s.db.DB, s.log)
}

// SchemaStatus returns the newest applied migration and how many are pending.
func (s *DB) SchemaStatus(ctx context.Context) (current int64, pending int, err error) {
	return migrations.Status(ctx, s.db.DB)
}

func checkDSN(dsn string) error {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		if strings.Contains(dsn, "=") { // key=value form, which lib/pq accepts too
			return nil
		}
		return fmt.Errorf("DATABASE_URL %q is not a PostgreSQL URL: use postgres://USER:PASSWORD@HOST:5432/DBNAME", MaskDSN(dsn))
	}
	if _, err := url.Parse(dsn); err != nil {
		return fmt.Errorf("DATABASE_URL is not a valid URL (%v): use postgres://USER:PASSWORD@HOST:5432/DBNAME, with special characters in the password percent-encoded", errors.Unwrap(err))
	}
	return nil
}

// explainConnect turns a connection failure into what to do about it.
func explainConnect(dsn string, err error) error {
	where := MaskDSN(dsn)
	var pqErr *pq.Error
	var netErr net.Error
	switch {
	case errors.As(err, &pqErr) && pqErr.Code == "28P01":
		return fmt.Errorf("PostgreSQL at %s refused the password: check the user and password in DATABASE_URL", where)
	case errors.As(err, &pqErr) && pqErr.Code == "3D000":
		return fmt.Errorf("PostgreSQL at %s has no such database (%s): create it (createdb NAME) or fix DATABASE_URL", where, pqErr.Message)
	case errors.As(err, &pqErr) && pqErr.Code == "28000":
		return fmt.Errorf("PostgreSQL at %s does not allow this connection (%s): check pg_hba.conf and the user in DATABASE_URL", where, pqErr.Message)
	case errors.As(err, &pqErr):
		return fmt.Errorf("PostgreSQL at %s: %s", where, pqErr.Message)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("cannot reach PostgreSQL at %s: connection refused — is the server running? Fix DATABASE_URL, or unset it to use the embedded database", where)
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("cannot reach PostgreSQL at %s: no answer within 10s — check the host and port in DATABASE_URL and any firewall", where)
	default:
		return fmt.Errorf("cannot reach PostgreSQL at %s: %v", where, err)
	}
}

// MaskDSN hides the password in a connection URL.
func MaskDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		if i := strings.Index(dsn, "password="); i >= 0 {
			end := strings.IndexByte(dsn[i:], ' ')
			if end < 0 {
				end = len(dsn) - i
			}
			return dsn[:i] + "password=xxxxx" + dsn[i+end:]
		}
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func int64Array(ids []int64) any { return pq.Array(ids) }

// Vacuum does what autovacuum would do in time after a bulk load: marks pages all-visible, so
// index-only scans skip the heap, and refreshes the planner's statistics.
func (s *DB) Vacuum(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `VACUUM ANALYZE`)
	return err
}

// PoolStats are the connection pool's numbers, for /metrics.
func (s *DB) PoolStats() sql.DBStats { return s.db.Stats() }
