package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/koehq/koe/internal/pgembed"
	"github.com/koehq/koe/internal/pgtest"
)

func count(t *testing.T, dsn, query string) int {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestKill9MidIngestThenRerun kills `koe ingest` with SIGKILL while it writes a large file, then
// runs it again: every voice is there exactly once.
func TestKill9MidIngestThenRerun(t *testing.T) {
	dsn := pgtest.URL(t)
	const total = 150_000
	path := filepath.Join(t.TempDir(), "big.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range total {
		fmt.Fprintf(w, `{"id":"%d","text":"voice %d: CSVで出力したい、請求書の一括ダウンロードがほしい","email":"u%d@example.com","date":"2026-11-%02dT10:00:00Z"}`+"\n", i, i, i%500, 1+i%20)
	}
	w.Flush()
	f.Close()

	cmd := exec.Command(koeBin, "ingest", "jsonl", "--file", path, "--name", "big")
	cmd.Env = append(cleanEnv(), "DATABASE_URL="+dsn)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stored := 0
	for deadline := time.Now().Add(60 * time.Second); stored == 0; time.Sleep(20 * time.Millisecond) {
		if stored = count(t, dsn, `SELECT count(*) FROM feedback`); stored == 0 && time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("nothing was stored within a minute")
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	atKill := count(t, dsn, `SELECT count(*) FROM feedback`)
	if atKill >= total {
		t.Fatalf("the ingest finished (%d) before the kill: make the file larger", atKill)
	}
	t.Logf("killed with %d of %d voices stored", atKill, total)
	out, errOut, code := koe(t, []string{"DATABASE_URL=" + dsn}, "ingest", "jsonl", "--file", path, "--name", "big")
	if code != 0 || !strings.Contains(out+errOut, fmt.Sprintf("read=%d", total)) {
		t.Fatalf("rerun: %d %s %s", code, out, errOut)
	}
	if n := count(t, dsn, `SELECT count(*) FROM feedback`); n != total {
		t.Fatalf("%d voices after the rerun, want %d", n, total)
	}
	if n := count(t, dsn, `SELECT count(DISTINCT source_id) FROM feedback`); n != total {
		t.Fatalf("%d distinct voices, want %d", n, total)
	}
}

// TestPostgresRestartWhileServing stops PostgreSQL under a running `koe serve`: requests fail
// cleanly (503 from /readyz, an error page, no crash) and work again once it is back, without
// restarting koe.
func TestPostgresRestartWhileServing(t *testing.T) {
	ctx := context.Background()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	pgPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir := reachableTempDir(t)
	cluster, err := pgembed.Start(ctx, pgembed.Options{Dir: dir, Fast: true, Port: pgPort})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cluster.Shutdown() }()
	if err := cluster.EnsureDatabase(ctx, "koe"); err != nil {
		t.Fatal(err)
	}
	ln, _ = net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	serve := exec.Command(koeBin, "serve", "--addr", addr)
	serve.Env = append(cleanEnv(), "DATABASE_URL="+cluster.URL("koe"))
	stderr := &strings.Builder{}
	serve.Stderr = stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- serve.Wait() }()
	defer func() { _ = serve.Process.Signal(syscall.SIGTERM); <-exited }()
	get := func(path string) int {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	waitFor := func(path string, want int) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); get(path) != want; time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s never answered %d (last %d)\n%s", path, want, get(path), stderr.String())
			}
		}
	}
	waitFor("/readyz", 200)
	waitFor("/roadmap.json", 200)

	if err := cluster.Shutdown(); err != nil {
		t.Fatal(err)
	}
	waitFor("/readyz", 503)
	if code := get("/roadmap?lang=en&status=planned"); code != 500 && code != 503 {
		t.Errorf("/roadmap during the outage: %d", code)
	}
	if code := get("/healthz"); code != 200 {
		t.Errorf("/healthz during the outage: %d (the process is up)", code)
	}
	select {
	case err := <-exited:
		exited <- err // for the deferred wait
		t.Fatalf("koe serve exited during the outage: %v\n%s", err, stderr.String())
	default:
	}

	if cluster, err = pgembed.Start(ctx, pgembed.Options{Dir: dir, Fast: true, Port: pgPort}); err != nil {
		t.Fatal(err)
	}
	waitFor("/readyz", 200)
	waitFor("/roadmap?lang=en&status=planned", 200)
}

