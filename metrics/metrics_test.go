package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/metrics"
	"github.com/koehq/koe/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestMetrics(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if err := db.Enqueue(ctx, []store.OutboxMessage{{DedupeKey: "a", Kind: "voice"}, {DedupeKey: "b", Kind: "voice"},
		{Target: store.TargetMail, DedupeKey: "c", Kind: "shipped", Channel: "x@example.com"}}); err != nil {
		t.Fatal(err)
	}
	m := metrics.New(db)
	srv, err := dashboard.New(db, dashboard.Options{Metrics: m, MetricsHandler: m.Handler()})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	for _, p := range []string{"/roadmap", "/roadmap", "/roadmap/7", "/no/such/page?q=secret"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
	}
	m.ObserveIngest("intercom", 10, 1, 3, 0, 2, nil)
	m.ObserveIngest("intercom", 0, 0, 0, 0, 0, errors.New("429"))
	m.ObserveRank(120 * time.Millisecond)

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	for _, want := range []string{
		`koe_http_request_duration_seconds_count{code="200",method="GET",route="/roadmap"} 2`,
		`koe_http_request_duration_seconds_count{code="404",method="GET",route="/roadmap/:id"} 1`,
		`koe_http_request_duration_seconds_count{code="404",method="GET",route="unmatched"} 1`,
		`koe_ingest_items_total{outcome="new",source="intercom"} 10`,
		`koe_ingest_items_total{outcome="failed",source="intercom"} 2`,
		`koe_ingest_runs_total{result="error",source="intercom"} 1`,
		`koe_outbox_messages{status="pending",target="slack"} 2`,
		`koe_outbox_messages{status="pending",target="mail"} 1`,
		`koe_outbox_messages{status="failed",target="slack"} 0`,
		`koe_ranking_duration_seconds_count 1`,
		`koe_db_connections{state="idle"}`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, "secret") || strings.Contains(text, "/no/such/page") {
		t.Errorf("/metrics shows a raw path")
	}
	if rec.Header().Get("X-Request-Id") == "" {
		t.Errorf("no X-Request-Id")
	}
}

// TestMetricsBoundedLabels: anonymous requests with invented methods and paths add no series
// beyond one bucket each (an audit grew /metrics from 12 KB to 4 MB with 3,000 of them).
func TestMetricsBoundedLabels(t *testing.T) {
	db := storetest.Open(t)
	m := metrics.New(db)
	srv, err := dashboard.New(db, dashboard.Options{Metrics: m, MetricsHandler: m.Handler()})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	series := func() int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		return strings.Count(rec.Body.String(), "koe_http_request_duration_seconds_count{")
	}
	before := series()
	for i := range 1000 {
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/made/up/%d", i), nil)
		req.Method = fmt.Sprintf("M%d", i)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	if got, want := series()-before, 2; got > want { // one for the invented methods, one for the /metrics scrape itself
		t.Fatalf("1000 invented methods added %d series, want at most %d", got, want)
	}
}

// TestMetricsToken: with KOE_METRICS_TOKEN set, /metrics answers only its bearer.
func TestMetricsToken(t *testing.T) {
	db := storetest.Open(t)
	m := metrics.New(db)
	srv, err := dashboard.New(db, dashboard.Options{Metrics: m, MetricsHandler: m.Handler(), MetricsToken: "scrape-s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	for _, tc := range []struct {
		auth string
		want int
	}{{"", http.StatusUnauthorized}, {"Bearer wrong", http.StatusUnauthorized}, {"scrape-s3cret", http.StatusUnauthorized}, {"Bearer scrape-s3cret", http.StatusOK}} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want || tc.want != http.StatusOK && strings.Contains(rec.Body.String(), "koe_") {
			t.Errorf("Authorization %q: %d, want %d", tc.auth, rec.Code, tc.want)
		}
	}
}
