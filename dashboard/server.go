// Package dashboard is Koe's web server (gin): the staff pages under /app, the public roadmap and
// its feeds, health endpoints. *gin.Context never leaves this package; handlers call the store
// with context.Context and plain values.
package dashboard

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/reviews"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/triage"
)

//go:embed templates/*.html
var templateFS embed.FS

// Options configures the server.
type Options struct {
	CompanyName string
	// Demo signs every visitor in as DemoUser and shows a banner saying so. Only `koe demo` sets it.
	Demo     bool
	DemoUser feedback.User
	Log      *slog.Logger
	// Google verifies staff sign-ins (nil: sign-in is not set up); GoogleClientID is shown to the
	// sign-in button.
	Google         Verifier
	GoogleClientID string
	// OIDC are the OpenID Connect providers staff and customers may sign in with, a button each.
	OIDC []OIDCProvider
	// BaseURL is Koe's public address; with https, cookies are Secure.
	BaseURL       string
	SecureCookies bool
	// ExtraFreeMail extends the free-mail domains that never get a domain rule.
	ExtraFreeMail []string
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration
	// CustomerSessionTTL is how long a customer's sign-in lasts (7 days when zero).
	CustomerSessionTTL time.Duration
	// LogoURL and BrandColor dress the public roadmap and the customer page in the company's
	// logo and colour (#rrggbb).
	LogoURL, BrandColor string
	// RoadmapAskedBy shows "asked by N companies" on public requests; RoadmapCacheTTL is how long
	// a public answer is served from memory (0: built every time).
	RoadmapAskedBy  bool
	RoadmapCacheTTL time.Duration
	// Mail sends customers their one-time sign-in links (nil: sign-in by email is off).
	Mail Mailer
	// CustomerGoogle verifies customers' Google sign-ins, from any domain (nil: off).
	CustomerGoogle Verifier
	// LinkLimits bound sign-in links per address and per IP (defaults when zero).
	LinkLimits store.LinkLimits
	// Location is the zone of every time a page shows (KOE_TIMEZONE), with its name; UTC when nil.
	Location *time.Location
	// Currency is the base currency (KOE_CURRENCY) of every sum a page shows; JPY when empty.
	Currency string
	// TrustedProxies are the proxies (IPs or CIDRs) whose X-Forwarded-For names the client;
	// with none, the client is the connection's address.
	TrustedProxies []string
	// SuggestVoices, when set, stores suggestions for those of the given voices that have none
	// yet (history an import left unsuggested), before a page shows them (intake's
	// Service.SuggestVoices); it returns how many it did.
	SuggestVoices func(ctx context.Context, ids []int64) (int, error)
	// API, when set, serves the REST API under /api/v1.
	API interface{ Register(g gin.IRouter) }
	// Metrics, when set, observes each answer and each ranking; MetricsHandler serves /metrics.
	Metrics interface {
		ObserveHTTP(route, method string, code int, d time.Duration)
		ObserveRank(d time.Duration)
	}
	MetricsHandler http.Handler
	// MetricsToken, when set, is the bearer token /metrics asks for (KOE_METRICS_TOKEN).
	MetricsToken string
	// SlackInteractivity and SlackCommands, when set, answer Slack's interactivity requests and
	// slash commands (verifying their signatures themselves) at POST /slack/interactivity and
	// POST /slack/commands.
	SlackInteractivity, SlackCommands http.Handler
	// Replies finds the Replier of a review's source (nil: every site is answered by hand).
	Replies reviews.Repliers
}

// Server serves the dashboard. It is safe for concurrent use.
type Server struct {
	store   *store.DB
	roadmap *roadmap
	// matchIndex finds a customer's account at sign-in.
	matchIndex *accounts.CachedIndex
	opts       Options
	demoCSRF   string // the demo admin's CSRF token, fixed for the process
	// pages holds each page's templates per language: pages[lang][name].
	pages map[string]map[string]*template.Template
	log   *slog.Logger
	// backlog shares rankings between the views that ask at once, and reuses them until the
	// data changes.
	backlogs triage.Shared
	// lateCount is the navigation's count of reviews waiting over a week, reused for a while.
	lateCount navCount
	// choices are the backlog's segment choices, read again when the data changes.
	choices store.ChoicesCache
}

