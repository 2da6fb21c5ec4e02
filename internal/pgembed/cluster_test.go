package pgembed

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// tempDir returns a directory the postgres user can reach when the test runs as root.
func tempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestStartReuseStop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	ctx := context.Background()
	dir := tempDir(t)
	c, err := Start(ctx, Options{Dir: dir, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Shutdown()
	if !c.Owned() {
		t.Fatal("first Start did not own the cluster")
	}
	if err := c.EnsureDatabase(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	if err := c.EnsureDatabase(ctx, "app"); err != nil {
		t.Fatalf("EnsureDatabase twice: %v", err)
	}
	db, err := sql.Open("postgres", c.URL("app"))
	if err != nil {
		t.Fatal(err)
	}
	var listen string
	if err := db.QueryRow(`SHOW listen_addresses`).Scan(&listen); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if listen != "127.0.0.1" {
		t.Fatalf("listen_addresses = %q, want loopback only", listen)
	}

	// A second koe on the same directory joins the running cluster and does not stop it.
	c2, err := Start(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if c2.Owned() || c2.Port() != c.Port() {
		t.Fatalf("second Start: owned=%v port=%d, want joined on port %d", c2.Owned(), c2.Port(), c.Port())
	}
	if err := c2.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.ping(ctx, "app"); err != nil {
		t.Fatalf("the joiner's Stop stopped the cluster: %v", err)
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "postgres", "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("postmaster.pid still there after Stop: %v", err)
	}

	// Started again, it reuses the directory and its data.
	c3, err := Start(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Stop()
	if err := c3.ping(ctx, "app"); err != nil {
		t.Fatalf("database gone after restart: %v", err)
	}
}

func TestFindBinariesOverride(t *testing.T) {
	_, err := FindBinaries(t.TempDir())
	if !errors.Is(err, ErrNoBinaries) || !strings.Contains(err.Error(), "KOE_PG_BINDIR") {
		t.Fatalf("err = %v, want ErrNoBinaries naming KOE_PG_BINDIR", err)
	}
	dir, err := FindBinaries("")
	if err != nil {
		t.Fatal(err)
	}
	if !hasServer(dir) {
		t.Fatalf("FindBinaries returned %s without the server binaries", dir)
	}
}

func TestDataDirOwnedBySomeoneElse(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give the directory away")
	}
	dir := tempDir(t)
	pgdata := filepath.Join(dir, "postgres")
	if err := os.Mkdir(pgdata, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(pgdata, 54321, 54321); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "belongs to") {
		t.Fatalf("err = %v, want it to say the directory belongs to someone else", err)
	}
}

func TestReachable(t *testing.T) {
	dir := t.TempDir()
	locked := filepath.Join(dir, "locked")
	if err := os.Mkdir(locked, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	stranger := &syscall.Credential{Uid: 54321, Gid: 54321}
	err := reachable(locked, stranger)
	if err == nil || !strings.Contains(err.Error(), "cannot enter "+locked) {
		t.Fatalf("err = %v, want it to name %s", err, locked)
	}
}
