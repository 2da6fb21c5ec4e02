package dashboard_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/auth"
	"github.com/koehq/koe/auth/oidctest"
	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// Two tenants of a Microsoft-shaped provider, and the personal accounts' tenant.
const (
	tenantKoe      = "11111111-2222-3333-4444-555555555555"
	tenantOther    = "66666666-7777-8888-9999-000000000000"
	tenantPersonal = "9188040d-6c67-4c5b-b112-36a304b66dad"
)

// syncLog is a log the test reads while the server writes it.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// oidcRig is Koe with two OpenID Connect providers: "microsoft", Entra-shaped (a {tenantid}
// issuer, for staff and customers), and "okta", generic (staff only, koe.example only).
type oidcRig struct {
	db       *store.DB
	h        http.Handler
	ms, okta *oidctest.Provider
	log      *syncLog
}

type rigOptions struct {
	msTenants []string
	// ms and okta, when set, are providers already running (another replica's).
	ms, okta *oidctest.Provider
}

func newOIDCRig(t *testing.T, db *store.DB, o rigOptions) *oidcRig {
	t.Helper()
	r := &oidcRig{db: db, log: &syncLog{}, ms: o.ms, okta: o.okta}
	if r.ms == nil {
		r.ms = oidctest.New(t, "ms-app", "ms-secret", true)
	}
	if r.okta == nil {
		r.okta = oidctest.New(t, "okta-app", "okta-secret", false)
	}
	ms := auth.NewOIDC(auth.OIDCConfig{Issuer: r.ms.Issuer(), ClientID: "ms-app", ClientSecret: "ms-secret",
		RedirectURL: "https://koe.example" + dashboard.OIDCCallbackPath("microsoft"), Tenants: o.msTenants}, nil)
	okta := auth.NewOIDC(auth.OIDCConfig{Issuer: r.okta.Issuer(), ClientID: "okta-app", ClientSecret: "okta-secret",
		RedirectURL: "https://koe.example" + dashboard.OIDCCallbackPath("okta"), Domains: []string{"koe.example"}}, nil)
	srv, err := dashboard.New(db, opts(dashboard.Options{CompanyName: "Acme", BaseURL: "https://koe.example",
		Log: slog.New(slog.NewTextHandler(r.log, nil)),
		OIDC: []dashboard.OIDCProvider{
			{Name: "microsoft", Label: "Microsoft", Staff: true, Customers: true, Flow: ms},
			{Name: "okta", Label: "Okta", Staff: true, Flow: okta},
		}}))
	if err != nil {
		t.Fatal(err)
	}
	r.h = srv.Handler()
	return r
}

func (r *oidcRig) browser(t *testing.T) *browserish {
	return &browserish{t: t, h: r.h, cookies: map[string]*http.Cookie{}, ip: "192.0.2.9"}
}

