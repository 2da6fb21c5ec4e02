// Package api is Koe's REST API under /api/v1: voices (create, list, read, link, tag), requests,
// accounts and the ranked backlog, for API tokens that admins make (read or write scope). Lists
// page by an opaque cursor; errors have one shape; a POST with an Idempotency-Key is done once.
// The OpenAPI 3 document is served at /api/v1/openapi.json. *gin.Context stays in this package.
package api

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/triage"
)

//go:embed openapi.json
var openAPI []byte

// Options configures the API.
type Options struct {
	Log *slog.Logger
	// IndexTTL is how long the account-matching index is reused between posts (30 s when zero).
	IndexTTL time.Duration
	// Currency is the base currency (KOE_CURRENCY) of the backlog's amounts; JPY when empty.
	Currency string
}

// API serves /api/v1.
type API struct {
	store  *store.DB
	intake *intake.Service
	opts   Options

	index *accounts.CachedIndex
	// backlog shares rankings between requests that ask at once, and reuses them until the
	// data changes.
	backlogs triage.Shared
	// choices are the backlog's segment choices, read again when the data changes.
	choices store.ChoicesCache
}

// New returns the API; posted voices go in through in, as any entry point's.
func New(st *store.DB, in *intake.Service, opts Options) *API {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &API{store: st, intake: in, opts: opts, index: &accounts.CachedIndex{Store: st, ExtraFreeMail: in.ExtraFreeMail, TTL: opts.IndexTTL}}
}

// Route is one API route and the scope it needs ("" for none).
type Route struct {
	Method, Path, Scope string
	handler             gin.HandlerFunc
}

// Routes lists the API's routes, paths relative to /api/v1.
func (a *API) Routes() []Route {
	return []Route{
		{http.MethodGet, "/openapi.json", "", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", openAPI) }},
		{http.MethodGet, "/feedback", "read", a.listFeedback},
		{http.MethodPost, "/feedback", "intake", a.createFeedback},
		{http.MethodGet, "/feedback/:id", "read", a.getFeedback},
		{http.MethodPost, "/feedback/:id/link", "write", a.linkFeedback},
		{http.MethodPost, "/feedback/:id/tag", "write", a.tagFeedback},
		{http.MethodGet, "/requests", "read", a.listRequests},
		{http.MethodGet, "/requests/:id", "read", a.getRequest},
		{http.MethodGet, "/accounts", "read", a.listAccounts},
		{http.MethodGet, "/accounts/:id", "read", a.getAccount},
		{http.MethodGet, "/backlog", "read", a.backlog},
		{http.MethodGet, "/backlog/choices", "read", a.backlogChoices},
	}
}

// Register adds the routes under g (the /api/v1 group).
func (a *API) Register(g gin.IRouter) {
	for _, r := range a.Routes() {
		if r.Scope == "" {
			g.Handle(r.Method, r.Path, r.handler)
			continue
		}
		g.Handle(r.Method, r.Path, a.auth(r.Scope), r.handler)
	}
}

const tokenKey = "koe.api_token"

// auth takes the Bearer token and checks its scope (see allows).
func (a *API) auth(scope string) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			c.Header("WWW-Authenticate", `Bearer realm="koe"`)
			a.fail(c, feedback.Errorf(feedback.EUNAUTHORIZED, "Send Authorization: Bearer koe_… with an API token (an admin makes one with `koe tokens create`)."))
			c.Abort()
			return
		}
		t, err := a.store.APITokenByToken(c.Request.Context(), strings.TrimSpace(token))
		if err != nil {
			c.Header("WWW-Authenticate", `Bearer realm="koe", error="invalid_token"`)
			a.fail(c, err)
			c.Abort()
			return
		}
		if !allows(t.Scope, scope) {
			a.fail(c, feedback.Errorf(feedback.EFORBIDDEN, "This needs a token with the %s scope; %q has the %s scope.", scope, t.Name, t.Scope))
			c.Abort()
			return
		}
		c.Set(tokenKey, t)
		c.Next()
	}
}

// allows reports whether a token of scope have may use a route that needs scope need: write may
// do everything; read may only read; intake may only post voices.
func allows(have, need string) bool {
	switch need {
	case "read":
		return have == "read" || have == "write"
	case "intake":
		return have == "intake" || have == "write"
	}
	return have == need
}

