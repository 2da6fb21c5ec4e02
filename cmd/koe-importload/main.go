// Command koe-importload measures `koe ingest` of a big file: it starts a private PostgreSQL
// (fsync on, as in production; or uses DATABASE_URL), loads accounts and requests (10,000 by
// default), writes a JSON Lines file of voices (200,000 by default: Japanese and English, half
// matched to accounts by domain, some HTML, some rated, over two years), ingests it as `koe
// ingest` does (intake with the Slack rules), then ingests it again (every voice a duplicate).
// For each run it prints wall time, this process's CPU time, the PostgreSQL processes' CPU time
// and voices/s; with -statements, the statements PostgreSQL spent the most time on.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/koehq/koe/config"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest/file"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/internal/benchdata"
	"github.com/koehq/koe/internal/pgembed"
	"github.com/koehq/koe/slackbot"
	"github.com/koehq/koe/store"
)

func main() {
	voices := flag.Int("voices", 200_000, "voices in the file")
	requests := flag.Int("requests", 10_000, "requests in the database")
	accounts := flag.Int("accounts", 2_000, "accounts in the database")
	statements := flag.Int("statements", 0, "print this many statements PostgreSQL spent the most time on (pg_stat_statements)")
	fast := flag.Bool("fast", false, "run the private cluster with fsync and synchronous commit off (as the tests do)")
	cpuProfile := flag.String("cpuprofile", "", "write this process's CPU profile of the two runs to this file")
	rerun := flag.Bool("rerun", true, "ingest the file a second time (every voice a duplicate)")
	pgdata := flag.String("pgdata", "", "with DATABASE_URL: the data directory of that cluster, when it runs on this machine, to measure its CPU")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "koe-importload:", err)
			os.Exit(1)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if err := run(*voices, *requests, *accounts, *statements, *fast, *rerun, *pgdata); err != nil {
		fmt.Fprintln(os.Stderr, "koe-importload:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(voices, requests, accounts, statements int, fast, rerun bool, pgdata string) error {
	ctx := context.Background()
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	dsn := cfg.DatabaseURL
	if dsn == "" {
		dir, err := os.MkdirTemp("", "koe-importload-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		_ = os.Chmod(dir, 0o755) // the postgres user runs the cluster when this runs as root
		opts := pgembed.Options{Dir: filepath.Join(dir, "data"), Fast: fast, Log: slog.New(slog.DiscardHandler)}
		c, err := pgembed.Start(ctx, opts)
		if err != nil {
			return err
		}
		if statements > 0 {
			db, err := store.Open(ctx, c.URL("postgres"), nil)
			if err != nil {
				c.Stop()
				return err
			}
			err = db.PreloadStatementStats(ctx)
			db.Close()
			if err == nil {
				err = c.Stop()
			}
			if err == nil {
				c, err = pgembed.Start(ctx, opts)
			}
			if err != nil {
				return err
			}
		}
		defer c.Stop()
		if err := c.EnsureDatabase(ctx, "koe"); err != nil {
			return err
		}
		dsn, pgdata = c.URL("koe"), filepath.Join(opts.Dir, "postgres")
	}
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	ds := feedback.Dataset{Accounts: benchdata.BigAccounts(accounts), Requests: benchdata.Big(0, 1, requests).Requests}
	if err := db.ImportDataset(ctx, ds); err != nil {
		return err
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("koe-importload-%d.jsonl", os.Getpid()))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer os.Remove(path)
	err = benchdata.VoicesJSONL(f, voices, accounts, time.Now())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if statements > 0 {
		if err := db.ResetStatementStats(ctx); err != nil {
			return err
		}
	}
	fmt.Printf("koe-importload: %d voices into a database with %d requests and %d accounts (fsync %v)\n", voices, requests, accounts, !fast)
	fmt.Printf("%-10s %8s %8s %8s %8s %9s  %s\n", "run", "wall s", "go cpu s", "pg cpu s", "cpu/wall", "voices/s", "counts")
	runs := []string{"first", "rerun"}
	if !rerun {
		runs = runs[:1]
	}
	for _, name := range runs {
		m, err := mappingFor()
		if err != nil {
			return err
		}
		src := &file.Source{Path: path, Format: "jsonl", SourceKind: feedback.SourceChat, SourceName: "load", Mapping: m, Location: time.UTC}
		in := &intake.Service{DB: db, Rules: slackbot.NewConfig(cfg).Messages, Log: slog.New(slog.DiscardHandler)}
		wBefore, _ := db.FeedbackWrites(ctx)
		goBefore, pgBefore := selfCPU(), pgCPU(pgdata)
		start := time.Now()
		c, err := in.Ingest(ctx, src, intake.Run{SourceType: "jsonl"})
		wall := time.Since(start)
		goCPU, pg := selfCPU()-goBefore, pgCPU(pgdata)-pgBefore
		if err != nil {
			return err
		}
		pgs := "-"
		if pgdata != "" {
			pgs = fmt.Sprintf("%.1f", pg.Seconds())
		}
		fmt.Printf("%-10s %8.1f %8.1f %8s %8.2f %9.0f  %s\n", name, wall.Seconds(), goCPU.Seconds(), pgs,
			(goCPU+pg).Seconds()/wall.Seconds(), float64(voices)/wall.Seconds(), c.Summary("jsonl"))
		if w, err := db.FeedbackWrites(ctx); err == nil && w.Updated > wBefore.Updated {
			upd, hot := w.Updated-wBefore.Updated, w.HOT-wBefore.HOT
			fmt.Printf("  feedback: %d rows updated, %.0f%% HOT; table %.0f MB\n", upd, 100*float64(hot)/float64(upd), float64(w.Bytes)/(1<<20))
		}
		if statements > 0 {
			st, err := db.StatementStats(ctx, statements)
			if err != nil {
				return err
			}
			fmt.Printf("  %9s %8s %9s %10s  %s\n", "total ms", "calls", "rows", "wal MB", "statement")
			for _, s := range st {
				fmt.Printf("  %9.0f %8d %9d %10.1f  %s\n", s.TotalMS, s.Calls, s.Rows, float64(s.WalBytes)/(1<<20), s.Query)
			}
			if err := db.ResetStatementStats(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

func mappingFor() (file.Mapping, error) { return file.NewMapping("", "") }

// selfCPU is the user and system time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pgCPU is the user and system time of the cluster's postmaster and its children now running
// (and, through the postmaster, those that ended), read from /proc.
func pgCPU(pgdata string) time.Duration {
	if pgdata == "" {
		return 0
	}
	b, err := os.ReadFile(filepath.Join(pgdata, "postmaster.pid"))
	if err != nil {
		return 0
	}
	pm := strings.SplitN(string(b), "\n", 2)[0]
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	for _, p := range procs {
		st, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(st)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:]) // state ppid … utime(12) stime(13)
		if len(f) < 15 {
			continue
		}
		pid := filepath.Base(filepath.Dir(p))
		if pid != pm && f[1] != pm {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		sy, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + sy
		if pid == pm { // and the children that ended (backends, autovacuum workers)
			cu, _ := strconv.ParseInt(f[13], 10, 64)
			cs, _ := strconv.ParseInt(f[14], 10, 64)
			ticks += cu + cs
		}
	}
	return time.Duration(ticks) * (time.Second / 100) // USER_HZ
}
