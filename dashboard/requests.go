package dashboard

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/safecsv"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/triage"
)

// backlogSize is how many requests a page of the staff list shows, each with its working.
const backlogSize = 50

// ranked is the backlog by revenue at stake for the page's filter and statuses (?status=, any
// number of them; the open ones when none), with the saved weights, the first explain of them
// with their working.
func (s *Server) ranked(c *gin.Context, explain int) (triage.Backlog, triage.Query, error) {
	var q triage.Query
	f, err := feedback.ParseBacklogFilter(c.Query, func(k string) string { return k })
	if err != nil {
		return triage.Backlog{}, q, err
	}
	statuses, err := feedback.ParseStatuses(strings.Join(c.QueryArray("status"), ","), "status")
	if slices.Contains(c.QueryArray("status"), "all") {
		statuses, err = feedback.RequestStatuses, nil
	}
	if err != nil {
		return triage.Backlog{}, q, err
	}
	q = triage.Query{Filter: f, Statuses: statuses, Currency: s.opts.Currency}
	ctx := c.Request.Context()
	w, err := triage.Weights(ctx, s.store)
	if err != nil {
		return triage.Backlog{}, q, err
	}
	start := time.Now()
	b, err := s.backlogs.Rank(ctx, s.store, q, w, time.Now(), explain)
	if err != nil {
		return b, q, err
	}
	if s.opts.Metrics != nil {
		s.opts.Metrics.ObserveRank(time.Since(start))
	}
	return b, q, nil
}

// partsShown is how many accounts of a request the page writes out, strongest first: with
// thousands of accounts behind the top requests, the page would otherwise run to megabytes.
// The request's own page and the CSV by account have them all.
const partsShown = 20

// backlogRow is a ranked request with its strongest parts' working in the reader's words, and
// how many more accounts count toward it.
type backlogRow struct {
	scoring.Ranked
	Parts []partRow
	More  int
}

// partRow is one account's part: the MRR as paid (with its conversion) and the working.
type partRow struct {
	scoring.Part
	MRRShown string
	Working  string
}

// rows puts the working of list in p's words.
func (s *Server) rows(p locale.Printer, list []scoring.Ranked) []backlogRow {
	out := make([]backlogRow, len(list))
	for i, r := range list {
		out[i].Ranked = r
		out[i].More = max(len(r.Breakdown)-partsShown, 0)
		for _, x := range r.Breakdown[:min(len(r.Breakdown), partsShown)] {
			out[i].Parts = append(out[i].Parts, partRow{Part: x, MRRShown: triage.Amount(p, x.MRR, x.MRRBase, x.Rate, s.opts.Currency),
				Working: triage.Working(p, x, s.opts.Currency, s.opts.Location)})
		}
	}
	return out
}

// backlogView is the ranked backlog page.
type backlogView struct {
	Requests []backlogRow
	Total    int
	Next     string // the next page, if any
	Filter   feedback.BacklogFilter
	// Statuses are the statuses shown; AllStatuses the choices.
	Statuses    []feedback.RequestStatus
	AllStatuses []feedback.RequestStatus
	// Segments are the segment filters with the choices the data has.
	Segments []segment
	// Views are the user's saved views; Query the page's filters, as a view saves them.
	Views []backlogViewLink
	Query string
	// Missing are the currencies without a rate whose accounts the sums leave out.
	Missing []scoring.Unconverted
	// CSVBreakdown is the CSV of one row per request and account.
	CSVBreakdown template.URL
	CSV          template.URL // the same filters as CSV, re-encoded
	From, To     string
	Tags         []feedback.Tag
	Trends       map[int64]trend
}

// trend is a request's voices week by week, oldest first (store.TrendWeeks of them).
type trend []int

// Last4 and Prev4 are the voices of the last four weeks and of the four before.
func (t trend) Last4() int { return sum(t[max(len(t)-4, 0):]) }
func (t trend) Prev4() int { return sum(t[max(len(t)-8, 0):max(len(t)-4, 0)]) }

// Arrow says which way the last four weeks went against the four before.
func (t trend) Arrow() string {
	switch l, p := t.Last4(), t.Prev4(); {
	case l > p:
		return "↑"
	case l < p:
		return "↓"
	}
	return "→"
}

// Spark draws the weeks as a small bar chart; it holds nothing but numbers.
func (t trend) Spark() template.HTML {
	const bw, h = 5, 18
	top := max(slices.Max(append([]int{1}, t...)), 1)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="spark" viewBox="0 0 %d %d" width="%d" height="%d" aria-hidden="true">`, len(t)*bw, h, len(t)*bw, h)
	for i, v := range t {
		bh := v * (h - 1) / top
		if v > 0 {
			bh = max(bh, 2)
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d"/>`, i*bw, h-bh, bw-1, bh)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // numbers only
}

func sum(v []int) int {
	n := 0
	for _, x := range v {
		n += x
	}
	return n
}

