// Package pgembed runs a private PostgreSQL cluster from the server binaries installed on the
// machine: Koe's embedded default when DATABASE_URL is unset, and the database of the tests.
//
// The cluster lives in DIR/postgres (or, when koe runs as root and the postgres user cannot
// reach DIR, in /var/lib/koe/clusters/HASH/postgres) and listens only on 127.0.0.1, on a free
// port chosen at each start, with a random password kept in DIR/postgres.json (mode 0600). Unix sockets are off, so
// nothing depends on /var/run/postgresql. PostgreSQL refuses to run as root: when Koe runs as
// root, the cluster is initialised and run as the `postgres` system user.
//
// Start reuses a cluster that is already running on the same directory (another koe process, or
// one left behind by a crash); Stop stops only a cluster this process started.
package pgembed

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// fallbackRoot holds clusters whose data directory the postgres user cannot reach (when koe runs
// as root under /root).
var fallbackRoot = "/var/lib/koe/clusters"

// Superuser is the cluster's superuser role.
const Superuser = "koe"

// Options says where the cluster lives and how it runs.
type Options struct {
	// Dir holds the cluster (Dir/postgres) and its credentials (Dir/postgres.json).
	Dir string
	// BinDir overrides where the server binaries are looked for.
	BinDir string
	// Fast turns fsync and synchronous commit off: for tests, never for real data.
	Fast bool
	// Port, when not 0, is the port to listen on (a free one otherwise).
	Port int
	Log  *slog.Logger
}

// Cluster is a running private PostgreSQL. Its methods are safe for concurrent use.
type Cluster struct {
	pgdata   string
	bindir   string
	port     int
	password string
	owned    bool
	runAs    *syscall.Credential
	log      *slog.Logger
	wantPort int
}

type credentials struct {
	Password string `json:"password"`
}

