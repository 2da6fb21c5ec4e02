package dashboard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// TestOIDCStartsAreBounded: starting a sign-in is anonymous and keeps a row until it is finished
// or expires, so one address (an IPv6 /64 counts as one) may keep only so many unfinished at a
// time; others are not held up.
func TestOIDCStartsAreBounded(t *testing.T) {
	db := seed(t)
	if _, err := db.SaveUser(context.Background(), feedback.User{Email: "hanako@koe.example", Role: feedback.RoleCS}); err != nil {
		t.Fatal(err)
	}
	r := newOIDCRig(t, db, rigOptions{})
	r.okta.SignInAs(staffPerson("hanako@koe.example"))
	flood := r.browser(t)
	flood.ip = "2001:db8:1:2::10"
	// Sent by another site as images or frames, starts are refused before they count: a page
	// elsewhere cannot spend the sign-ins of its readers' office.
	for _, dest := range []string{"image", "iframe", "empty", "script"} {
		for range 5 {
			req := httptest.NewRequest(http.MethodGet, "/signin/oidc/okta?lang=en", nil)
			req.RemoteAddr = "[2001:db8:1:2::10]:1234"
			req.Header.Set("Sec-Fetch-Dest", dest)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			rec := httptest.NewRecorder()
			r.h.ServeHTTP(rec, req)
			if rec.Code != http.StatusForbidden {
				t.Fatalf("a start as %s: %d", dest, rec.Code)
			}
		}
	}
	for i := range 100 {
		if rec := flood.do(http.MethodGet, "/signin/oidc/okta?lang=en", nil); rec.Code != http.StatusFound {
			t.Fatalf("start %d: %d %s", i+1, rec.Code, rec.Body.String())
		}
	}
	// The same /64 from another address: refused, and told so in words.
	next := r.browser(t)
	next.ip = "2001:db8:1:2:ffff::1"
	rec := next.do(http.MethodGet, "/signin/oidc/okta?lang=en", nil)
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "Too many sign-ins") {
		t.Fatalf("start 101 from the same /64: %d %s", rec.Code, rec.Body.String())
	}
	if _, ok := next.cookies["koe_oidc"]; ok {
		t.Error("a refused start set the state cookie")
	}
	if rec := next.do(http.MethodGet, "/account/signin/oidc/microsoft?lang=ja", nil); rec.Code != http.StatusTooManyRequests ||
		!strings.Contains(rec.Body.String(), "完了していないサインインが多すぎます") || !strings.Contains(rec.Body.String(), `href="/account/signin`) {
		t.Fatalf("a customer's start from the same /64, in Japanese: %d %s", rec.Code, rec.Body.String())
	}
	// Someone else signs in as ever.
	other := r.browser(t)
	other.ip = "198.51.100.7"
	if rec := r.signIn(t, other, "/signin/oidc/okta?lang=en"); rec.Code != http.StatusSeeOther {
		t.Fatalf("another address: %d %s", rec.Code, rec.Body.String())
	}
}

// TestOIDCCustomerWhoLeftLosesThePage: a person matched by their company's domain signs in; the
// company's domain changes (they are no longer anyone's), and at their next sign-in — refused —
// the session they still hold stops showing the old company's page too.
func TestOIDCCustomerWhoLeftLosesThePage(t *testing.T) {
	db := twoCompanies(t)
	person := map[string]any{"email": "kenji@alpha.example", "tid": tenantOther, "xms_edov": true}
	r := newOIDCRig(t, db, rigOptions{})
	r.ms.SignInAs(person)
	old := r.browser(t)
	if rec := r.signIn(t, old, "/account/signin/oidc/microsoft?lang=en"); rec.Code != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d %s\nlog: %s", rec.Code, rec.Body.String(), r.log)
	}
	if body := old.do(http.MethodGet, "/account", nil).Body.String(); !strings.Contains(body, "CSV export") {
		t.Fatalf("Alpha's page:\n%s", body)
	}
	if _, err := db.SaveAccounts(context.Background(), store.AccountBatch{Source: "t", Fields: []string{"domains"}, Records: []feedback.AccountRecord{{
		Account: feedback.Account{Source: "t", ExternalID: "1", Name: "Alpha KK", NameKey: "alpha", Domains: []string{"alpha-holdings.example"}, Lifecycle: feedback.Customer, MRR: feedback.Money{Minor: 50_000, Currency: "JPY"}}}}}); err != nil {
		t.Fatal(err)
	}
	fresh := newOIDCRig(t, db, rigOptions{ms: r.ms, okta: r.okta})
	again := fresh.browser(t)
	if rec := fresh.signIn(t, again, "/account/signin/oidc/microsoft?lang=en"); rec.Code != http.StatusForbidden {
		t.Fatalf("sign-in after leaving: %d %s", rec.Code, rec.Body.String())
	}
	old.h = fresh.h
	rec := old.do(http.MethodGet, "/account", nil)
	if strings.Contains(rec.Body.String(), "CSV export") {
		t.Fatalf("the old session still shows Alpha's page: %d\n%s", rec.Code, rec.Body.String())
	}
}