// New parses the templates, so a broken one fails here, at start, and not in front of a user.
func New(st *store.DB, opts Options) (*Server, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.LinkLimits == (store.LinkLimits{}) {
		opts.LinkLimits = store.LinkLimits{PerEmail: 5, PerIP: 20, Window: time.Hour, TTL: 15 * time.Minute}
	}
	if opts.CustomerSessionTTL <= 0 {
		opts.CustomerSessionTTL = 7 * 24 * time.Hour
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Currency == "" {
		opts.Currency = "JPY"
	}
	s := &Server{store: st, opts: opts, pages: map[string]map[string]*template.Template{}, log: opts.Log, demoCSRF: randomString()}
	clock := clock{opts.Location}
	funcs := template.FuncMap{
		"datetime": clock.dateTime,
		"date":     clock.date,
		"yen":      func(minor int64) string { return feedback.Money{Minor: minor, Currency: "JPY"}.String() },
		"yenf":     feedback.Yen,
		// base formats an amount of the base currency's minor units (a ranking's sums).
		"base": feedback.Rates{Base: opts.Currency}.Format,
		// mrrBand is the band of an MRR in the base currency; an amount in another currency is
		// shown as it stands rather than banded as if its units were the base's (the sheet
		// has no rates at hand, and converting per row is the ranking's job).
		"mrrBand": func(m feedback.Money) string {
			if m.Currency != opts.Currency {
				return m.String()
			}
			return feedback.MRRBand(m.Major())
		},
		"trim": func(s string, n int) string {
			if r := []rune(s); len(r) > n {
				return string(r[:n]) + "…"
			}
			return s
		},
		// fixed and signed show a value that may be missing (a *float64 straight from a row):
		// printf would print the pointer.
		"fixed":   func(v *float64) string { return optional(v, "%.2f") },
		"signed":  func(v *float64) string { return optional(v, "%+.2f") },
		"list":    func(v ...string) []string { return v },
		"offered": offered,
		"lower":   strings.ToLower,
		"float":   func(n int64) float64 { return float64(n) },
		"has":     func(list []feedback.RequestStatus, s feedback.RequestStatus) bool { return slices.Contains(list, s) },
		"runes":   func(s string) int { return utf8.RuneCountInString(s) },
		// sheetURL is the sheet with a saved view's filters, re-encoded so that only safe
		// characters reach the link.
		"sheetURL": func(query string) template.URL {
			q, _ := url.ParseQuery(query)
			return template.URL("/app/feedback?" + q.Encode())
		},
		"dict": func(kv ...any) map[string]any { // for passing more than one value to a template
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
	s.matchIndex = &accounts.CachedIndex{Store: st, ExtraFreeMail: opts.ExtraFreeMail}
	s.roadmap = &roadmap{store: st, opts: opts, render: s.renderPublic, fail: s.fail, ttl: opts.RoadmapCacheTTL, entries: map[string]*publicAnswer{}}
	for _, lang := range locale.Languages() {
		s.pages[lang] = map[string]*template.Template{}
		for _, page := range []string{"roadmap", "roadmap_item", "customer", "customer_signin", "customer_verify", "requests", "message", "slack", "signin", "feedback", "request", "accounts", "account", "unmatched", "audit", "sources", "voice", "clusters", "weights", "tokens", "rates", "users", "staff_verify", "reviews", "reviews_templates"} {
			t, err := template.New(page).Funcs(funcs).Funcs(wordFuncs(locale.For(lang))).ParseFS(templateFS, "templates/layout.html", "templates/"+page+".html")
			if err != nil {
				return nil, fmt.Errorf("dashboard: template %s (%s): %w", page, lang, err)
			}
			s.pages[lang][page] = t
		}
	}
	return s, nil
}

// Handler returns the routes.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(s.opts.TrustedProxies); err != nil {
		s.log.Error("KOE_TRUSTED_PROXIES", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
	r.Use(gin.Recovery(), s.logRequests, securityHeaders, s.limitBodies)
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok\n") })
	r.GET("/readyz", s.readyz)
	if s.opts.MetricsHandler != nil {
		r.GET("/metrics", s.metricsAuth, gin.WrapH(s.opts.MetricsHandler))
	}
	r.GET("/", s.home)
	serveStatic(r)
	r.GET("/roadmap", s.roadmap.page)
	r.GET("/roadmap.json", s.roadmap.json)
	r.GET("/roadmap.csv", s.roadmap.csv)
	r.GET("/roadmap.atom", s.roadmap.atom)
	r.GET("/roadmap/:id", s.roadmap.item)
	s.customerRoutes(r)
	if s.opts.SlackInteractivity != nil {
		r.POST("/slack/interactivity", gin.WrapH(s.opts.SlackInteractivity))
	}
	if s.opts.SlackCommands != nil {
		r.POST("/slack/commands", gin.WrapH(s.opts.SlackCommands))
	}

	r.GET("/signin", s.signinPage)
	r.POST("/signin", s.staffSendLink)
	r.GET("/signin/verify", s.staffVerifyPage)
	r.POST("/signin/verify", s.staffVerify)
	r.POST("/auth/google", s.googleCallback)
	s.oidcRoutes(r)
	r.POST("/auth/signout", s.authenticate, s.require(feedback.RoleViewer), s.signout)

	app := r.Group("", s.authenticate)
	for _, rt := range s.staffRoutes() {
		app.Handle(rt.method, rt.path, s.require(rt.role), rt.handler)
	}
	if s.opts.API != nil {
		s.opts.API.Register(r.Group("/api/v1"))
	}
	r.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			c.JSON(http.StatusNotFound, gin.H{"error": gin.H{"code": feedback.ENOTFOUND, "message": "No such API route: see /api/v1/openapi.json.",
				"request_id": c.GetString(requestIDKey)}})
			return
		}
		p := words(c)
		s.message(c, http.StatusNotFound, p.T("error.not_found"), p.T("error.no_page"))
	})
	return r
}