// fail answers an error in the API's one shape: {"error": {"code", "message", "request_id"}}.
func (a *API) fail(c *gin.Context, err error) { c.JSON(a.errorAnswer(c, err)) }

// errorAnswer is the status and body that answer err; an internal error is logged, and its
// details stay in the log.
func (a *API) errorAnswer(c *gin.Context, err error) (int, any) {
	code := feedback.ErrorCode(err)
	status := feedback.HTTPStatus(code)
	if status == http.StatusInternalServerError {
		code = feedback.EINTERNAL
		a.opts.Log.Error("api request failed", "request_id", requestID(c), "route", c.FullPath(), "err", err)
	}
	return status, gin.H{"error": errorDetail{Code: code, Message: feedback.ErrorMessage(err), RequestID: requestID(c)}}
}

// requestID is the id the server's logging middleware gave this request.
func requestID(c *gin.Context) string { return c.GetString("koe.request_id") }

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// page reads ?limit= (1–200, 50 by default) and ?cursor=.
func page(c *gin.Context) (store.Page, error) {
	p := store.Page{Limit: 50}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return p, feedback.Errorf(feedback.EINVALID, "limit %q: use a number from 1 to 200.", v)
		}
		p.Limit = n
	}
	if v := c.Query("cursor"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		id, err2 := strconv.ParseInt(strings.TrimPrefix(string(b), "id:"), 10, 64)
		if err != nil || err2 != nil || !strings.HasPrefix(string(b), "id:") || id <= 0 {
			return p, feedback.Errorf(feedback.EINVALID, "cursor %q is not one this API gave: pass next_cursor from the previous page.", v)
		}
		p.Before = id
	}
	return p, nil
}

func cursorAfter(lastID int64, n, limit int) *string {
	if n < limit || lastID == 0 {
		return nil
	}
	s := base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(lastID, 10)))
	return &s
}

// list answers a page: {"data": [...], "next_cursor": "…" | null}.
func list[T any](c *gin.Context, items []T, id func(T) int64, limit int) {
	if items == nil {
		items = []T{}
	}
	var last int64
	if len(items) > 0 {
		last = id(items[len(items)-1])
	}
	c.JSON(http.StatusOK, gin.H{"data": items, "next_cursor": cursorAfter(last, len(items), limit)})
}

func pathID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, feedback.Errorf(feedback.ENOTFOUND, "%q is not an id.", c.Param("id"))
	}
	return id, nil
}

// once runs a POST once per Idempotency-Key (when the caller sends one) and answers with the
// first answer on a repeat.
func (a *API) once(c *gin.Context, body []byte, do func() (int, any)) {
	run := func() (int, []byte) {
		status, v := do()
		b, err := json.Marshal(v)
		if err != nil {
			return http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"internal error"}}`)
		}
		return status, b
	}
	key := c.GetHeader("Idempotency-Key")
	if key == "" {
		status, b := run()
		c.Data(status, "application/json; charset=utf-8", b)
		return
	}
	if len(key) > 200 {
		a.fail(c, feedback.Errorf(feedback.EINVALID, "Idempotency-Key is longer than 200 characters."))
		return
	}
	t := c.MustGet(tokenKey).(store.APIToken)
	h := sha256.Sum256(append([]byte(c.Request.Method+" "+c.Request.URL.Path+"\n"), body...))
	ans, err := a.store.Idempotent(c.Request.Context(), t.ID, key, h[:], run)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Data(ans.Status, "application/json; charset=utf-8", ans.Body)
}

// readJSON reads a request body of at most 1 MiB into v, refusing unknown fields.
func readJSON(c *gin.Context, v any) ([]byte, error) {
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return body, feedback.Errorf(feedback.EINVALID, "The body is not the JSON this call takes: %v.", err)
	}
	return body, nil
}

func readBody(c *gin.Context) ([]byte, error) {
	const limit = ingest.MaxBody + 4096
	if c.Request.ContentLength > limit { // refused before a byte is read
		c.Header("Connection", "close")
		return nil, feedback.Errorf(feedback.ETOOLARGE, "The body is larger than 1 MiB.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, feedback.Errorf(feedback.ETOOLARGE, "The body is larger than 1 MiB.")
	}
	if err != nil {
		return nil, feedback.Errorf(feedback.EINVALID, "The body could not be read: %v.", err)
	}
	return body, nil
}