// noRedirects is a client that shows redirects rather than following them, as a test of where
// the browser is sent.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize starts a sign-in at start (a Koe path), lets change alter the authorization URL (nil:
// as Koe made it), visits the provider, and returns the callback path and query the provider
// sends the browser back to.
func authorize(t *testing.T, b *browserish, start string, change func(url.Values)) string {
	t.Helper()
	rec := b.do(http.MethodGet, start, nil)
	if rec.Code != http.StatusFound {
		t.Fatalf("GET %s: %d %s", start, rec.Code, rec.Body.String())
	}
	to, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := to.Query()
	for _, want := range []string{"state", "nonce", "code_challenge"} {
		if q.Get(want) == "" {
			t.Fatalf("the authorization URL has no %s: %s", want, to)
		}
	}
	if q.Get("code_challenge_method") != "S256" {
		t.Fatalf("code_challenge_method=%q, want S256", q.Get("code_challenge_method"))
	}
	if change != nil {
		change(q)
		to.RawQuery = q.Encode()
	}
	resp, err := noRedirects.Get(to.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || back.Host != "koe.example" {
		t.Fatalf("the provider answered %d, to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return back.RequestURI()
}

// signIn goes the whole way and returns Koe's answer to the callback.
func (r *oidcRig) signIn(t *testing.T, b *browserish, start string) *httptest.ResponseRecorder {
	t.Helper()
	return b.do(http.MethodGet, authorize(t, b, start, nil), nil)
}

func staffPerson(email string, extra ...any) map[string]any {
	c := map[string]any{"email": email, "email_verified": true, "name": "Hanako"}
	for i := 0; i+1 < len(extra); i += 2 {
		c[extra[i].(string)] = extra[i+1]
	}
	return c
}

// TestOIDCStaffSignIn: a staff member signs in with a generic provider and with a
// Microsoft-shaped one (a work account whose tenant vouches for the address's domain).
func TestOIDCStaffSignIn(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	if _, err := db.SaveUser(ctx, feedback.User{Email: "hanako@koe.example", Role: feedback.RoleCS}); err != nil {
		t.Fatal(err)
	}
	r := newOIDCRig(t, db, rigOptions{})
	for _, tc := range []struct {
		name, start string
		person      map[string]any
	}{
		{"okta", "/signin/oidc/okta?lang=en", staffPerson("Hanako@koe.example")},
		{"microsoft work account", "/signin/oidc/microsoft?lang=en",
			map[string]any{"email": "hanako@koe.example", "tid": tenantKoe, "xms_edov": true, "preferred_username": "hanako@koe.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r.ms.SignInAs(tc.person)
			r.okta.SignInAs(tc.person)
			b := r.browser(t)
			rec := r.signIn(t, b, tc.start)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/app" {
				t.Fatalf("callback: %d %s\nlog: %s", rec.Code, rec.Body.String(), r.log)
			}
			if _, ok := b.cookies["koe_oidc"]; ok {
				t.Error("the sign-in's state cookie outlives it")
			}
			if rec := b.do(http.MethodGet, "/app/feedback", nil); rec.Code != http.StatusOK {
				t.Fatalf("signed in, /app/feedback: %d", rec.Code)
			}
		})
	}
}

// TestOIDCClientAuthentication: the client secret goes the one way the provider's document
// lists, Basic or in the form, and the code is traded once.
func TestOIDCClientAuthentication(t *testing.T) {
	db := seed(t)
	if _, err := db.SaveUser(context.Background(), feedback.User{Email: "hanako@koe.example", Role: feedback.RoleCS}); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"client_secret_basic", "client_secret_post"} {
		t.Run(method, func(t *testing.T) {
			okta := oidctest.New(t, "okta-app", "okta secret/with+odd=chars", false)
			okta.Methods = []string{method}
			ms := oidctest.New(t, "ms-app", "ms-secret", true)
			flow := auth.NewOIDC(auth.OIDCConfig{Issuer: okta.Issuer(), ClientID: "okta-app", ClientSecret: "okta secret/with+odd=chars",
				RedirectURL: "https://koe.example" + dashboard.OIDCCallbackPath("okta")}, nil)
			r := newOIDCRig(t, db, rigOptions{ms: ms, okta: okta})
			srv, err := dashboard.New(db, opts(dashboard.Options{BaseURL: "https://koe.example",
				OIDC: []dashboard.OIDCProvider{{Name: "okta", Label: "Okta", Staff: true, Flow: flow}}}))
			if err != nil {
				t.Fatal(err)
			}
			r.h = srv.Handler()
			okta.SignInAs(staffPerson("hanako@koe.example"))
			if rec := r.signIn(t, r.browser(t), "/signin/oidc/okta?lang=en"); rec.Code != http.StatusSeeOther {
				t.Fatalf("sign-in: %d %s", rec.Code, rec.Body.String())
			}
			if got, want := okta.Tokens(), 1; got != want {
				t.Errorf("codes traded=%d, want %d", got, want)
			}
		})
	}
}

// TestOIDCRefusals: every answer that must not sign anyone in, for staff and customers, with
// the Microsoft-shaped and the generic provider. Each is refused with words that say why, no
// session cookie, and the reason in the log.
func TestOIDCRefusals(t *testing.T) {
	db := twoCompanies(t)
	ctx := context.Background()
	for _, email := range []string{"hanako@koe.example", "gone@koe.example"} {
		if _, err := db.SaveUser(ctx, feedback.User{Email: email, Role: feedback.RoleCS}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SaveUser(ctx, feedback.User{Email: "boss@koe.example", Role: feedback.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RemoveUser(ctx, "gone@koe.example", "test"); err != nil {
		t.Fatal(err)
	}
	r := newOIDCRig(t, db, rigOptions{msTenants: []string{tenantKoe, tenantPersonal}})
	work := func(email string) map[string]any {
		return map[string]any{"email": email, "tid": tenantKoe, "xms_edov": true}
	}
	now := time.Now()
	for _, tc := range []struct {
		name, start string
		person      map[string]any
		tamper      func(map[string]any)
		change      func(url.Values) // the authorization URL, on its way to the provider
		deny        bool             // the provider sends the browser back with error=access_denied
		status      int
		words, log  string
	}{
		{name: "wrong audience", start: "/signin/oidc/okta", person: staffPerson("hanako@koe.example"),
			tamper: func(c map[string]any) { c["aud"] = "someone-elses-app" },
			status: http.StatusUnauthorized, words: "could not be verified", log: "audience"},
		{name: "wrong issuer", start: "/signin/oidc/okta", person: staffPerson("hanako@koe.example"),
			tamper: func(c map[string]any) { c["iss"] = "https://idp.attacker.example" },
			status: http.StatusUnauthorized, words: "could not be verified", log: "issued by a different provider"},
		{name: "issuer of another tenant", start: "/signin/oidc/microsoft", person: work("hanako@koe.example"),
			tamper: func(c map[string]any) { c["iss"] = r.ms.TenantIssuer(tenantOther) },
			status: http.StatusForbidden, words: "organisation", log: "is not tenant"},
		{name: "tenant not allowed", start: "/signin/oidc/microsoft",
			person: map[string]any{"email": "hanako@koe.example", "tid": tenantOther, "xms_edov": true},
			status: http.StatusForbidden, words: "organisation", log: "is not one of"},
		{name: "expired token", start: "/signin/oidc/okta", person: staffPerson("hanako@koe.example"),
			tamper: func(c map[string]any) {
				c["iat"], c["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix()
			},
			status: http.StatusUnauthorized, words: "could not be verified", log: "expired"},
		{name: "bad nonce", start: "/signin/oidc/microsoft", person: work("hanako@koe.example"),
			tamper: func(c map[string]any) { c["nonce"] = "another-sign-ins-nonce" },
			status: http.StatusUnauthorized, words: "could not be verified", log: "nonce"},
		{name: "PKCE mismatch", start: "/signin/oidc/okta", person: staffPerson("hanako@koe.example"),
			change: func(q url.Values) { q.Set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM") },
			status: http.StatusBadGateway, words: "did not complete", log: "PKCE verification failed"},
		{name: "email not verified", start: "/signin/oidc/okta",
			person: map[string]any{"email": "hanako@koe.example", "email_verified": false},
			status: http.StatusForbidden, words: "does not confirm", log: "not verified"},
		{name: "entra email without xms_edov", start: "/signin/oidc/microsoft",
			person: map[string]any{"email": "boss@koe.example", "tid": tenantKoe, "preferred_username": "boss@koe.example", "upn": "boss@koe.example"},
			status: http.StatusForbidden, words: "does not confirm", log: "not verified"},
		{name: "domain not allowed", start: "/signin/oidc/okta", person: staffPerson("hanako@elsewhere.example"),
			status: http.StatusForbidden, words: "may not sign in here with Okta", log: "domain is not allowed"},
		{name: "removed user", start: "/signin/oidc/okta", person: staffPerson("gone@koe.example"),
			status: http.StatusForbidden, words: "koe users add gone@koe.example"},
		{name: "access denied at the provider", start: "/signin/oidc/okta", person: staffPerson("hanako@koe.example"),
			deny:   true,
			status: http.StatusUnauthorized, words: "cancelled or refused", log: "access_denied"},
		{name: "customer: email not verified", start: "/account/signin/oidc/microsoft",
			person: map[string]any{"email": "b@beta.example", "tid": tenantKoe},
			status: http.StatusForbidden, words: "does not confirm", log: "not verified"},
		{name: "customer: wrong audience", start: "/account/signin/oidc/microsoft", person: work("b@beta.example"),
			tamper: func(c map[string]any) { c["aud"] = []string{"someone-elses-app"} },
			status: http.StatusUnauthorized, words: "could not be verified", log: "audience"},
		{name: "customer: not a customer", start: "/account/signin/oidc/microsoft", person: work("someone@gamma.example"),
			status: http.StatusForbidden, words: "someone@gamma.example"},
		{name: "customer: staff-only provider", start: "/account/signin/oidc/okta", status: http.StatusNotFound, words: "no such way"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r.ms.SignInAs(tc.person)
			r.okta.SignInAs(tc.person)
			r.ms.Tamper(tc.tamper)
			r.okta.Tamper(tc.tamper)
			defer r.ms.Tamper(nil)
			defer r.okta.Tamper(nil)
			b := r.browser(t)
			logged := len(r.log.String())
			var rec *httptest.ResponseRecorder
			if tc.status == http.StatusNotFound {
				rec = b.do(http.MethodGet, tc.start+"?lang=en", nil)
			} else {
				back := authorize(t, b, tc.start+"?lang=en", tc.change)
				if tc.deny {
					u, _ := url.Parse(back)
					q := u.Query()
					q.Del("code")
					q.Set("error", "access_denied")
					q.Set("error_description", "The user cancelled.")
					back = u.Path + "?" + q.Encode()
				}
				rec = b.do(http.MethodGet, back, nil)
			}
			body := rec.Body.String()
			if rec.Code != tc.status || !strings.Contains(body, tc.words) {
				t.Fatalf("%d, want %d with %q:\n%s\nlog: %s", rec.Code, tc.status, tc.words, body, r.log)
			}
			if got := r.log.String()[logged:]; tc.log != "" && !strings.Contains(got, tc.log) {
				t.Errorf("the log does not say %q:\n%s", tc.log, got)
			}
			for _, c := range []string{"koe_session", "koe_customer"} {
				if _, ok := b.cookies[c]; ok {
					t.Errorf("refused, yet %s is set", c)
				}
			}
			want := "/signin"
			if strings.HasPrefix(tc.start, "/account") {
				want = "/account/signin"
			}
			if !strings.Contains(body, `href="`+want) {
				t.Errorf("no way back to %s:\n%s", want, body)
			}
		})
	}
}

// TestOIDCStateIsTakenOnce: a callback replayed (by this browser or carried to another) signs no
// one in; the state works once, on any replica, and only in the browser that started it.
func TestOIDCStateIsTakenOnce(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	if _, err := db.SaveUser(ctx, feedback.User{Email: "hanako@koe.example", Role: feedback.RoleCS}); err != nil {
		t.Fatal(err)
	}
	r := newOIDCRig(t, db, rigOptions{})
	r.okta.SignInAs(staffPerson("hanako@koe.example"))
	b := r.browser(t)
	back := authorize(t, b, "/signin/oidc/okta?lang=en", nil)
	state := b.cookies["koe_oidc"]

	// Carried to another browser, the callback opens nothing, and does not spend the state.
	thief := r.browser(t)
	if rec := thief.do(http.MethodGet, back, nil); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "このブラウザで始めたものではない") {
		t.Fatalf("another browser: %d %s", rec.Code, rec.Body.String())
	}
	// A second replica (another server on the same database) finishes it.
	other := newOIDCRig(t, db, rigOptions{ms: r.ms, okta: r.okta})
	b.h = other.h
	if rec := b.do(http.MethodGet, back, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("the sign-in on another replica: %d %s\nlog: %s", rec.Code, rec.Body.String(), other.log)
	}
	// Replayed with the state's cookie put back: the state is spent.
	replay := r.browser(t)
	replay.cookies["koe_oidc"] = state
	rec := replay.do(http.MethodGet, back, nil)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "すでに完了しています") {
		t.Fatalf("replayed state: %d %s", rec.Code, rec.Body.String())
	}
	if _, ok := replay.cookies["koe_session"]; ok {
		t.Fatal("a replayed state signed someone in")
	}
	if got, want := r.okta.Tokens(), 1; got != want {
		t.Errorf("codes traded=%d, want %d (a replay must not reach the provider)", got, want)
	}
}

// TestOIDCCustomerSignIn: customers sign in with Microsoft — a work account, a personal account
// with a contact's address — and see their own company's page; a person whose contact moved
// to another company sees the new company's page at their next sign-in, not the old one's.
func TestOIDCCustomerSignIn(t *testing.T) {
	db := twoCompanies(t)
	ctx := context.Background()
	r := newOIDCRig(t, db, rigOptions{})
	b := r.browser(t)
	r.ms.SignInAs(map[string]any{"email": "b@beta.example", "tid": tenantOther, "xms_edov": true})
	if rec := r.signIn(t, b, "/account/signin/oidc/microsoft?lang=en"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account" {
		t.Fatalf("work account: %d %s\nlog: %s", rec.Code, rec.Body.String(), r.log)
	}
	if body := b.do(http.MethodGet, "/account", nil).Body.String(); !strings.Contains(body, betaCanary+" SSO") || strings.Contains(body, "CSV export") {
		t.Fatalf("Beta's page:\n%s", body)
	}

	// A personal Microsoft account, under a gmail address that is Alpha's contact.
	personal := map[string]any{"email": "alpha.owner@gmail.com", "tid": tenantPersonal}
	r.ms.SignInAs(personal)
	b = r.browser(t)
	if rec := r.signIn(t, b, "/account/signin/oidc/microsoft?lang=ja"); rec.Code != http.StatusSeeOther {
		t.Fatalf("personal account: %d %s\nlog: %s", rec.Code, rec.Body.String(), r.log)
	}
	if body := b.do(http.MethodGet, "/account", nil).Body.String(); !strings.Contains(body, "CSV export") || strings.Contains(body, betaCanary) {
		t.Fatalf("Alpha's page:\n%s", body)
	}

	// The contact moves to Beta (the CRM sync says so). The next sign-in — on a replica whose
	// matching is fresh — finds Beta, and the page of Alpha is gone, from the old session too.
	if _, err := db.SaveAccounts(ctx, store.AccountBatch{Source: "t", Fields: []string{"name"}, Records: []feedback.AccountRecord{{
		Account:  feedback.Account{Source: "t", ExternalID: "2", Name: betaCanary + " Beta KK", NameKey: "beta", Domains: []string{"beta.example"}, Lifecycle: feedback.Customer, MRR: feedback.Money{Minor: 900_000, Currency: "JPY"}},
		Contacts: []feedback.Contact{{Email: "alpha.owner@gmail.com"}}}}}); err != nil {
		t.Fatal(err)
	}
	moved := newOIDCRig(t, db, rigOptions{})
	moved.ms.SignInAs(personal)
	nb := moved.browser(t)
	if rec := moved.signIn(t, nb, "/account/signin/oidc/microsoft?lang=en"); rec.Code != http.StatusSeeOther {
		t.Fatalf("after the move: %d %s\nlog: %s", rec.Code, rec.Body.String(), moved.log)
	}
	for name, br := range map[string]*browserish{"new session": nb, "old session": {t: t, h: moved.h, cookies: b.cookies}} {
		body := br.do(http.MethodGet, "/account", nil).Body.String()
		if strings.Contains(body, "CSV export") || !strings.Contains(body, betaCanary+" SSO") {
			t.Errorf("%s after the move shows the old company's page:\n%s", name, body)
		}
	}
}

// TestOIDCButtons: each sign-in page shows the buttons of the providers for its people, in the
// reader's language.
func TestOIDCButtons(t *testing.T) {
	r := newOIDCRig(t, seed(t), rigOptions{})
	for _, tc := range []struct {
		path      string
		want, not []string
	}{
		{"/signin?lang=en", []string{"Sign in with Microsoft", "Sign in with Okta", `href="/signin/oidc/okta?lang=en"`}, nil},
		{"/signin?lang=ja", []string{"Microsoft でサインイン", "Okta でサインイン", "会社のアカウントでサインインします"}, nil},
		{"/account/signin?lang=en", []string{"Sign in with Microsoft", `href="/account/signin/oidc/microsoft?lang=en"`}, []string{"Okta", "not set up"}},
		{"/account/signin?lang=ja", []string{"Microsoft でサインイン"}, []string{"Okta"}},
	} {
		code, body := get(t, r.h, tc.path)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", tc.path, code)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", tc.path, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(body, w) {
				t.Errorf("%s shows %q", tc.path, w)
			}
		}
	}
}