// staffRoutes are the pages and actions behind sign-in, each with the role it needs.
func (s *Server) staffRoutes() []route {
	return []route{
		{http.MethodGet, "/app", feedback.RoleViewer, func(c *gin.Context) { c.Redirect(http.StatusFound, "/app/requests") }},
		{http.MethodGet, "/app/requests", feedback.RoleViewer, s.requestsPage},
		{http.MethodGet, "/app/requests.json", feedback.RoleViewer, s.requestsJSON},
		{http.MethodGet, "/app/requests.csv", feedback.RoleViewer, s.requestsCSV},
		{http.MethodGet, "/app/requests/:id", feedback.RoleViewer, s.requestPage},
		{http.MethodPost, "/app/backlog/views", feedback.RoleViewer, s.saveBacklogView},
		{http.MethodPost, "/app/backlog/views/:id/delete", feedback.RoleViewer, s.deleteBacklogView},
		{http.MethodPost, "/app/requests/:id", feedback.RolePO, s.requestEdit},
		{http.MethodPost, "/app/requests/:id/merge", feedback.RolePO, s.requestMerge},
		{http.MethodGet, "/app/feedback", feedback.RoleViewer, s.feedbackPage},
		{http.MethodPost, "/app/feedback/bulk", feedback.RoleCS, s.feedbackBulk},
		{http.MethodPost, "/app/feedback/undo", feedback.RoleCS, s.feedbackUndo},
		{http.MethodPost, "/app/feedback/:id", feedback.RoleCS, s.feedbackEdit},
		{http.MethodPost, "/app/feedback/:id/link", feedback.RoleCS, s.feedbackLink},
		{http.MethodPost, "/app/feedback/:id/unlink", feedback.RoleCS, s.feedbackUnlink},
		{http.MethodGet, "/app/feedback/:id/row", feedback.RoleViewer, s.feedbackRow},
		{http.MethodGet, "/app/feedback/:id", feedback.RoleViewer, s.voicePage},
		{http.MethodPost, "/app/feedback/:id/request", feedback.RoleCS, s.voiceRequest},
		{http.MethodPost, "/app/views", feedback.RoleViewer, s.saveView},
		{http.MethodPost, "/app/views/:id/delete", feedback.RoleViewer, s.deleteView},
		{http.MethodGet, "/app/clusters", feedback.RoleViewer, s.clustersPage},
		{http.MethodPost, "/app/clusters/request", feedback.RoleCS, s.clusterRequest},
		{http.MethodGet, "/app/accounts", feedback.RoleViewer, s.accountsPage},
		{http.MethodGet, "/app/accounts/unmatched", feedback.RoleViewer, s.unmatchedPage},
		{http.MethodPost, "/app/accounts/rules", feedback.RoleCS, s.addRule},
		{http.MethodGet, "/app/accounts/:id", feedback.RoleViewer, s.accountPage},
		{http.MethodGet, "/app/audit", feedback.RoleViewer, s.auditPage},
		{http.MethodGet, "/app/weights", feedback.RoleViewer, s.weightsPage},
		{http.MethodPost, "/app/weights", feedback.RoleAdmin, s.saveWeights},
		{http.MethodGet, "/app/rates", feedback.RoleViewer, s.ratesPage},
		{http.MethodPost, "/app/rates", feedback.RoleAdmin, s.saveRates},
		{http.MethodGet, "/app/sources", feedback.RoleViewer, s.sourcesPage},
		{http.MethodPost, "/app/me/locale", feedback.RoleViewer, s.setLocale},
		{http.MethodPost, "/app/sources/:name/run", feedback.RoleAdmin, s.sourceRun},
		{http.MethodGet, "/app/slack", feedback.RoleViewer, s.slackPage},
		{http.MethodGet, "/app/tokens", feedback.RoleAdmin, s.tokensPage},
		{http.MethodPost, "/app/tokens", feedback.RoleAdmin, s.createToken},
		{http.MethodPost, "/app/tokens/:id/revoke", feedback.RoleAdmin, s.revokeToken},
		{http.MethodPost, "/app/slack/retry", feedback.RoleAdmin, s.slackRetry},
		{http.MethodGet, "/app/reviews", feedback.RoleViewer, s.reviewsPage},
		{http.MethodPost, "/app/reviews/:id", feedback.RoleCS, s.reviewReply},
		{http.MethodGet, "/app/reviews/templates", feedback.RoleViewer, s.replyTemplatesPage},
		{http.MethodPost, "/app/reviews/templates", feedback.RoleCS, s.saveReplyTemplate},
		{http.MethodPost, "/app/reviews/templates/:id/delete", feedback.RoleCS, s.deleteReplyTemplate},
		{http.MethodGet, "/app/users", feedback.RoleAdmin, s.usersPage},
		{http.MethodPost, "/app/users/remove", feedback.RoleAdmin, s.removeUser},
	}
}

