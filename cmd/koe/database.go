package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/koehq/koe/internal/pgembed"
	"github.com/koehq/koe/store"
)

// newLogger logs text on a terminal and JSON otherwise, at the configured level.
func (e *env) newLogger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: e.cfg.LogLevel}
	format := e.cfg.LogFormat
	if format == "auto" {
		format = "json"
		if f, ok := e.stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(e.stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(e.stderr, opts))
}

// database is an open, migrated store and, when DATABASE_URL is unset, the embedded cluster
// under it. Close closes both, in that order.
type database struct {
	*store.DB
	cluster *pgembed.Cluster
}

// openDatabase connects to DATABASE_URL, or starts (or joins) the embedded cluster and uses its
// database embeddedName, then applies pending migrations.
func (e *env) openDatabase(ctx context.Context, log *slog.Logger, embeddedName string) (*database, error) {
	d := &database{}
	dsn := e.cfg.DatabaseURL
	if dsn == "" {
		c, err := pgembed.Start(ctx, pgembed.Options{Dir: e.cfg.DataDir, BinDir: e.cfg.PGBinDir, Log: log})
		if err != nil {
			return nil, explainEmbedded(err)
		}
		d.cluster = c
		if err := c.EnsureDatabase(ctx, embeddedName); err != nil {
			d.Close()
			return nil, err
		}
		dsn = c.URL(embeddedName)
	}
	db, err := store.Open(ctx, dsn, log)
	if err != nil {
		d.Close()
		return nil, err
	}
	d.DB = db
	if _, err := db.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the pool, then stops the embedded cluster if this process started it.
func (d *database) Close() {
	if d.DB != nil {
		d.DB.Close()
	}
	if d.cluster != nil {
		if err := d.cluster.Stop(); err != nil {
			slog.Error("stop embedded postgres", "err", err)
		}
	}
}

func explainEmbedded(err error) error {
	if errors.Is(err, pgembed.ErrNoBinaries) {
		return err
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "pgembed: ") {
		msg = "embedded PostgreSQL: " + strings.TrimPrefix(msg, "pgembed: ")
	}
	return fmt.Errorf("%s", msg)
}

// withDB makes a command body that gets the migrated database (embedded or DATABASE_URL),
// closed when it returns.
func (e *env) withDB(fn func(ctx context.Context, db *database, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		db, err := e.openDatabase(cmd.Context(), e.newLogger(), "koe")
		if err != nil {
			return err
		}
		defer db.Close()
		return fn(cmd.Context(), db, args)
	}
}