// requestsPage is the staff list of requests, most revenue at stake first, each with its
// breakdown per account.
func (s *Server) requestsPage(c *gin.Context) {
	page, _ := strconv.Atoi(c.Query("page"))
	page = max(page, 0)
	b, q, err := s.ranked(c, (page+1)*backlogSize)
	if err != nil {
		s.fail(c, err)
		return
	}
	choices, err := s.choices.Get(c.Request.Context(), s.store, b.Rates)
	if err != nil {
		s.fail(c, err)
		return
	}
	u, _ := currentUser(c)
	here := csvQuery(c.Request.URL.Query())
	views, err := s.backlogViews(c, u.ID, here)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, f := b.Requests, choices.Canonical(q.Filter)
	statuses := q.Statuses
	if statuses == nil {
		statuses = feedback.OpenStatuses
	}
	total := len(list)
	list = list[min(len(list), page*backlogSize):min(len(list), (page+1)*backlogSize)]
	ids := make([]int64, len(list))
	for i, r := range list {
		ids[i] = r.RequestID
	}
	weeks, err := s.store.RequestTrends(c.Request.Context(), ids, time.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	trends := make(map[int64]trend, len(weeks))
	for id, w := range weeks {
		trends[id] = w
	}
	next := ""
	if (page+1)*backlogSize < total {
		q := c.Request.URL.Query()
		q.Set("page", strconv.Itoa(page+1))
		next = "/app/requests?" + q.Encode()
	}
	csvQ := csvQuery(c.Request.URL.Query())
	breakdown := c.Request.URL.Query()
	breakdown.Set("breakdown", "1")
	s.render(c, http.StatusOK, "requests", words(c).T("nav.requests"), backlogView{Requests: s.rows(words(c), list), Total: total, Filter: f, Next: next,
		CSV: template.URL("/app/requests.csv?" + csvQ), CSVBreakdown: template.URL("/app/requests.csv?" + csvQuery(breakdown)),
		From: c.Query("from"), To: c.Query("to"), Tags: feedback.Tags, Trends: trends,
		Statuses: statuses, AllStatuses: feedback.RequestStatuses, Missing: b.Missing,
		Segments: segments(words(c), choices, f, b.Rates.Base), Views: views, Query: here})
}

// requestsJSON is the same list with each request's breakdown.
func (s *Server) requestsJSON(c *gin.Context) {
	b, _, err := s.ranked(c, backlogSize)
	if err != nil {
		s.fail(c, err)
		return
	}
	missing := b.Missing
	if missing == nil {
		missing = []scoring.Unconverted{}
	}
	c.JSON(http.StatusOK, gin.H{"requests": b.Requests[:min(len(b.Requests), backlogSize)], "currency": b.Rates.Base, "missing_rates": missing})
}

// requestsCSV is the whole ranked backlog for a spreadsheet (UTF-8 with a BOM, so Excel reads
// Japanese titles): a row per request, or with ?breakdown=1 a row per request and account.
func (s *Server) requestsCSV(c *gin.Context) {
	explain := 0
	if c.Query("breakdown") != "" {
		explain = -1
	}
	b, _, err := s.ranked(c, explain)
	if err != nil {
		s.fail(c, err)
		return
	}
	list := b.Requests
	if explain < 0 {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="koe-backlog-breakdown.csv"`)
		_, _ = c.Writer.Write([]byte("\ufeff"))
		w := safecsv.NewWriter(c.Writer)
		p := words(c)
		for _, row := range triage.BreakdownRows(p, list, b.Rates.Base, s.opts.Location, true) {
			_ = w.Write(row)
		}
		w.Flush()
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="koe-backlog.csv"`)
	w := safecsv.NewWriter(c.Writer)
	_, _ = c.Writer.Write([]byte("\ufeff"))
	p := words(c)
	_ = w.Write([]string{p.T("requests.csv_rank"), p.T("requests.csv_request_id"), p.T("requests.csv_title"), p.T("requests.csv_status"),
		p.T("requests.csv_at_stake_per_year"), p.T("requests.csv_accounts"), p.T("requests.csv_mrr_total"), p.T("requests.csv_churn"),
		p.T("requests.csv_expansion"), p.T("requests.csv_pipeline"), p.T("requests.csv_other")})
	for _, r := range list {
		f := func(x float64) string { return strconv.FormatFloat(math.Round(x), 'f', 0, 64) }
		_ = w.Write([]string{strconv.Itoa(r.Rank), strconv.FormatInt(r.RequestID, 10), r.Title, string(r.Status), f(r.Score),
			strconv.Itoa(r.Accounts), strconv.FormatInt(r.MRRTotal, 10), f(r.Churn), f(r.Expansion), f(r.Pipeline), f(r.Other)})
	}
	w.Flush()
}

// csvQuery is a page's filters without its page number.
func csvQuery(q url.Values) string {
	q.Del("page")
	q.Del("lang")
	return q.Encode()
}