// optional formats *v, or "" when v is nil.
func optional(v *float64, format string) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf(format, *v)
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) home(c *gin.Context) {
	if s.opts.Demo {
		c.Redirect(http.StatusFound, "/app/requests")
		return
	}
	c.Redirect(http.StatusFound, "/roadmap")
}

func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		c.String(http.StatusServiceUnavailable, "database unreachable\n")
		return
	}
	if _, pending, err := s.store.SchemaStatus(ctx); err != nil {
		c.String(http.StatusServiceUnavailable, "schema unknown\n")
		return
	} else if pending > 0 {
		c.String(http.StatusServiceUnavailable, fmt.Sprintf("%d migration(s) pending: run koe migrate\n", pending))
		return
	}
	c.String(http.StatusOK, "ok\n")
}

// requestIDKey holds the request's id: the caller's X-Request-Id when it is a plain token, else a
// new one; it goes back in the answer's header and into every log line about the request.
const requestIDKey = "koe.request_id"

var requestIDOK = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	id := c.GetHeader("X-Request-Id")
	if !requestIDOK.MatchString(id) {
		id = randomString()[:16]
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-Id", id)
	c.Next()
	took := time.Since(start)
	if s.opts.Metrics != nil {
		s.opts.Metrics.ObserveHTTP(c.FullPath(), c.Request.Method, c.Writer.Status(), took)
	}
	// The route's pattern, never the query (it may hold a search or a sign-in token).
	s.log.Debug("http request", "request_id", id, "method", c.Request.Method, "route", c.FullPath(), "status", c.Writer.Status(), "duration_ms", took.Milliseconds())
}
