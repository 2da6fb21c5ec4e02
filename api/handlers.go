package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/triage"
)

func (a *API) listFeedback(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	f := store.FeedbackFilter{Status: feedback.Status(c.Query("status")), Source: feedback.SourceKind(c.Query("source"))}
	if f.Status != "" && !f.Status.Valid() {
		a.fail(c, feedback.Errorf(feedback.EINVALID, "status %q: use new, triaged, ignored or spam.", f.Status))
		return
	}
	if f.Source != "" && !f.Source.Valid() {
		a.fail(c, feedback.Errorf(feedback.EINVALID, "source %q: use chat, review, email, slack, manual or sheet.", f.Source))
		return
	}
	for _, q := range []struct {
		name string
		dst  *int64
	}{{"request_id", &f.RequestID}, {"account_id", &f.AccountID}} {
		if v := c.Query(q.name); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				a.fail(c, feedback.Errorf(feedback.EINVALID, "%s %q is not an id.", q.name, v))
				return
			}
			*q.dst = id
		}
	}
	items, err := a.store.FeedbackPage(c.Request.Context(), f, p)
	if err != nil {
		a.fail(c, err)
		return
	}
	list(c, items, func(it feedback.Item) int64 { return it.ID }, p.Limit)
}

func (a *API) getFeedback(c *gin.Context) { getOne(a, c, a.store.FeedbackByID) }
func (a *API) getRequest(c *gin.Context)  { getOne(a, c, a.store.RequestByID) }
func (a *API) getAccount(c *gin.Context) {
	getOne(a, c, func(ctx context.Context, id int64) (feedback.Account, error) {
		return a.store.AccountByRef(ctx, strconv.FormatInt(id, 10))
	})
}

