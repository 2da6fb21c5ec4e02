// Command koe-load is `make load`: a bounded load run on loopback. It starts a private
// PostgreSQL (or uses DATABASE_URL), loads the demo data (and -public more public requests), serves Koe in this process, and for a
// fixed time (60 s by default, at most -max requests per stream) drives three streams at once —
// the public roadmap, voices posted to the API, the staff backlog — then prints each stream's
// throughput, p50, p99 and errors.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/koehq/koe/api"
	"github.com/koehq/koe/config"
	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/demo"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/internal/benchdata"
	"github.com/koehq/koe/internal/pgembed"
	"github.com/koehq/koe/store"
)

func main() {
	duration := flag.Duration("duration", 60*time.Second, "how long the streams run")
	maxPer := flag.Int64("max", 2_000_000, "at most this many requests per stream")
	roadmapClients := flag.Int("roadmap", 8, "clients reading /roadmap and /roadmap.json")
	apiClients := flag.Int("api", 4, "clients posting voices to /api/v1/feedback")
	backlogClients := flag.Int("backlog", 2, "clients reading /app/requests")
	public := flag.Int("public", 10_000, "public requests added to the demo data (the roadmap at a real company's size)")
	flag.Parse()
	if err := run(*duration, *maxPer, *roadmapClients, *apiClients, *backlogClients, *public); err != nil {
		fmt.Fprintln(os.Stderr, "koe-load:", err)
		os.Exit(1)
	}
}

func run(duration time.Duration, maxPer int64, roadmapClients, apiClients, backlogClients, public int) error {
	ctx := context.Background()
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	dsn := cfg.DatabaseURL
	if dsn == "" {
		dir, err := os.MkdirTemp("", "koe-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		_ = os.Chmod(dir, 0o755) // the postgres user runs the cluster when this runs as root
		c, err := pgembed.Start(ctx, pgembed.Options{Dir: filepath.Join(dir, "data"), Fast: false})
		if err != nil {
			return err
		}
		defer c.Stop()
		if err := c.EnsureDatabase(ctx, "koe"); err != nil {
			return err
		}
		dsn = c.URL("koe")
	}
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	ds := demo.Generate(demo.Options{Seed: 1})
	var last int64
	for _, r := range ds.Requests {
		last = max(last, r.ID)
	}
	ds.Requests = append(ds.Requests, benchdata.PublicRequests(public, last+1)...)
	if err := db.ReplaceAll(ctx, ds); err != nil {
		return err
	}
	token, _, err := db.CreateAPIToken(ctx, "load", "write", "koe-load")
	if err != nil {
		return err
	}
	sess, err := db.CreateSession(ctx, ds.Users[0].ID, time.Hour)
	if err != nil {
		return err
	}
	opts := dashboard.NewOptions(cfg, slog.New(slog.DiscardHandler))
	// As koe serve does: posted voices are suggested for in the background, not one by one.
	in := &intake.Service{DB: db}
	in.Start(ctx)
	opts.API = api.New(db, in, api.Options{})
	srv, err := dashboard.New(db, opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	fmt.Printf("koe-load: %d voices of demo data and %d more public requests, %s on loopback; streams for %s (at most %d requests each)\n",
		len(ds.Items), public, base, duration, maxPer)

	var seq atomic.Int64
	streams := []*stream{
		{name: "roadmap (/roadmap, /roadmap.json)", clients: roadmapClients, req: func(i int64) *http.Request {
			path := "/roadmap"
			if i%2 == 0 {
				path = "/roadmap.json"
			}
			r, _ := http.NewRequest(http.MethodGet, base+path, nil)
			return r
		}, ok: http.StatusOK},
		{name: "API ingest (POST /api/v1/feedback)", clients: apiClients, req: func(int64) *http.Request {
			n := seq.Add(1)
			body := fmt.Sprintf(`{"text":"load voice %d: 請求書をまとめてダウンロードしたい","email":"user%d@example.com","source":"load","source_id":"%d"}`, n, n%400, n)
			r, _ := http.NewRequest(http.MethodPost, base+"/api/v1/feedback", bytes.NewBufferString(body))
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Content-Type", "application/json")
			return r
		}, ok: http.StatusCreated},
		{name: "backlog (/app/requests)", clients: backlogClients, req: func(int64) *http.Request {
			r, _ := http.NewRequest(http.MethodGet, base+"/app/requests", nil)
			r.AddCookie(&http.Cookie{Name: "koe_session", Value: sess.Token})
			return r
		}, ok: http.StatusOK},
	}
	deadline := time.Now().Add(duration)
	start := time.Now()
	var wg sync.WaitGroup
	for _, s := range streams {
		for range s.clients {
			wg.Go(func() { s.drive(client, deadline, maxPer) })
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Printf("%-38s %9s %9s %8s %8s %7s\n", "stream", "requests", "req/s", "p50 ms", "p99 ms", "errors")
	for _, s := range streams {
		s.report(elapsed)
	}
	return nil
}

// stream is one kind of traffic, driven by its clients.
type stream struct {
	name    string
	clients int
	req     func(i int64) *http.Request
	ok      int

	n      atomic.Int64
	errs   atomic.Int64
	mu     sync.Mutex
	took   []time.Duration
	sample string
}

func (s *stream) drive(c *http.Client, deadline time.Time, maxPer int64) {
	var mine []time.Duration
	for time.Now().Before(deadline) {
		i := s.n.Add(1)
		if i > maxPer {
			break
		}
		t0 := time.Now()
		resp, err := c.Do(s.req(i))
		if err != nil {
			s.fail(err.Error())
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != s.ok {
			s.fail(resp.Status)
			continue
		}
		mine = append(mine, time.Since(t0))
	}
	s.mu.Lock()
	s.took = append(s.took, mine...)
	s.mu.Unlock()
}

func (s *stream) fail(why string) {
	s.errs.Add(1)
	s.mu.Lock()
	if s.sample == "" {
		s.sample = why
	}
	s.mu.Unlock()
}

func (s *stream) report(elapsed time.Duration) {
	slices.Sort(s.took)
	pct := func(p int) float64 {
		if len(s.took) == 0 {
			return 0
		}
		return float64(s.took[min(len(s.took)-1, len(s.took)*p/100)].Microseconds()) / 1000
	}
	done := len(s.took) + int(s.errs.Load())
	fmt.Printf("%-38s %9d %9.0f %8.1f %8.1f %7d\n", s.name, done, float64(done)/elapsed.Seconds(), pct(50), pct(99), s.errs.Load())
	if s.sample != "" {
		fmt.Printf("  first error: %s\n", s.sample)
	}
}