// TestReadOnlyDatabase: an ingest into a read-only database fails with a clear message and
// writes nothing.
func TestReadOnlyDatabase(t *testing.T) {
	dsn := pgtest.URL(t)
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var name string
	if err := db.QueryRow(`SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`ALTER DATABASE "` + name + `" SET default_transaction_read_only = on`); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v.jsonl")
	os.WriteFile(path, []byte(`{"id":"1","text":"hello"}`+"\n"), 0o644)
	out, errOut, code := koe(t, []string{"DATABASE_URL=" + dsn}, "ingest", "jsonl", "--file", path)
	if code == 0 || !strings.Contains(errOut, "read-only") || !strings.Contains(out+errOut, "ingested source=jsonl") {
		t.Fatalf("ingest into a read-only database: %d %q %q", code, out, errOut)
	}
	if n := count(t, dsn, `SELECT count(*) FROM feedback`); n != 0 {
		t.Fatalf("%d voices written", n)
	}
}

// TestDiskFull moves the feedback table onto a 32 MB filesystem and ingests more than fits: the
// ingest stops with a clear message, what it stored is whole batches that its summary counts,
// and once there is room a rerun stores exactly the rest. It needs root to mount a tmpfs.
func TestDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small filesystem needs root")
	}
	dir := reachableTempDir(t)
	mnt := filepath.Join(dir, "tiny")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=32m,mode=0700", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", "-l", mnt).Run()
	if out, err := exec.Command("chown", "postgres:postgres", mnt).CombinedOutput(); err != nil {
		t.Skipf("chown: %v %s", err, out)
	}
	dsn := pgtest.URL(t)
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	space := fmt.Sprintf("tiny_%d", time.Now().UnixNano())
	if _, err := db.Exec(`CREATE TABLESPACE ` + space + ` LOCATION '` + mnt + `'`); err != nil {
		t.Skipf("create tablespace: %v", err)
	}
	defer db.Exec(`DROP TABLESPACE IF EXISTS ` + space)
	if _, err := db.Exec(`ALTER TABLE feedback SET TABLESPACE ` + space); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "big.jsonl")
	f, _ := os.Create(path)
	w := bufio.NewWriter(f)
	const total = 40_000
	filler := strings.Repeat("長い声です。", 40)
	for i := range total {
		fmt.Fprintf(w, `{"id":"%d","text":"%d %s","date":"2026-11-01T10:00:00Z"}`+"\n", i, i, filler)
	}
	w.Flush()
	f.Close()
	env := []string{"DATABASE_URL=" + dsn}
	out, errOut, code := koe(t, env, "ingest", "jsonl", "--file", path, "--name", "big")
	if code == 0 || !strings.Contains(errOut, "disk is full") {
		t.Fatalf("ingest onto a full disk: %d %q %q", code, out, errOut)
	}
	stored := count(t, dsn, `SELECT count(*) FROM feedback`)
	if stored == 0 || stored >= total || !strings.Contains(out+errOut, fmt.Sprintf("new=%d ", stored)) {
		t.Fatalf("stored %d; the summary says: %s", stored, out+errOut)
	}
	t.Logf("the disk filled after %d voices", stored)
	if _, err := db.Exec(`ALTER TABLE feedback SET TABLESPACE pg_default`); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := koe(t, env, "ingest", "jsonl", "--file", path, "--name", "big"); code != 0 {
		t.Fatalf("rerun with room: %s", errOut)
	}
	if n := count(t, dsn, `SELECT count(*) FROM feedback`); n != total {
		t.Fatalf("%d voices after the rerun, want %d", n, total)
	}
}
