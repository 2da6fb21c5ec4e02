package dashboard_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/benchdata"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/store"
)

// BenchmarkPages serves the staff pages over HTTP on loopback, over 1,000,000 voices (50,000
// accounts, 20,000 requests), and reports each page's p50 and p95 over the iterations (the whole
// response read).
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, pgtest.URL(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
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
	srv, err := dashboard.New(db, dashboard.Options{})
	if err != nil {
		b.Fatal(err)
	}
	web := httptest.NewServer(srv.Handler()) // real HTTP on loopback
	defer web.Close()
	client := web.Client()
	for _, page := range []struct{ name, path string }{
		{"sheet", "/app/feedback"},
		{"sheet-filtered", "/app/feedback?source=review&tag=churn_risk&lang_filter=ja"},
		{"sheet-by-mrr", "/app/feedback?sort=mrr"},
		{"sheet-search", "/app/feedback?q=" + url.QueryEscape("請求書をPDF")},
		{"sheet-search-none", "/app/feedback?q=" + url.QueryEscape("存在しない言葉")},
		{"voice", "/app/feedback/1"},
		{"request", "/app/requests/1"},
		{"account", "/app/accounts/1"},
		{"backlog", "/app/requests"},
	} {
		b.Run(page.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
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
}