// TestOIDCForeignCallbackKeepsTheSignIn: a callback with a state that is not this browser's
// (another site sending the browser to /auth/oidc/NAME/callback?state=junk while the person is
// at the provider) is refused without forgetting the sign-in the browser did start.
func TestOIDCForeignCallbackKeepsTheSignIn(t *testing.T) {
	db := seed(t)
	if _, err := db.SaveUser(context.Background(), feedback.User{Email: "hanako@koe.example", Role: feedback.RoleCS}); err != nil {
		t.Fatal(err)
	}
	r := newOIDCRig(t, db, rigOptions{})
	r.okta.SignInAs(staffPerson("hanako@koe.example"))
	b := r.browser(t)
	back := authorize(t, b, "/signin/oidc/okta?lang=en", nil)
	if rec := b.do(http.MethodGet, "/auth/oidc/okta/callback?code=x&state=junk", nil); rec.Code != http.StatusForbidden {
		t.Fatalf("a foreign callback: %d %s", rec.Code, rec.Body.String())
	}
	if rec := b.do(http.MethodGet, back, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("the browser's own callback after a foreign one: %d %s", rec.Code, rec.Body.String())
	}
	if _, ok := b.cookies["koe_oidc"]; ok {
		t.Error("the state cookie outlives the finished sign-in")
	}
}

// TestOIDCPersonalAccountNotByDomain: a personal Microsoft account proved its address once, when
// it was made, and keeps it after the person leaves the company that owns the domain (the work
// account is disabled; the personal one is not). So it opens a company's page only when the
// address itself is known (a contact, a saved rule), never by the domain alone; a work account
// whose tenant owns the domain still does, and the refusal ends no session.
func TestOIDCPersonalAccountNotByDomain(t *testing.T) {
	db := twoCompanies(t)
	r := newOIDCRig(t, db, rigOptions{})
	work := r.browser(t)
	r.ms.SignInAs(map[string]any{"email": "kenji@alpha.example", "tid": tenantOther, "xms_edov": true})
	if rec := r.signIn(t, work, "/account/signin/oidc/microsoft?lang=en"); rec.Code != http.StatusSeeOther {
		t.Fatalf("work account: %d %s", rec.Code, rec.Body.String())
	}
	r.ms.SignInAs(map[string]any{"email": "kenji@alpha.example", "tid": tenantPersonal})
	personal := r.browser(t)
	rec := r.signIn(t, personal, "/account/signin/oidc/microsoft?lang=en")
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "personal Microsoft account") {
		t.Fatalf("personal account matched by domain only: %d %s", rec.Code, rec.Body.String())
	}
	if _, ok := personal.cookies["koe_customer"]; ok {
		t.Error("refused, yet koe_customer is set")
	}
	if body := work.do(http.MethodGet, "/account", nil).Body.String(); !strings.Contains(body, "CSV export") {
		t.Errorf("the work account's session lost Alpha's page:\n%s", body)
	}
	// A contact's address (TestOIDCCustomerSignIn: alpha.owner@gmail.com) still signs in.
	r.ms.SignInAs(map[string]any{"email": "alpha.owner@gmail.com", "tid": tenantPersonal})
	if rec := r.signIn(t, r.browser(t), "/account/signin/oidc/microsoft?lang=ja"); rec.Code != http.StatusSeeOther {
		t.Fatalf("personal account of a contact: %d %s", rec.Code, rec.Body.String())
	}
}
