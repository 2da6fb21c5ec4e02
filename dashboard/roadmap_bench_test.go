package dashboard_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/internal/storetest"
)

// BenchmarkRoadmapPage reads a page of 30 of the public roadmap over HTTP on loopback, with
// 10,000 public requests (15,000 voices from 3 companies behind them) built by the benchmark,
// from 16 clients at once (keep-alive). It reports requests a second, the p99 latency and the
// bytes of one answer, gzipped ("gzip") or not ("identity"). "cached" serves from the
// per-replica cache (KOE_ROADMAP_CACHE=10s); "uncached" builds every answer afresh (a TTL of
// 1 ns, since opts reads a zero as the default; concurrent identical requests still share one
// build). The whole CSV is there for the size every answer used to have.
func BenchmarkRoadmapPage(b *testing.B) {
	db := storetest.Open(b)
	if err := db.ImportDataset(context.Background(), publicRequests(10_000)); err != nil {
		b.Fatal(err)
	}
	first, err := dashboard.New(db, opts(dashboard.Options{RoadmapAskedBy: true}))
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	first.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/roadmap.json", nil))
	var page1 roadmapPage
	if err := json.Unmarshal(rec.Body.Bytes(), &page1); err != nil || page1.NextCursor == nil {
		b.Fatalf("the first page: %v %s", err, rec.Body.String())
	}
	for _, c := range []struct {
		name string
		ttl  time.Duration
		path string
	}{
		{"json-cached", 10 * time.Second, "/roadmap.json"},
		{"html-cached", 10 * time.Second, "/roadmap?lang=en"},
		{"html-asked-planned-cached", 10 * time.Second, "/roadmap?lang=en&status=planned&sort=asked"},
		{"json-uncached", time.Nanosecond, "/roadmap.json"},
		{"json-page2-uncached", time.Nanosecond, "/roadmap.json?cursor=" + *page1.NextCursor},
		{"json-asked-uncached", time.Nanosecond, "/roadmap.json?sort=asked"},
		{"json-search-uncached", time.Nanosecond, "/roadmap.json?q=request+99"},
		{"html-uncached", time.Nanosecond, "/roadmap?lang=en"},
		{"csv-whole-cached", 10 * time.Second, "/roadmap.csv"},
	} {
		for _, enc := range []string{"identity", "gzip"} {
			b.Run(c.name+"/"+enc, func(b *testing.B) {
				srv, err := dashboard.New(db, opts(dashboard.Options{RoadmapAskedBy: true, RoadmapCacheTTL: c.ttl}))
				if err != nil {
					b.Fatal(err)
				}
				web := httptest.NewServer(srv.Handler())
				defer web.Close()
				// Setting Accept-Encoding ourselves keeps the transport from asking for gzip and
				// unzipping on its own: the bytes read are the bytes sent.
				client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
				var (
					mu    sync.Mutex
					took  []time.Duration
					bytes int64
				)
				b.SetParallelism(8) // 16 clients on 2 cores
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					var mine []time.Duration
					var n int64
					for pb.Next() {
						t0 := time.Now()
						req, _ := http.NewRequest(http.MethodGet, web.URL+c.path, nil)
						req.Header.Set("Accept-Encoding", enc)
						resp, err := client.Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						n, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != 200 {
							b.Errorf("%s: %d", c.path, resp.StatusCode)
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
				b.ReportMetric(float64(bytes), "bytes/answer")
			})
		}
	}
}
