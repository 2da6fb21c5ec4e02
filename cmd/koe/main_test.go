package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/koehq/koe/config"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/migrations"
)

var koeBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "koe-bin-")
	if err != nil {
		panic(err)
	}
	koeBin = filepath.Join(dir, "koe")
	if out, err := exec.Command("go", "build", "-o", koeBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build koe: %v\n%s", err, out)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	pgtest.Main(m)
}

// koe runs the binary to completion with extra environment variables.
func koe(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, koeBin, args...)
	cmd.Env = append(cleanEnv(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		// The locale variables too: the command line speaks the reader's language, and the tests
		// read its English.
		if !strings.HasPrefix(kv, "KOE_") && !strings.HasPrefix(kv, "DATABASE_URL=") &&
			!strings.HasPrefix(kv, "LANG=") && !strings.HasPrefix(kv, "LC_") {
			env = append(env, kv)
		}
	}
	return env
}

// reachableTempDir is a temp directory the postgres user can enter when tests run as root.
func reachableTempDir(t *testing.T) string {
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	return dir
}

func TestVersionAndHelp(t *testing.T) {
	out, _, code := koe(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "koe ") || !strings.Contains(out, fmt.Sprintf("schema %d", migrations.Latest())) {
		t.Fatalf("version: code %d, %q", code, out)
	}
	for _, sub := range []string{"serve", "migrate", "demo", "version", "config"} {
		out, _, code := koe(t, nil, sub, "--help")
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%s --help: code %d, %q", sub, code, out)
		}
	}
}

func TestConfigMasksSecrets(t *testing.T) {
	out, _, code := koe(t, []string{"DATABASE_URL=postgres://koe:hunter2@db:5432/koe"}, "config")
	if code != 0 {
		t.Fatalf("config: code %d", code)
	}
	if strings.Contains(out, "hunter2") || !strings.Contains(out, "postgres://koe:xxxxx@db:5432/koe") {
		t.Fatalf("config output:\n%s", out)
	}
	for _, s := range config.Settings(&config.Config{}) {
		if s.Value != nil && !strings.Contains(out, s.Name+" ") {
			t.Errorf("koe config does not show %s", s.Name)
		}
	}
	out, _, code = koe(t, nil, "config", "--markdown")
	if code != 0 || out != config.Markdown() {
		t.Fatalf("config --markdown: code %d:\n%s", code, out)
	}
	_, errOut, code := koe(t, []string{"KOE_LOG_LEVEL=loud"}, "config")
	if code == 0 || !strings.Contains(errOut, "KOE_LOG_LEVEL") {
		t.Fatalf("bad config: code %d, stderr %q", code, errOut)
	}
}

func TestMigrateTwiceAndTogether(t *testing.T) {
	url := pgtest.EmptyURL(t)
	env := []string{"DATABASE_URL=" + url}

	// Two at once: both succeed, each migration applied once.
	type result struct {
		stderr string
		code   int
	}
	results := make(chan result, 2)
	for range 2 {
		go func() {
			_, errOut, code := koe(t, env, "migrate")
			results <- result{errOut, code}
		}()
	}
	applied := 0
	for range 2 {
		r := <-results
		if r.code != 0 {
			t.Fatalf("concurrent migrate: code %d: %s", r.code, r.stderr)
		}
		applied += strings.Count(r.stderr, "migration applied")
	}
	all, _ := migrations.All()
	if applied != len(all) {
		t.Fatalf("two concurrent migrates applied %d migrations, want %d (each once)", applied, len(all))
	}

	out, errOut, code := koe(t, env, "migrate")
	if code != 0 || !strings.Contains(out, "0 pending") || strings.Contains(errOut, "migration applied") {
		t.Fatalf("second migrate: code %d, out %q, err %q", code, out, errOut)
	}
}