// Start initialises the cluster on first use, then starts it, or joins it if it is already
// running. The caller must Stop it.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("pgembed: data directory %q: %w", opts.Dir, err)
	}
	bindir, err := FindBinaries(opts.BinDir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{pgdata: filepath.Join(dir, "postgres"), bindir: bindir, log: opts.Log, wantPort: opts.Port}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("pgembed: create data directory: %w (set KOE_DATA_DIR to a directory you can write)", err)
	}
	unlock, err := lockFile(ctx, filepath.Join(dir, "postgres.lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()

	if os.Geteuid() == 0 {
		if c.runAs, err = postgresUser(); err != nil {
			return nil, err
		}
		if err := reachable(dir, c.runAs); err != nil {
			// Under /root, say: keep the cluster where the postgres user can reach it, one per
			// data directory, and say so.
			sum := sha256.Sum256([]byte(dir))
			alt := filepath.Join(fallbackRoot, hex.EncodeToString(sum[:8]))
			if err2 := os.MkdirAll(alt, 0o755); err2 != nil {
				return nil, err
			}
			if err2 := reachable(alt, c.runAs); err2 != nil {
				return nil, err
			}
			c.pgdata = filepath.Join(alt, "postgres")
			c.log.Warn("the postgres user cannot reach the data directory; the cluster lives elsewhere", "data_dir", dir, "cluster", c.pgdata, "reason", err.Error())
		}
	}
	if c.password, err = loadCredentials(filepath.Join(dir, "postgres.json")); err != nil {
		return nil, err
	}
	if err := c.checkOwner(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(c.pgdata, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx, opts.Fast); err != nil {
			return nil, err
		}
	} else if err := c.checkVersion(); err != nil {
		return nil, err
	}
	if port, ok := c.runningPort(); ok {
		c.port = port
		if err := c.ping(ctx, "postgres"); err == nil {
			c.log.Info("embedded postgres reused", "port", port, "dir", c.pgdata)
			return c, nil
		}
		// A postmaster.pid whose process is alive but does not answer us: let pg_ctl decide.
	}
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	c.owned = true
	return c, nil
}

// URL returns a connection URL for database name.
func (c *Cluster) URL(name string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(Superuser, c.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + name,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Port is the loopback port the cluster listens on.
func (c *Cluster) Port() int { return c.port }

// Owned reports whether this process started the cluster (and so Stop stops it).
func (c *Cluster) Owned() bool { return c.owned }

// EnsureDatabase creates database name unless it exists.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) error {
	db, err := sql.Open("postgres", c.URL("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("pgembed: look up database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "42P04" { // created meanwhile by another process
		return nil
	}
	if err != nil {
		return fmt.Errorf("pgembed: create database %s: %w", name, err)
	}
	return nil
}

// Stop shuts the cluster down if this process started it, waiting for in-flight work to end.
func (c *Cluster) Stop() error {
	if !c.owned {
		return nil
	}
	return c.Shutdown()
}

// Shutdown stops the cluster whoever started it: for a caller that knows it is the last user.
func (c *Cluster) Shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if out, err := c.run(ctx, "pg_ctl", "stop", "-D", c.pgdata, "-m", "fast", "-w", "-t", "60"); err != nil {
		return fmt.Errorf("pgembed: stop: %w: %s", err, lastLines(out, 3))
	}
	c.owned = false
	c.log.Info("embedded postgres stopped", "dir", c.pgdata)
	return nil
}

func (c *Cluster) initdb(ctx context.Context, fast bool) error {
	if err := os.MkdirAll(c.pgdata, 0o700); err != nil {
		return fmt.Errorf("pgembed: create %s: %w", c.pgdata, err)
	}
	if c.runAs != nil {
		if err := os.Chown(c.pgdata, int(c.runAs.Uid), int(c.runAs.Gid)); err != nil {
			return fmt.Errorf("pgembed: hand %s to the postgres user: %w", c.pgdata, err)
		}
	}
	c.log.Info("initialising embedded postgres", "dir", c.pgdata, "bindir", c.bindir)
	// The password goes through a file only initdb's user can read, removed right after.
	pwfile := filepath.Join(filepath.Dir(c.pgdata), ".initdb-pw")
	if err := os.WriteFile(pwfile, []byte(c.password+"\n"), 0o600); err != nil {
		return fmt.Errorf("pgembed: %w", err)
	}
	defer os.Remove(pwfile)
	if c.runAs != nil {
		if err := os.Chown(pwfile, int(c.runAs.Uid), int(c.runAs.Gid)); err != nil {
			return fmt.Errorf("pgembed: %w", err)
		}
	}
	out, err := c.run(ctx, "initdb", "-D", c.pgdata, "-U", Superuser,
		"--pwfile="+pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale")
	if err != nil {
		return fmt.Errorf("pgembed: initdb: %w: %s", err, lastLines(out, 5))
	}
	conf := "\n# Added by koe: loopback only, no Unix sockets.\n" +
		"listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
	if fast {
		conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
	}
	f, err := os.OpenFile(filepath.Join(c.pgdata, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("pgembed: configure: %w", err)
	}
	if _, err := f.WriteString(conf); err != nil {
		f.Close()
		return fmt.Errorf("pgembed: configure: %w", err)
	}
	return f.Close()
}

func (c *Cluster) start(ctx context.Context) error {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := c.wantPort, error(nil)
		if port == 0 {
			if port, err = freePort(); err != nil {
				return fmt.Errorf("pgembed: find a free port: %w", err)
			}
		}
		out, err := c.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", c.pgdata,
			"-l", filepath.Join(c.pgdata, "server.log"), "-o", "-p "+strconv.Itoa(port))
		if err == nil {
			c.port = port
			c.log.Info("embedded postgres started", "port", port, "dir", c.pgdata)
			return nil
		}
		logTail := c.logTail()
		lastErr = fmt.Errorf("pgembed: start: %w: %s %s", err, lastLines(out, 2), logTail)
		if !strings.Contains(logTail, "Address already in use") {
			break
		}
	}
	return lastErr
}

func (c *Cluster) logTail() string {
	b, _ := os.ReadFile(filepath.Join(c.pgdata, "server.log"))
	return lastLines(b, 3)
}

// runningPort reads postmaster.pid and reports the port of a live postmaster.
func (c *Cluster) runningPort() (int, bool) {
	b, err := os.ReadFile(filepath.Join(c.pgdata, "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 {
		return 0, false
	}
	pid, err1 := strconv.Atoi(strings.TrimSpace(lines[0]))
	port, err2 := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err1 != nil || err2 != nil || pid <= 0 {
		return 0, false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return 0, false
	}
	return port, true
}

func (c *Cluster) ping(ctx context.Context, name string) error {
	db, err := sql.Open("postgres", c.URL(name))
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

func (c *Cluster) checkOwner() error {
	st, err := os.Stat(c.pgdata)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("pgembed: %w", err)
	}
	want := uint32(os.Geteuid())
	if c.runAs != nil {
		want = c.runAs.Uid
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Uid != want {
		owner := strconv.Itoa(int(sys.Uid))
		if u, err := user.LookupId(owner); err == nil {
			owner = u.Username
		}
		return fmt.Errorf("pgembed: data directory %s belongs to %s, not to the user koe runs PostgreSQL as: run koe as %s, or set KOE_DATA_DIR to another directory", c.pgdata, owner, owner)
	}
	return nil
}

func (c *Cluster) checkVersion() error {
	b, err := os.ReadFile(filepath.Join(c.pgdata, "PG_VERSION"))
	if err != nil {
		return fmt.Errorf("pgembed: %w", err)
	}
	have := strings.TrimSpace(string(b))
	out, err := c.run(context.Background(), "postgres", "--version")
	if err != nil {
		return fmt.Errorf("pgembed: postgres --version: %w", err)
	}
	// "postgres (PostgreSQL) 15.18 (Debian …)"
	fields := strings.Fields(string(out))
	if len(fields) >= 3 {
		major, _, _ := strings.Cut(fields[2], ".")
		if major != have {
			return fmt.Errorf("pgembed: the cluster in %s was made by PostgreSQL %s but the binaries in %s are %s: set KOE_PG_BINDIR to PostgreSQL %s's bin directory, or move the data directory away to start afresh", c.pgdata, have, c.bindir, major, have)
		}
	}
	return nil
}

// run starts a server binary as the cluster's owner, in its own process group so that a Ctrl-C
// at the terminal reaches koe, which then stops PostgreSQL in order.
func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bindir, name), args...)
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: c.runAs}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") && !strings.HasPrefix(kv, "LC_") && !strings.HasPrefix(kv, "LANG") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "LC_ALL=C")
	return cmd.CombinedOutput()
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("pgembed: koe runs as root, and PostgreSQL refuses root, but there is no `postgres` user to run it as: install the postgresql package (it creates the user), run koe as a normal user, or set DATABASE_URL")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// reachable checks that the postgres user can enter every directory above dir.
func reachable(dir string, cred *syscall.Credential) error {
	for d := dir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("pgembed: %w", err)
		}
		sys, _ := st.Sys().(*syscall.Stat_t)
		perm := st.Mode().Perm()
		ok := perm&0o001 != 0 ||
			(sys != nil && sys.Uid == cred.Uid && perm&0o100 != 0) ||
			(sys != nil && sys.Gid == cred.Gid && perm&0o010 != 0)
		if !ok {
			return fmt.Errorf("pgembed: PostgreSQL runs as the postgres user, which cannot enter %s (mode %04o): set KOE_DATA_DIR to a directory it can reach, such as /var/lib/koe or /tmp/koe-data", d, perm)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

func loadCredentials(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		var cr credentials
		if err := json.Unmarshal(b, &cr); err != nil || cr.Password == "" {
			return "", fmt.Errorf("pgembed: %s is damaged: restore it, or remove it together with the postgres directory beside it to start afresh", path)
		}
		return cr.Password, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("pgembed: read %s: %w", path, err)
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	cr := credentials{Password: hex.EncodeToString(raw)}
	b, _ = json.Marshal(cr)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return "", fmt.Errorf("pgembed: write %s: %w", path, err)
	}
	return cr.Password, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// LockFile takes an exclusive flock on path and returns its release; it waits while ctx allows.
func LockFile(ctx context.Context, path string) (func(), error) { return lockFile(ctx, path) }

// lockFile takes an exclusive flock on path, waiting while ctx allows.
func lockFile(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("pgembed: lock %s: %w", path, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("pgembed: lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(bytes.ToValidUTF8(b, nil))), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
