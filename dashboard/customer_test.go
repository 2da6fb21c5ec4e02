package dashboard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/koehq/koe/auth"
	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/googletest"
	"github.com/koehq/koe/internal/smtptest"
	"github.com/koehq/koe/notify"
	"github.com/koehq/koe/store"
)

const betaCanary = "BETA-CANARY-19c2"

// twoCompanies: Alpha (alpha.example) asked for CSV export (public) and for something not yet
// written up; Beta (beta.example) asked for SSO, whose public title is written but not published.
func twoCompanies(t *testing.T) *store.DB {
	t.Helper()
	db := openStore(t)
	alpha, beta := int64(1), int64(2)
	r1, r2, r3 := int64(1), int64(2), int64(3)
	now := time.Now()
	ds := feedback.Dataset{
		Accounts: []feedback.Account{
			{ID: 1, Source: "t", ExternalID: "1", Name: "Alpha KK", NameKey: "alpha", Domains: []string{"alpha.example"}, Lifecycle: feedback.Customer,
				MRR: feedback.Money{Minor: 50_000, Currency: "JPY"}},
			{ID: 2, Source: "t", ExternalID: "2", Name: betaCanary + " Beta KK", NameKey: "beta", Domains: []string{"beta.example"}, Lifecycle: feedback.Customer,
				MRR: feedback.Money{Minor: 900_000, Currency: "JPY"}},
		},
		Contacts: []feedback.Contact{{ID: 1, Email: "b@beta.example", AccountID: 2}, {ID: 2, Email: "alpha.owner@gmail.com", AccountID: 1}},
		Requests: []feedback.Request{
			{ID: 1, Title: "csv internal", PublicTitle: "CSV export", Status: feedback.Planned, Public: true, StatusChangedAt: now},
			{ID: 2, Title: betaCanary + " sso internal", PublicTitle: betaCanary + " SSO", Status: feedback.UnderReview, StatusChangedAt: now},
			{ID: 3, Title: "alpha unwritten", Status: feedback.UnderReview, StatusChangedAt: now},
		},
		Items: []feedback.Item{
			{ID: 1, SourceKind: feedback.SourceChat, SourceName: "t", SourceID: "1", ReceivedAt: now, Body: "csv please", AccountID: &alpha, RequestID: &r1, Status: feedback.StatusTriaged},
			{ID: 2, SourceKind: feedback.SourceChat, SourceName: "t", SourceID: "2", ReceivedAt: now, Body: betaCanary + " words", AccountID: &beta, RequestID: &r2, Status: feedback.StatusTriaged},
			{ID: 3, SourceKind: feedback.SourceChat, SourceName: "t", SourceID: "3", ReceivedAt: now, Body: "more", AccountID: &alpha, RequestID: &r3, Status: feedback.StatusTriaged},
		},
	}
	if err := db.ImportDataset(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return db
}

// browserish keeps cookies between requests, like a browser, over a handler.
type browserish struct {
	t       *testing.T
	h       http.Handler
	cookies map[string]*http.Cookie
	ip      string
}

func (b *browserish) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if b.ip != "" {
		req.RemoteAddr = b.ip + ":1234"
	}
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return rec
}

// waitMails waits (a few seconds at most) for the test SMTP server to hold n mails: sign-in
// links are sent after the answer.
func waitMails(t *testing.T, mails *smtptest.Server, n int) []smtptest.Mail {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); len(mails.Mails()) < n && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
	}
	return mails.Mails()
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browserish) csrf(body string) string {
	b.t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no csrf field in:\n%s", body)
	}
	return m[1]
}

