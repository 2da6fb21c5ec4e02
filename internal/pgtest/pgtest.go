// Package pgtest gives each test its own migrated database on a real PostgreSQL.
//
// With KOE_TEST_DATABASE_URL set (a role that may CREATE DATABASE), tests use that server.
// Otherwise one private cluster is shared by every test binary of a `go test` run: the first
// package to need it starts it in $TMPDIR/koe-pgtest-UID, the others join it, and the last one to
// finish stops it (a shared flock counts the users). Each test database is a copy of a migrated
// template, which takes a few milliseconds.
//
// A package that uses pgtest calls pgtest.Main from its TestMain.
package pgtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/koehq/koe/internal/pgembed"
	"github.com/koehq/koe/migrations"
)

var (
	once      sync.Once
	setupErr  error
	adminURL  string
	template  string
	cluster   *pgembed.Cluster
	usersFile *os.File
	dir       string
	counter   atomic.Int64
)

// Main runs the package's tests and then leaves the shared cluster, stopping it if this was its
// last user.
func Main(m *testing.M) {
	code := m.Run()
	release()
	os.Exit(code)
}

// URL creates a fresh, migrated database for t and returns its connection URL. The database is
// dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("pgtest: %v", setupErr)
	}
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), counter.Add(1))
	admin, err := sql.Open("postgres", adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	if err := createFromTemplate(ctx, admin, name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("postgres", adminURL)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(name) + " WITH (FORCE)")
	})
	return withDatabase(adminURL, name)
}

// AdminURL returns a URL for a role that may create databases (for tests of migrations
// themselves, which need an empty database).
func AdminURL(t testing.TB) string {
	t.Helper()
	once.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("pgtest: %v", setupErr)
	}
	return adminURL
}

// EmptyURL creates an empty (unmigrated) database for t.
func EmptyURL(t testing.TB) string {
	t.Helper()
	admin, err := sql.Open("postgres", AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("e_%d_%d", os.Getpid(), counter.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + pq.QuoteIdentifier(name)); err != nil {
		t.Fatalf("pgtest: create %s: %v", name, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("postgres", adminURL)
		if err == nil {
			_, _ = admin.Exec("DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(name) + " WITH (FORCE)")
			admin.Close()
		}
	})
	return withDatabase(adminURL, name)
}

func setup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if u := os.Getenv("KOE_TEST_DATABASE_URL"); u != "" {
		adminURL = u
	} else if err := joinCluster(ctx); err != nil {
		return err
	}
	return ensureTemplate(ctx)
}

func joinCluster(ctx context.Context) error {
	dir = filepath.Join(os.TempDir(), fmt.Sprintf("koe-pgtest-%d", os.Geteuid()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	unlock, err := pgembed.LockFile(ctx, filepath.Join(dir, "start.lock"))
	if err != nil {
		return err
	}
	defer unlock()
	c, err := pgembed.Start(ctx, pgembed.Options{Dir: dir, Fast: true})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, "users.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH); err != nil {
		f.Close()
		return err
	}
	cluster, usersFile = c, f
	adminURL = c.URL("postgres")
	return nil
}

// release leaves the shared cluster; the last user stops it.
func release() {
	if cluster == nil {
		return
	}
	unlock, err := pgembed.LockFile(context.Background(), filepath.Join(dir, "start.lock"))
	if err != nil {
		return
	}
	defer unlock()
	_ = syscall.Flock(int(usersFile.Fd()), syscall.LOCK_UN)
	if syscall.Flock(int(usersFile.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
		if err := cluster.Shutdown(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	usersFile.Close()
}

// ensureTemplate makes a migrated template database named after the migrations' content, so a
// changed migration gets a new template.
func ensureTemplate(ctx context.Context) error {
	all, err := migrations.All()
	if err != nil {
		return err
	}
	h := sha256.New()
	for _, m := range all {
		fmt.Fprintf(h, "%d\x00%s\x00", m.Version, m.Up)
	}
	template = "koe_tpl_" + hex.EncodeToString(h.Sum(nil))[:16]

	admin, err := sql.Open("postgres", adminURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect to test PostgreSQL: %w", err)
	}
	defer conn.Close()
	const lock = 0x6b6f652d74706c // "koe-tpl"
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lock); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, lock)
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, template).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	building := template + "_new"
	_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(building)+" WITH (FORCE)")
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(building)); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	db, err := sql.Open("postgres", withDatabase(adminURL, building))
	if err != nil {
		return err
	}
	_, err = migrations.Up(ctx, db, discard)
	db.Close()
	if err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	// Renamed only once complete, so a crash never leaves a half-migrated template in use.
	_, err = conn.ExecContext(ctx, "ALTER DATABASE "+pq.QuoteIdentifier(building)+" RENAME TO "+pq.QuoteIdentifier(template))
	return err
}

func createFromTemplate(ctx context.Context, admin *sql.DB, name string) error {
	var err error
	for attempt := 0; attempt < 50; attempt++ {
		_, err = admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)+" TEMPLATE "+pq.QuoteIdentifier(template))
		var pqErr *pq.Error
		if err == nil || !errors.As(err, &pqErr) || pqErr.Code != "55006" {
			break
		}
		time.Sleep(100 * time.Millisecond) // the template is briefly in use by another process
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	return nil
}

var discard = slog.New(slog.DiscardHandler)

// withDatabase returns base with its database replaced by name.
func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		panic(fmt.Sprintf("pgtest: KOE_TEST_DATABASE_URL must be a postgres:// URL: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}
