package dashboard_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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
				hammer(b, srv.Handler(), c.path, enc)
			})
		}
	}
}
