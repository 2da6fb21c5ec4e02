// Package metrics is what `koe serve` shows Prometheus at /metrics (github.com/prometheus/client_golang):
// HTTP latency by route, ingest items and errors by source, outbox depth and failures, ranking
// time, the database pool, and Go's own runtime numbers.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/koehq/koe/store"
)

// Metrics holds Koe's collectors. Its methods are safe for concurrent use.
type Metrics struct {
	reg     *prometheus.Registry
	http    *prometheus.HistogramVec
	items   *prometheus.CounterVec
	runs    *prometheus.CounterVec
	ranking prometheus.Histogram
}

// New registers Koe's collectors; st answers the outbox and pool gauges at scrape time.
func New(st *store.DB) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		http: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "koe_http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by route pattern, method and status code.", Buckets: prometheus.DefBuckets},
			[]string{"route", "method", "code"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "koe_ingest_items_total",
			Help: "Items read by source runs, by source and outcome (new, updated, duplicate, skipped, failed)."}, []string{"source", "outcome"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "koe_ingest_runs_total",
			Help: "Source runs, by source and result (ok, error)."}, []string{"source", "result"}),
		ranking: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "koe_ranking_duration_seconds",
			Help: "Time to rank the backlog.", Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}),
	}
	m.reg.MustRegister(m.http, m.items, m.runs, m.ranking, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), &outbox{st: st}, &pool{st: st})
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveHTTP records one answered request; route is the route's pattern (never the raw path,
// which would make a series per id), "" for a request no route matched. Methods outside HTTP's
// own are one "other" bucket: a label is a series kept for the life of the process, so nothing
// a caller makes up may become one.
func (m *Metrics) ObserveHTTP(route, method string, code int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	if !knownMethods[method] {
		method = "other"
	}
	m.http.WithLabelValues(route, method, strconv.Itoa(code)).Observe(d.Seconds())
}

var knownMethods = map[string]bool{http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true, http.MethodConnect: true, http.MethodTrace: true}

// ObserveIngest records one source run.
func (m *Metrics) ObserveIngest(source string, newItems, updated, duplicate, skipped, failed int, err error) {
	for outcome, n := range map[string]int{"new": newItems, "updated": updated, "duplicate": duplicate, "skipped": skipped, "failed": failed} {
		m.items.WithLabelValues(source, outcome).Add(float64(n))
	}
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.runs.WithLabelValues(source, result).Inc()
}

// ObserveRank records one ranking of the backlog.
func (m *Metrics) ObserveRank(d time.Duration) { m.ranking.Observe(d.Seconds()) }

// outbox reads the outbox's unsent messages at each scrape.
type outbox struct{ st *store.DB }

var outboxDesc = prometheus.NewDesc("koe_outbox_messages", "Unsent outbox messages by target (slack, mail, webhook) and status (pending, sending, failed).",
	[]string{"target", "status"}, nil)

func (o *outbox) Describe(ch chan<- *prometheus.Desc) { ch <- outboxDesc }

func (o *outbox) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := o.st.OutboxDepth(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(outboxDesc, err)
		return
	}
	seen := map[[2]string]bool{}
	for _, c := range counts {
		seen[[2]string{c.Target, c.Status}] = true
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(c.N), c.Target, c.Status)
	}
	for _, t := range []string{store.TargetSlack, store.TargetMail, store.TargetWebhook} { // zeros, so alerts see the series
		for _, s := range []string{"pending", "sending", "failed"} {
			if !seen[[2]string{t, s}] {
				ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, 0, t, s)
			}
		}
	}
}

// pool reports the database connection pool.
type pool struct{ st *store.DB }

var (
	poolOpen  = prometheus.NewDesc("koe_db_connections", "Database connections by state (in_use, idle).", []string{"state"}, nil)
	poolWaits = prometheus.NewDesc("koe_db_wait_total", "Times a query waited for a free connection.", nil, nil)
	poolWait  = prometheus.NewDesc("koe_db_wait_seconds_total", "Time spent waiting for a free connection.", nil, nil)
)

func (p *pool) Describe(ch chan<- *prometheus.Desc) { ch <- poolOpen; ch <- poolWaits; ch <- poolWait }

func (p *pool) Collect(ch chan<- prometheus.Metric) {
	s := p.st.PoolStats()
	ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(s.InUse), "in_use")
	ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(s.Idle), "idle")
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.WaitCount))
	ch <- prometheus.MustNewConstMetric(poolWait, prometheus.CounterValue, s.WaitDuration.Seconds())
}