// signInByMail asks for a link for email, reads it from the mail, and follows it.
func (b *browserish) signInByMail(mails *smtptest.Server, email string) {
	b.t.Helper()
	before := len(mails.Mails())
	page := b.do(http.MethodGet, "/account/signin?lang=en", nil)
	rec := b.do(http.MethodPost, "/account/signin?lang=en", url.Values{"csrf": {b.csrf(page.Body.String())}, "email": {email}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "a sign-in link is on its way") {
		b.t.Fatalf("ask for a link: %d %s", rec.Code, rec.Body.String())
	}
	got := waitMails(b.t, mails, before+1)
	if len(got) != before+1 {
		b.t.Fatalf("%d mails, want %d", len(got), before+1)
	}
	link := regexp.MustCompile(`https://koe\.example(/account/verify\?\S+)`).FindStringSubmatch(got[len(got)-1].Body)
	if link == nil {
		b.t.Fatalf("no link in %q", got[len(got)-1].Body)
	}
	page = b.do(http.MethodGet, link[1], nil)
	u, _ := url.Parse(link[1])
	rec = b.do(http.MethodPost, "/account/verify?lang="+u.Query().Get("lang"), url.Values{"csrf": {b.csrf(page.Body.String())}, "token": {u.Query().Get("token")}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account" {
		b.t.Fatalf("follow the link: %d %s", rec.Code, rec.Body.String())
	}
	// The link works once.
	page = b.do(http.MethodGet, link[1], nil)
	if rec := b.do(http.MethodPost, "/account/verify", url.Values{"csrf": {b.csrf(page.Body.String())}, "token": {u.Query().Get("token")}}); rec.Code != http.StatusUnauthorized ||
		!strings.Contains(rec.Body.String(), "expired or was already used") || !strings.Contains(rec.Body.String(), `href="/account/signin"`) {
		b.t.Fatalf("the link again: %d %s", rec.Code, rec.Body.String())
	}
}

func TestCustomerPage(t *testing.T) {
	db := twoCompanies(t)
	ctx := context.Background()
	mails := smtptest.Start(t)
	mailer := &notify.SMTP{Addr: mails.Addr, From: "Acme <roadmap@acme.example>"}
	srv, err := dashboard.New(db, opts(dashboard.Options{CompanyName: "Acme", BaseURL: "https://koe.example", Mail: mailer,
		LinkLimits: store.LinkLimits{PerEmail: 3, PerIP: 5, Window: time.Hour, TTL: 15 * time.Minute}}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()

	// Signed out, the page sends you to sign in.
	anon := &browserish{t: t, h: h, cookies: map[string]*http.Cookie{}}
	if rec := anon.do(http.MethodGet, "/account", nil); rec.Code != http.StatusFound || rec.Header().Get("Location") != "/account/signin" {
		t.Fatalf("/account signed out: %d %v", rec.Code, rec.Header())
	}
	// An address of no customer gets the same answer, and no mail.
	page := anon.do(http.MethodGet, "/account/signin?lang=en", nil)
	if rec := anon.do(http.MethodPost, "/account/signin?lang=en", url.Values{"csrf": {anon.csrf(page.Body.String())}, "email": {"who@nowhere.example"}}); rec.Code != 200 ||
		!strings.Contains(rec.Body.String(), "a sign-in link is on its way") || len(mails.Mails()) != 0 {
		t.Fatalf("unknown address: %d, %d mails", rec.Code, len(mails.Mails()))
	}
	// Without the form's token, nothing is sent.
	if rec := anon.do(http.MethodPost, "/account/signin", url.Values{"csrf": {"forged"}, "email": {"a@alpha.example"}}); rec.Code != http.StatusForbidden {
		t.Fatalf("forged form: %d", rec.Code)
	}

	// Alpha signs in by the domain of its address, Beta by its contact.
	alpha := &browserish{t: t, h: h, cookies: map[string]*http.Cookie{}, ip: "192.0.2.1"}
	alpha.signInByMail(mails, "Hanako@Alpha.example")
	if m := mails.Mails()[0]; m.To != "hanako@alpha.example" || m.Subject != "Sign in to Acme" || m.From != "roadmap@acme.example" {
		t.Errorf("sign-in mail = %+v", m)
	}
	beta := &browserish{t: t, h: h, cookies: map[string]*http.Cookie{}, ip: "192.0.2.2"}
	beta.signInByMail(mails, "b@beta.example")

	rec := alpha.do(http.MethodGet, "/account?lang=en", nil)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "Alpha KK") || !strings.Contains(body, "CSV export") || !strings.Contains(body, "1 more of your requests") {
		t.Fatalf("alpha's page: %d\n%s", rec.Code, body)
	}
	if rec := beta.do(http.MethodGet, "/account?lang=en", nil); !strings.Contains(rec.Body.String(), betaCanary+" SSO") || strings.Contains(rec.Body.String(), "CSV export") {
		t.Fatalf("beta's page:\n%s", rec.Body.String())
	}
	// Nothing of Beta on any route Alpha can reach, signed in.
	for _, path := range append([]string{"/account", "/account?lang=en", "/account/signin"}, publicPaths...) {
		rec := alpha.do(http.MethodGet, path, nil)
		if strings.Contains(rec.Body.String(), betaCanary) || strings.Contains(rec.Body.String(), "900,000") || strings.Contains(rec.Body.String(), "alpha unwritten") {
			t.Errorf("alpha sees Beta's or internal data at %s", path)
		}
	}
	// Staff pages stay closed to a customer.
	if rec := alpha.do(http.MethodGet, "/app/requests", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("a customer on /app/requests: %d", rec.Code)
	}

	// An unknown link, and an expired one, sign no one in.
	if _, err := db.UseSignInLink(ctx, "not-a-token"); feedback.ErrorCode(err) != feedback.EUNAUTHORIZED {
		t.Errorf("unknown token: %v", err)
	}
	old, err := db.CreateSignInLink(ctx, "a@alpha.example", "192.0.2.9", store.LinkLimits{PerEmail: 9, PerIP: 9, Window: time.Hour, TTL: -time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UseSignInLink(ctx, old); feedback.ErrorCode(err) != feedback.EUNAUTHORIZED {
		t.Errorf("expired token: %v", err)
	}
	// Rate limits: three links per address within the window, five per IP.
	limited := &browserish{t: t, h: h, cookies: map[string]*http.Cookie{}, ip: "192.0.2.3"}
	codes := []int{}
	for i := 0; i < 4; i++ {
		page := limited.do(http.MethodGet, "/account/signin", nil)
		codes = append(codes, limited.do(http.MethodPost, "/account/signin", url.Values{"csrf": {limited.csrf(page.Body.String())}, "email": {"c@alpha.example"}}).Code)
	}
	if codes[2] != 200 || codes[3] != http.StatusTooManyRequests {
		t.Errorf("per address: %v, want the 4th refused", codes)
	}
	codes = codes[:0]
	for i := 0; i < 3; i++ {
		page := limited.do(http.MethodGet, "/account/signin", nil)
		codes = append(codes, limited.do(http.MethodPost, "/account/signin", url.Values{"csrf": {limited.csrf(page.Body.String())}, "email": {"d" + string(rune('a'+i)) + "@alpha.example"}}).Code)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != http.StatusTooManyRequests {
		t.Errorf("per IP: %v, want the 6th from one IP refused", codes)
	}

	// The links asked for above have all gone: alpha, beta, three for c@, two for d*@.
	if n := len(waitMails(t, mails, 7)); n != 7 {
		t.Fatalf("%d sign-in mails, want 7", n)
	}
	// Alpha asks to be told; CSV export ships; one mail to Alpha, one Slack message to CS.
	page = alpha.do(http.MethodGet, "/account", nil)
	if rec := alpha.do(http.MethodPost, "/account/settings", url.Values{"csrf": {"forged"}, "notify_shipped": {"on"}}); rec.Code != http.StatusForbidden {
		t.Errorf("settings without the token: %d", rec.Code)
	}
	if rec := alpha.do(http.MethodPost, "/account/settings", url.Values{"csrf": {alpha.csrf(page.Body.String())}, "notify_shipped": {"on"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("settings: %d", rec.Code)
	}
	shipped, planned := feedback.Shipped, feedback.Planned
	note := "CSV export is out: Settings → Export."
	if err := db.UpdateRequest(ctx, 1, store.RequestEdit{Status: &shipped, PublicNote: &note}, "po@acme.example"); err != nil {
		t.Fatal(err)
	}
	for _, st := range []*feedback.RequestStatus{&planned, &shipped} { // shipped twice: told once
		if err := db.UpdateRequest(ctx, 1, store.RequestEdit{Status: st}, "po@acme.example"); err != nil {
			t.Fatal(err)
		}
	}
	// The default language is Japanese; Alpha signed in reading English, so its mail is English.
	w := &notify.Worker{Store: db, Mail: mailer, BaseURL: "https://koe.example", Company: "Acme", Language: "ja"}
	before := len(mails.Mails())
	if n, err := w.Drain(ctx); err != nil || n != 1 {
		t.Fatalf("mail outbox: %d sent, %v", n, err)
	}
	got := mails.Mails()[before:]
	if len(got) != 1 || got[0].To != "hanako@alpha.example" || got[0].Subject != "Shipped: CSV export" || !strings.Contains(got[0].Body, note) ||
		strings.Contains(got[0].Body, "csv internal") {
		t.Fatalf("shipped mail = %+v", got)
	}
	slack, err := db.ClaimOutbox(ctx, time.Minute)
	if err != nil || slack == nil || slack.Kind != store.KindShipped || !strings.Contains(slack.DedupeKey, "shipped:1") {
		t.Fatalf("slack message = %+v, %v", slack, err)
	}
	if accts, _ := slack.Subject["accounts"].([]any); len(accts) != 1 || accts[0].(map[string]any)["name"] != "Alpha KK" {
		t.Errorf("accounts to follow up with = %v", slack.Subject["accounts"])
	}
	// Alpha's page shows it shipped.
	if rec := alpha.do(http.MethodGet, "/account?lang=en", nil); !strings.Contains(rec.Body.String(), "Shipped") || !strings.Contains(rec.Body.String(), note) {
		t.Errorf("alpha's page after shipping:\n%s", rec.Body.String())
	}
	// Sign-out ends the session.
	page = alpha.do(http.MethodGet, "/account", nil)
	alpha.do(http.MethodPost, "/account/signout", url.Values{"csrf": {alpha.csrf(page.Body.String())}})
	if rec := alpha.do(http.MethodGet, "/account", nil); rec.Code != http.StatusFound {
		t.Errorf("after sign-out: %d", rec.Code)
	}
}

func TestCustomerMailRetries(t *testing.T) {
	db := twoCompanies(t)
	ctx := context.Background()
	mails := smtptest.Start(t)
	if _, err := db.SignInCustomer(ctx, "b@beta.example", ptr(int64(2)), "", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := db.SetCustomerNotify(ctx, "b@beta.example", true); err != nil {
		t.Fatal(err)
	}
	shipped := feedback.Shipped
	if err := db.UpdateRequest(ctx, 2, store.RequestEdit{Status: &shipped}, "po"); err != nil {
		t.Fatal(err)
	}
	mails.Refuse(&smtp.SMTPError{Code: 451, Message: "try later"})
	// A backoff long enough that the retry is not due within the first drain.
	w := &notify.Worker{Store: db, Mail: &notify.SMTP{Addr: mails.Addr, From: "a@acme.example"}, Language: "ja", Backoff: 400 * time.Millisecond}
	if n, err := w.Drain(ctx); err != nil || n != 1 || len(mails.Mails()) != 0 {
		t.Fatalf("first try: %d %v %d", n, err, len(mails.Mails()))
	}
	time.Sleep(500 * time.Millisecond)
	if n, err := w.Drain(ctx); err != nil || n != 1 || len(mails.Mails()) != 1 || !strings.HasPrefix(mails.Mails()[0].Subject, "リリースしました: ") {
		t.Fatalf("retry: %d %v %+v", n, err, mails.Mails())
	}
}

func TestCustomerGoogleSignIn(t *testing.T) {
	db := twoCompanies(t)
	ctx := context.Background()
	keys := googletest.New(t)
	g, err := auth.NewGoogleCustomers(ctx, "client-1", keys.Client)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(db, opts(dashboard.Options{CustomerGoogle: g, GoogleClientID: "client-1", BaseURL: "https://koe.example"}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if code, body := get(t, h, "/account/signin"); code != 200 || !strings.Contains(body, `data-login_uri="https://koe.example/account/google"`) {
		t.Fatalf("/account/signin: %d %s", code, body)
	}
	now := time.Now().Unix()
	post := func(email string, hd ...string) *httptest.ResponseRecorder {
		claims := map[string]any{"iss": "https://accounts.google.com", "aud": "client-1", "sub": "1", "iat": now, "exp": now + 600,
			"email": email, "email_verified": true}
		if len(hd) > 0 {
			claims["hd"] = hd[0]
		}
		tok := keys.Sign(t, claims, false)
		b := &browserish{t: t, h: h, cookies: map[string]*http.Cookie{"g_csrf_token": {Name: "g_csrf_token", Value: "x"}}}
		return b.do(http.MethodPost, "/account/google", url.Values{"credential": {tok}, "g_csrf_token": {"x"}})
	}
	// A gmail address is a customer only as a known contact.
	if rec := post("alpha.owner@gmail.com"); rec.Code != http.StatusSeeOther {
		t.Fatalf("contact on gmail: %d %s", rec.Code, rec.Body.String())
	}
	if rec := post("stranger@gmail.com"); rec.Code != http.StatusForbidden {
		t.Fatalf("stranger: %d", rec.Code)
	}
	// An address at a customer's domain opens its page from a Workspace account (hd), not from a
	// consumer account, whose address outlives the job: that one needs to be a known contact.
	if rec := post("new.hire@alpha.example", "alpha.example"); rec.Code != http.StatusSeeOther {
		t.Fatalf("workspace account by domain: %d %s", rec.Code, rec.Body.String())
	}
	if rec := post("former@alpha.example"); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "Google") {
		t.Fatalf("consumer account by domain: %d %s", rec.Code, rec.Body.String())
	}
	if rec := post("b@beta.example"); rec.Code != http.StatusSeeOther {
		t.Fatalf("consumer account of a known contact: %d %s", rec.Code, rec.Body.String())
	}
}
