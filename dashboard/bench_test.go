package dashboard_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"runtime/metrics"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/koehq/koe/api"
	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/demo"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/internal/benchdata"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
)

// BenchmarkPages serves the staff pages over HTTP on loopback, over 1,000,000 voices (50,000
// accounts, 20,000 requests), and reports each page's p50 and p95 over the iterations (the whole
// response read).
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	ds := benchdata.Big(1_000_000, 50_000, 20_000)
	ds.Users = []feedback.User{{ID: 1, Email: "cs@koe.example", Role: feedback.RoleCS}}
	if err := db.ImportDataset(ctx, ds); err != nil {
		b.Fatal(err)
	}
	if err := db.Vacuum(ctx); err != nil {
		b.Fatal(err)
	}
	sess, err := db.CreateSession(ctx, 1, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := db.CreateAPIToken(ctx, "bench", "read", "bench")
	if err != nil {
		b.Fatal(err)
	}
	srv, err := dashboard.New(db, opts(dashboard.Options{API: api.New(db, &intake.Service{DB: db}, api.Options{})}))
	if err != nil {
		b.Fatal(err)
	}
	web := httptest.NewServer(srv.Handler()) // real HTTP on loopback
	defer web.Close()
	client := web.Client()
	// change tags one voice, as CS does between two views of the backlog.
	n := 0
	change := func() {
		n++
		tag := []feedback.Tag{feedback.TagChurnRisk, feedback.TagUsability}[n%2]
		if err := db.TagFeedback(ctx, 1, tag, store.Triager{Actor: "cs@koe.example"}); err != nil {
			b.Error(err) // also called from the changing API benchmark's own goroutine
		}
	}
	for _, page := range []struct {
		name, path string
		before     func()
	}{
		{"sheet", "/app/feedback", nil},
		{"sheet-filtered", "/app/feedback?source=review&tag=churn_risk&lang_filter=ja", nil},
		{"sheet-by-mrr", "/app/feedback?sort=mrr", nil},
		{"sheet-search", "/app/feedback?q=" + url.QueryEscape("請求書をPDF"), nil},
		{"sheet-search-none", "/app/feedback?q=" + url.QueryEscape("存在しない言葉"), nil},
		{"sheet-search-wide", "/app/feedback?q=" + url.QueryEscape("ＣＳＶ"), nil},
		{"sheet-search-kana", "/app/feedback?q=" + url.QueryEscape("ばっくあっぷ"), nil},
		{"sheet-search-none-latin", "/app/feedback?q=" + url.QueryEscape("zqxjk"), nil},
		{"voice", "/app/feedback/1", nil},
		{"request", "/app/requests/1", nil},
		{"account", "/app/accounts/1", nil},
		{"backlog", "/app/requests", nil},
		{"backlog-filtered", "/app/requests?tag=churn_risk&plan=business&mrr_band=50k-200k", nil},
		// Every view after a change ranks again: what the first view after an edit costs.
		{"backlog-after-change", "/app/requests", change},
	} {
		b.Run(page.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				if page.before != nil {
					page.before()
				}
				req, _ := http.NewRequest(http.MethodGet, web.URL+page.path, nil)
				req.AddCookie(&http.Cookie{Name: "koe_session", Value: sess.Token})
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				took = append(took, time.Since(start))
				if resp.StatusCode != 200 {
					b.Fatalf("%s: %d", page.path, resp.StatusCode)
				}
			}
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
	// 32 clients ask the API for the first 30 of the backlog at once (the measurement),
	// with the data unchanged, and with a voice tagged every 200 ms (every answer after a change
	// waits for a new ranking, which those asking at once share).
	for _, c := range []struct {
		name  string
		every time.Duration
	}{{"api-backlog-32", 0}, {"api-backlog-32-changing", 200 * time.Millisecond}} {
		b.Run(c.name, func(b *testing.B) {
			stop := make(chan struct{})
			var wg sync.WaitGroup
			if c.every > 0 {
				wg.Go(func() {
					for t := time.NewTicker(c.every); ; {
						select {
						case <-stop:
							t.Stop()
							return
						case <-t.C:
							change()
						}
					}
				})
			}
			peak := heapPeak(stop, &wg)
			concurrent(b, client, 32, func() *http.Request {
				req, _ := http.NewRequest(http.MethodGet, web.URL+"/api/v1/backlog?limit=30", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				return req
			})
			close(stop)
			wg.Wait()
			b.ReportMetric(float64(*peak)/(1<<20), "peak-heap-MB")
			// What stays once the rankings in flight are done: the kept rankings and whatever the
			// store holds in memory.
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "kept-heap-MB")
		})
	}
}

// concurrent sends b.N requests from each of n clients at once and reports requests a second,
// p50 and p99, the process's CPU time per request (user+system: the machine may be shared, so
// wall figures alone mislead) and the bytes of an answer.
func concurrent(b *testing.B, client *http.Client, n int, req func() *http.Request) {
	var (
		mu   sync.Mutex
		took []time.Duration
		left atomic.Int64
		wg   sync.WaitGroup
		size atomic.Int64
	)
	left.Store(int64(b.N * n))
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	for range n {
		wg.Go(func() {
			var mine []time.Duration
			for left.Add(-1) >= 0 {
				t0 := time.Now()
				resp, err := client.Do(req())
				if err != nil {
					b.Error(err)
					return
				}
				got, _ := io.Copy(io.Discard, resp.Body)
				size.Store(got)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Errorf("%d", resp.StatusCode)
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			took = append(took, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	if len(took) == 0 {
		return
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(len(took))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(took)), "cpu-ms/req")
	b.ReportMetric(float64(size.Load()), "bytes/answer")
}

// cpuTime is the CPU time this process has used (user and system); PostgreSQL's own processes
// are not in it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// heapPeak samples the heap in use every 10 ms until stop closes; read the peak after wg.Wait.
func heapPeak(stop chan struct{}, wg *sync.WaitGroup) *uint64 {
	var peak uint64
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	wg.Go(func() {
		for t := time.NewTicker(10 * time.Millisecond); ; {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				t.Stop()
				return
			case <-t.C:
			}
		}
	})
	return &peak
}

// BenchmarkRoadmap loads the public pages over HTTP on loopback with the demo data, from 16
// clients at once (keep-alive), and reports requests a second and the p99 latency. "uncached"
// builds every answer afresh (a TTL of 1 ns: opts reads a zero TTL as the default), to show what
// the cache saves.
func BenchmarkRoadmap(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	if err := db.ImportDataset(ctx, demo.Generate(demo.Options{Seed: 1})); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		ttl  time.Duration
		path string
	}{
		{"roadmap", 10 * time.Second, "/roadmap"},
		{"roadmap.json", 10 * time.Second, "/roadmap.json"},
		{"roadmap.json-uncached", time.Nanosecond, "/roadmap.json"},
		{"roadmap-uncached", time.Nanosecond, "/roadmap"},
	} {
		b.Run(c.name, func(b *testing.B) {
			srv, err := dashboard.New(db, opts(dashboard.Options{RoadmapAskedBy: true, RoadmapCacheTTL: c.ttl}))
			if err != nil {
				b.Fatal(err)
			}
			hammer(b, srv.Handler(), c.path, "")
		})
	}
}

// hammer reads path from 16 clients at once (8 per core) for b.N requests, and reports requests a
// second and the 99th percentile; with enc it sends that Accept-Encoding itself (so the transport
// neither asks for gzip nor unzips: the bytes read are the bytes sent) and reports an answer's bytes.
func hammer(b *testing.B, h http.Handler, path, enc string) {
	web := httptest.NewServer(h)
	defer web.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var (
		mu    sync.Mutex
		took  []time.Duration
		bytes int64
	)
	b.SetParallelism(8)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		var n int64
		for pb.Next() {
			t0 := time.Now()
			req, _ := http.NewRequest(http.MethodGet, web.URL+path, nil)
			if enc != "" {
				req.Header.Set("Accept-Encoding", enc)
			}
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			n, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("%s: %d", path, resp.StatusCode)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		took = append(took, mine...)
		bytes = n
		mu.Unlock()
	})
	elapsed := time.Since(start)
	if len(took) == 0 {
		return
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(len(took))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	if enc != "" {
		b.ReportMetric(float64(bytes), "bytes/answer")
	}
}