// getOne answers {"data": …} with the thing the path's id names.
func getOne[T any](a *API, c *gin.Context, get func(ctx context.Context, id int64) (T, error)) {
	id, err := pathID(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	v, err := get(c.Request.Context(), id)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": v})
}

// newFeedback is the body of POST /feedback: a voice from a website widget, a form, a tool.
type newFeedback struct {
	Text       string     `json:"text"`
	Title      string     `json:"title"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	Company    string     `json:"company"`
	Source     string     `json:"source"`    // feedback.source_name; "api" when empty
	SourceID   string     `json:"source_id"` // the caller's id; makes a repeat a duplicate, not a second voice
	URL        string     `json:"url"`
	Rating     *float64   `json:"rating"`
	ReceivedAt *time.Time `json:"received_at"`
}

// nul names the first field holding a NUL character, which PostgreSQL stores in no text; "" when
// none does. (JSON decoding has already made every string valid UTF-8.)
func (in newFeedback) nul() string {
	for _, f := range []struct{ name, v string }{{"text", in.Text}, {"title", in.Title}, {"email", in.Email}, {"name", in.Name},
		{"company", in.Company}, {"source", in.Source}, {"source_id", in.SourceID}, {"url", in.URL}} {
		if strings.IndexByte(f.v, 0) >= 0 {
			return f.name
		}
	}
	return ""
}

// oneRecord is a source of one posted voice, for the ingest pipeline.
type oneRecord struct {
	name string
	rec  ingest.Record
}

func (o oneRecord) Kind() feedback.SourceKind { return feedback.SourceManual }
func (o oneRecord) Name() string              { return o.name }
func (o oneRecord) Pull(_ context.Context, _ string, emit func(ingest.Batch) error) error {
	return emit(ingest.Batch{Records: []ingest.Record{o.rec}})
}

// createFeedback stores a posted voice through the intake service (cleaning, language,
// sentiment, account matching, the Slack rules, suggestions), as any source's.
func (a *API) createFeedback(c *gin.Context) {
	var in newFeedback
	body, err := readJSON(c, &in)
	if err != nil {
		a.fail(c, err)
		return
	}
	if key := c.GetHeader("Idempotency-Key"); !utf8.ValidString(key) || strings.IndexByte(key, 0) >= 0 {
		a.fail(c, feedback.Errorf(feedback.EINVALID, "Idempotency-Key is not UTF-8 text: send letters, digits and dashes."))
		return
	}
	a.once(c, body, func() (int, any) {
		in.Text, in.Source = strings.TrimSpace(in.Text), strings.TrimSpace(in.Source)
		if field := in.nul(); field != "" {
			return a.errorAnswer(c, feedback.Errorf(feedback.EINVALID, "%s holds a NUL character (\\u0000): remove it and send again.", field))
		}
		switch {
		case in.Text == "":
			return a.errorAnswer(c, feedback.Errorf(feedback.EINVALID, "text is empty: send the customer's words."))
		case in.Rating != nil && (*in.Rating < 0 || *in.Rating > 5):
			return a.errorAnswer(c, feedback.Errorf(feedback.EINVALID, "rating: use 0 to 5 stars."))
		}
		if in.Source == "" {
			in.Source = "api"
		}
		if in.SourceID == "" {
			in.SourceID = c.GetHeader("Idempotency-Key")
		}
		if in.SourceID == "" {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			in.SourceID = hex.EncodeToString(b)
		}
		// Source ids are each integration's own: the same id (or Idempotency-Key) from another
		// token is another voice, never a rewrite of this one.
		t := c.MustGet(tokenKey).(store.APIToken)
		in.SourceID = "t" + strconv.FormatInt(t.ID, 10) + ":" + in.SourceID
		at := time.Now()
		if in.ReceivedAt != nil {
			at = *in.ReceivedAt
		}
		it := feedback.Item{SourceID: in.SourceID, ReceivedAt: at, AuthorName: in.Name, AuthorEmail: in.Email, CompanyName: in.Company,
			Title: in.Title, Body: in.Text, URL: in.URL, Rating: in.Rating}
		ctx := c.Request.Context()
		before, beforeErr := a.store.FeedbackBySource(ctx, feedback.SourceManual, in.Source, in.SourceID)
		ix, err := a.index.Get(ctx)
		if err != nil {
			return a.errorAnswer(c, fmt.Errorf("match index: %w", err))
		}
		var problem string
		counts, err := a.intake.Ingest(ctx, oneRecord{name: in.Source, rec: ingest.Record{Item: it, Where: "the posted voice"}},
			intake.Run{SourceType: "api", Index: ix, NoRunRecord: true, Problem: func(pr ingest.Problem) {
				if !pr.Stored {
					problem = pr.Why
				}
			}})
		if problem != "" { // the voice's own problem (the run then failed: ingest.ErrAllFailed)
			return a.errorAnswer(c, feedback.Errorf(feedback.EINVALID, "%s", problem))
		}
		if err != nil {
			return a.errorAnswer(c, fmt.Errorf("store a voice: %w", err))
		}
		stored, err := a.store.FeedbackBySource(ctx, feedback.SourceManual, in.Source, in.SourceID)
		if err != nil {
			return a.errorAnswer(c, fmt.Errorf("read the stored voice: %w", err))
		}
		if counts.New == 0 {
			if beforeErr == nil && counts.Updated > 0 {
				if err := a.store.AuditVoiceRewrite(ctx, stored.ID, "api:"+t.Name, postedWords(before), postedWords(stored)); err != nil {
					return a.errorAnswer(c, err)
				}
			}
			return http.StatusOK, gin.H{"data": stored, "duplicate": true}
		}
		return http.StatusCreated, gin.H{"data": stored}
	})
}

func (a *API) linkFeedback(c *gin.Context) {
	var in struct {
		RequestID int64 `json:"request_id"`
	}
	a.edit(c, &in, func(ctx context.Context, id int64, who store.Triager) error {
		if in.RequestID <= 0 {
			return feedback.Errorf(feedback.EINVALID, "request_id: send the id of the request to link to.")
		}
		return a.store.LinkFeedback(ctx, id, in.RequestID, who)
	})
}

func (a *API) tagFeedback(c *gin.Context) {
	var in struct {
		Tag feedback.Tag `json:"tag"`
	}
	a.edit(c, &in, func(ctx context.Context, id int64, who store.Triager) error {
		if !in.Tag.Valid() {
			return feedback.Errorf(feedback.EINVALID, "tag %q: use churn_risk, expansion, usability, internal_efficiency, or \"\" to clear it.", in.Tag)
		}
		return a.store.TagFeedback(ctx, id, in.Tag, who)
	})
}

// edit runs a triage change to one voice by the token (named in the audit log) and answers the
// voice as it is after.
func (a *API) edit(c *gin.Context, in any, change func(ctx context.Context, id int64, who store.Triager) error) {
	id, err := pathID(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	body, err := readJSON(c, in)
	if err != nil {
		a.fail(c, err)
		return
	}
	t := c.MustGet(tokenKey).(store.APIToken)
	a.once(c, body, func() (int, any) {
		ctx := c.Request.Context()
		if err := change(ctx, id, store.Triager{Actor: "api:" + t.Name}); err != nil {
			return a.errorAnswer(c, err)
		}
		it, err := a.store.FeedbackByID(ctx, id)
		if err != nil {
			return a.errorAnswer(c, err)
		}
		return http.StatusOK, gin.H{"data": it}
	})
}

func (a *API) listRequests(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	reqs, err := a.store.RequestsPage(c.Request.Context(), p)
	if err != nil {
		a.fail(c, err)
		return
	}
	list(c, reqs, func(r feedback.Request) int64 { return r.ID }, p.Limit)
}

func (a *API) listAccounts(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	accts, err := a.store.AccountsPage(c.Request.Context(), p)
	if err != nil {
		a.fail(c, err)
		return
	}
	list(c, accts, func(x feedback.Account) int64 { return x.ID }, p.Limit)
}

// partsShown is how many accounts of a request /backlog writes out by default, strongest first
// (as the backlog page does); ?parts= asks for up to partsMax. With thousands of accounts behind
// the top requests, every part would make an answer of megabytes; the totals (accounts,
// mrr_total) stay whole and parts_more says how many were left out.
const (
	partsShown = 20
	partsMax   = 1000
)

// backlogRow is a ranked request with its strongest parts only.
type backlogRow struct {
	scoring.Ranked
	Breakdown []scoring.Part `json:"breakdown"` // shadows Ranked's
	PartsMore int            `json:"parts_more"`
}

// backlog is the ranked backlog with the filters of `koe rank` (open requests unless ?status=
// says otherwise); ?limit= requests (50), each with its strongest ?parts= accounts (20);
// warnings name the currencies without a rate whose accounts were left out.
func (a *API) backlog(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	parts := partsShown
	if v := c.Query("parts"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > partsMax {
			a.fail(c, feedback.Errorf(feedback.EINVALID, "parts %q: use a number from 0 to %d.", v, partsMax))
			return
		}
		parts = n
	}
	f, err := feedback.ParseBacklogFilter(c.Query, func(k string) string { return k })
	if err != nil {
		a.fail(c, err)
		return
	}
	statuses, err := feedback.ParseStatuses(c.Query("status"), "status")
	if err != nil {
		a.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if f.Plan != "" || f.Language != "" || f.Employees != "" {
		choices, err := a.segmentChoices(c)
		if err != nil {
			a.fail(c, err)
			return
		}
		if err := choices.Check(f, func(k string) string { return k }); err != nil {
			a.fail(c, err)
			return
		}
		f = choices.Canonical(f)
	}
	w, err := triage.Weights(ctx, a.store)
	if err != nil {
		a.fail(c, err)
		return
	}
	b, err := a.backlogs.Rank(ctx, a.store, triage.Query{Filter: f, Statuses: statuses, Currency: a.opts.Currency}, w, time.Now(), p.Limit)
	if err != nil {
		a.fail(c, err)
		return
	}
	ranked := b.Requests[:min(len(b.Requests), p.Limit)]
	rows := make([]backlogRow, len(ranked))
	for i, r := range ranked {
		n := min(len(r.Breakdown), parts)
		rows[i] = backlogRow{Ranked: r, Breakdown: append([]scoring.Part{}, r.Breakdown[:n]...), PartsMore: len(r.Breakdown) - n}
	}
	warnings := []gin.H{}
	for _, m := range b.Missing {
		warnings = append(warnings, gin.H{"code": "missing_rate", "currency": m.Currency, "accounts": len(m.Accounts),
			"fix": "koe rates set " + m.Currency + "=RATE"})
	}
	c.JSON(http.StatusOK, gin.H{"data": rows, "weights": w, "total": len(b.Requests),
		"currency": b.Rates.Base, "warnings": warnings})
}

// backlogChoices are the values each segment filter of /backlog can take, as the data has them:
// plans (one per plan whatever its case), lifecycles, MRR bands (in the base currency) and
// employee bands with their numbers of accounts; source kinds with their named sources;
// languages of voices.
func (a *API) backlogChoices(c *gin.Context) {
	choices, err := a.segmentChoices(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": choices, "currency": a.currency()})
}

func (a *API) segmentChoices(c *gin.Context) (store.BacklogChoices, error) {
	rates, err := a.store.Rates(c.Request.Context(), a.currency())
	if err != nil {
		return store.BacklogChoices{}, err
	}
	return a.choices.Get(c.Request.Context(), a.store, rates)
}

// postedWords are the fields of a voice a post may rewrite, for the audit log.
func postedWords(it feedback.Item) map[string]any {
	return map[string]any{"title": it.Title, "body": it.Body, "url": it.URL, "author_name": it.AuthorName,
		"author_email": it.AuthorEmail, "company_name": it.CompanyName, "rating": it.Rating}
}

// currency is the base currency of the backlog's amounts (KOE_CURRENCY; JPY when not set).
func (a *API) currency() string {
	if a.opts.Currency == "" {
		return "JPY"
	}
	return a.opts.Currency
}
