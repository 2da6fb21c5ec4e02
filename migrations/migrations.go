// Package migrations holds Koe's schema as ordered, plain SQL files and the runner that applies
// them.
//
// Files are named NNNNN_name.sql and annotated the way pressly/goose annotates them
// (`-- +goose Up`, `-- +goose Down`, `-- +goose NO TRANSACTION`), so they stay readable by that tool.
// Up holds a session-level PostgreSQL advisory lock while it works, so replicas started together
// migrate one after the other; the second finds nothing left to do.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed *.sql
var files embed.FS

// lockKey is the advisory lock id every Koe process takes to migrate ("koe-migr").
const lockKey int64 = 0x6b6f652d6d696772

// Migration is one ordered schema change.
type Migration struct {
	Version int64
	Name    string
	Up      string
	// NoTx marks statements PostgreSQL refuses inside a transaction (CREATE INDEX CONCURRENTLY).
	NoTx bool
}

// ErrSchemaNewer means the database was migrated by a newer Koe than this binary.
var ErrSchemaNewer = errors.New("database schema is newer than this koe binary")

// All returns the embedded migrations in version order.
func All() ([]Migration, error) {
	return parseDir(files)
}

// Latest is the version this binary brings the schema to.
func Latest() int64 {
	all, err := All()
	if err != nil || len(all) == 0 {
		return 0
	}
	return all[len(all)-1].Version
}

func parseDir(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int64]string{}
	for _, name := range names {
		prefix, rest, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("migrations: %s: name must be NNNNN_name.sql", name)
		}
		v, err := strconv.ParseInt(prefix, 10, 64)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migrations: %s: version %q is not a positive number", name, prefix)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations: %s and %s share version %d", other, name, v)
		}
		seen[v] = name
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		up, noTx, err := parseFile(string(body))
		if err != nil {
			return nil, fmt.Errorf("migrations: %s: %w", name, err)
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(rest, path.Ext(rest)), Up: up, NoTx: noTx})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// parseFile returns the Up section of a goose-annotated file.
func parseFile(body string) (up string, noTx bool, err error) {
	var b strings.Builder
	section := ""
	for _, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "-- +goose ") {
			switch strings.TrimSpace(strings.TrimPrefix(trimmed, "-- +goose ")) {
			case "Up":
				section = "up"
			case "Down":
				section = "down"
			case "NO TRANSACTION":
				noTx = true
			}
			continue
		}
		if section == "up" {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	if strings.TrimSpace(b.String()) == "" {
		return "", false, errors.New("no -- +goose Up section")
	}
	return b.String(), noTx, nil
}

// Up applies every migration the database lacks and returns how many it applied. It refuses with
// ErrSchemaNewer when the database holds versions this binary does not know.
func Up(ctx context.Context, db *sql.DB, log *slog.Logger) (int, error) {
	all, err := All()
	if err != nil {
		return 0, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrations: connect: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lockKey); err != nil {
		return 0, fmt.Errorf("migrations: take lock: %w", err)
	}
	defer func() {
		// A fresh context: the lock must be released even when ctx was cancelled.
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, lockKey)
	}()

	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    bigint PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return 0, fmt.Errorf("migrations: create schema_migrations: %w", err)
	}
	applied, err := appliedVersions(ctx, conn)
	if err != nil {
		return 0, err
	}
	if err := checkNotNewer(applied, all); err != nil {
		return 0, err
	}
	n := 0
	for _, m := range all {
		if applied[m.Version] {
			continue
		}
		if err := apply(ctx, conn, m); err != nil {
			return n, err
		}
		log.Info("migration applied", "version", m.Version, "name", m.Name)
		n++
	}
	return n, nil
}

func apply(ctx context.Context, conn *sql.Conn, m Migration) error {
	record := `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`
	if m.NoTx {
		if _, err := conn.ExecContext(ctx, m.Up); err != nil {
			return fmt.Errorf("migrations: %05d_%s: %w", m.Version, m.Name, err)
		}
		_, err := conn.ExecContext(ctx, record, m.Version, m.Name)
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrations: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.Up); err != nil {
		return fmt.Errorf("migrations: %05d_%s: %w", m.Version, m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, record, m.Version, m.Name); err != nil {
		return fmt.Errorf("migrations: record %d: %w", m.Version, err)
	}
	return tx.Commit()
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func appliedVersions(ctx context.Context, q queryer) (map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("migrations: read schema_migrations: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out[v] = true
	}
	return out, rows.Err()
}

func checkNotNewer(applied map[int64]bool, all []Migration) error {
	known := map[int64]bool{}
	for _, m := range all {
		known[m.Version] = true
	}
	for v := range applied {
		if !known[v] {
			return fmt.Errorf("%w (it has migration %d, this binary knows up to %d): upgrade koe, or point DATABASE_URL at another database", ErrSchemaNewer, v, Latest())
		}
	}
	return nil
}

// Status reports the newest applied version and how many embedded migrations are pending. It
// returns ErrSchemaNewer like Up does.
func Status(ctx context.Context, db *sql.DB) (current int64, pending int, err error) {
	all, err := All()
	if err != nil {
		return 0, 0, err
	}
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, 0, fmt.Errorf("migrations: status: %w", err)
	}
	applied := map[int64]bool{}
	if exists {
		if applied, err = appliedVersions(ctx, db); err != nil {
			return 0, 0, err
		}
	}
	if err := checkNotNewer(applied, all); err != nil {
		return 0, 0, err
	}
	for _, m := range all {
		if applied[m.Version] {
			current = max(current, m.Version)
		} else {
			pending++
		}
	}
	return current, pending, nil
}
