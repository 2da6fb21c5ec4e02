package dashboard_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/internal/smtptest"
	"github.com/koehq/koe/notify"
)

// TestCustomerSessionTTL: a customer's sign-in lasts KOE_CUSTOMER_SESSION_TTL (7 days unless
// set), in the cookie and in the database: past it, the page sends them to sign in again.
func TestCustomerSessionTTL(t *testing.T) {
	db := twoCompanies(t)
	mails := smtptest.Start(t)
	mailer := &notify.SMTP{Addr: mails.Addr, From: "Acme <roadmap@acme.example>"}
	for _, tc := range []struct {
		name string
		ttl  time.Duration
		want int
	}{{"default", 0, 7 * 24 * 3600}, {"set", 2 * time.Second, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := dashboard.New(db, opts(dashboard.Options{CompanyName: "Acme", BaseURL: "https://koe.example", Mail: mailer, CustomerSessionTTL: tc.ttl}))
			if err != nil {
				t.Fatal(err)
			}
			b := &browserish{t: t, h: srv.Handler(), cookies: map[string]*http.Cookie{}, ip: "192.0.2." + tc.name[:1]}
			b.signInByMail(mails, "b@beta.example")
			if got := b.cookies["koe_customer"]; got == nil || got.MaxAge != tc.want {
				t.Fatalf("cookie %+v, want Max-Age %d", got, tc.want)
			}
			if rec := b.do(http.MethodGet, "/account", nil); rec.Code != http.StatusOK {
				t.Fatalf("signed in: %d", rec.Code)
			}
			if tc.ttl == 0 {
				return
			}
			time.Sleep(tc.ttl + 200*time.Millisecond)
			if rec := b.do(http.MethodGet, "/account", nil); rec.Code != http.StatusFound || rec.Header().Get("Location") != "/account/signin" {
				t.Fatalf("past the lifetime: %d %v", rec.Code, rec.Header())
			}
		})
	}
}