func TestSchemaNewerRefused(t *testing.T) {
	url := pgtest.URL(t)
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name) VALUES (424242, 'future')`); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"migrate"}, {"serve", "--addr", "127.0.0.1:0"}} {
		_, errOut, code := koe(t, []string{"DATABASE_URL=" + url}, args...)
		if code == 0 || !strings.Contains(errOut, "newer than this koe binary") {
			t.Errorf("%v: code %d, stderr %q", args, code, errOut)
		}
	}
}

func TestBadDatabaseURLIsOneClearLine(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	for _, dsn := range []string{"postgres://koe:pw@" + closed + "/koe", "not a url"} {
		_, errOut, code := koe(t, []string{"DATABASE_URL=" + dsn, "KOE_LOG_FORMAT=json"}, "migrate")
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		last := lines[len(lines)-1]
		if code != 1 || !strings.HasPrefix(last, "koe: ") || strings.Contains(errOut, "goroutine") {
			t.Errorf("DATABASE_URL=%q: code %d, stderr %q", dsn, code, errOut)
		}
	}
}

func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, errOut, code := koe(t, []string{"DATABASE_URL=" + pgtest.URL(t)}, "serve", "--addr", ln.Addr().String())
	if code != 1 || !strings.Contains(errOut, "already in use") {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
}

func TestDemoOnDatabaseURLRefusesToOverwrite(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	out, errOut, code := koe(t, env, "demo", "--no-serve")
	if code != 0 || !strings.Contains(out, "feedback=3200") {
		t.Fatalf("first demo: code %d, out %q, err %q", code, out, errOut)
	}
	_, errOut, code = koe(t, env, "demo", "--no-serve")
	if code != 1 || !strings.Contains(errOut, "--reset") {
		t.Fatalf("second demo without --reset: code %d, err %q", code, errOut)
	}
	out, _, code = koe(t, env, "demo", "--no-serve", "--reset", "--seed", "2")
	if code != 0 || !strings.Contains(out, "accounts=320") {
		t.Fatalf("demo --reset: code %d, out %q", code, out)
	}
}

// TestDemoEmbeddedLifecycle runs `koe demo` as a user would: embedded database, pages answer,
// SIGTERM stops everything with exit 0, and a second start reuses the data directory.
func TestDemoEmbeddedLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	dataDir := reachableTempDir(t)
	for round := 1; round <= 2; round++ {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		cmd := exec.Command(koeBin, "demo", "--addr", addr)
		cmd.Env = append(cleanEnv(), "KOE_DATA_DIR="+dataDir, "KOE_LOG_FORMAT=json")
		stdout, _ := cmd.StdoutPipe()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if !waitForLine(stdout, "Koe demo is running", 90*time.Second) {
			cmd.Process.Kill()
			t.Fatalf("round %d: demo did not come up: %s", round, stderr.String())
		}
		t.Logf("round %d: demo serving after %v", round, time.Since(start).Round(time.Millisecond))
		for _, path := range []string{"/app/requests", "/roadmap", "/roadmap.json", "/healthz"} {
			resp, err := http.Get("http://" + addr + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("round %d: %s: status %d", round, path, resp.StatusCode)
			}
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("round %d: after SIGTERM: %v\n%s", round, err, stderr.String())
		}
		if _, err := os.Stat(filepath.Join(dataDir, "postgres", "postmaster.pid")); !os.IsNotExist(err) {
			t.Fatalf("round %d: PostgreSQL still running after koe exited (postmaster.pid present)", round)
		}
		initialised := strings.Contains(stderr.String(), "initialising embedded postgres")
		if initialised != (round == 1) {
			t.Fatalf("round %d: initialised=%v; the second start must reuse the data directory", round, initialised)
		}
	}
}

func waitForLine(r io.Reader, want string, timeout time.Duration) bool {
	found := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if strings.Contains(sc.Text(), want) {
				found <- true
				io.Copy(io.Discard, r)
				return
			}
		}
		found <- false
	}()
	select {
	case ok := <-found:
		return ok
	case <-time.After(timeout):
		return false
	}
}
