package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/smtptest"
	"github.com/koehq/koe/notify"
	"github.com/koehq/koe/store"
)

var staffLink = regexp.MustCompile(`https://koe\.example(/signin/verify\?\S+)`)

// askStaffLink asks /signin for a link for email and returns the answer's words.
func askStaffLink(t *testing.T, b *browserish, email string) string {
	t.Helper()
	page := b.do(http.MethodGet, "/signin?lang=en", nil)
	if !strings.Contains(page.Body.String(), "Email me a link") {
		t.Fatalf("/signin offers no mail link: %d %s", page.Code, page.Body.String())
	}
	rec := b.do(http.MethodPost, "/signin?lang=en", url.Values{"csrf": {b.csrf(page.Body.String())}, "email": {email}})
	if rec.Code != http.StatusOK {
		t.Fatalf("ask for a link for %s: %d %s", email, rec.Code, rec.Body.String())
	}
	return strings.ReplaceAll(rec.Body.String(), strings.ToLower(email), "EMAIL")
}

// followStaffLink presses the button behind a mailed link.
func followStaffLink(t *testing.T, b *browserish, link string) int {
	t.Helper()
	page := b.do(http.MethodGet, link, nil)
	u, _ := url.Parse(link)
	return b.do(http.MethodPost, "/signin/verify?lang=en", url.Values{"csrf": {b.csrf(page.Body.String())}, "token": {u.Query().Get("token")}}).Code
}

// TestStaffSignInByMail: a staff member added with `koe users add` signs in with a mailed link,
// once; an unknown address gets the very same answer and no mail; a removed person's link opens
// nothing; a customer's link does not open the staff door.
func TestStaffSignInByMail(t *testing.T) {
	db := twoCompanies(t)
	ctx := context.Background()
	if _, err := db.SaveUser(ctx, feedback.User{Email: "cs@koe.example", Role: feedback.RoleCS}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveUser(ctx, feedback.User{Email: "boss@koe.example", Role: feedback.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	mails := smtptest.Start(t)
	srv, err := dashboard.New(db, opts(dashboard.Options{CompanyName: "Acme", BaseURL: "https://koe.example",
		Mail: &notify.SMTP{Addr: mails.Addr, From: "Koe <koe@acme.example>"}}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	staff := &browserish{t: t, h: h, cookies: map[string]*http.Cookie{}, ip: "192.0.2.1"}
	known := askStaffLink(t, staff, "CS@koe.example")
	got := waitMails(t, mails, 1)
	if len(got) != 1 || got[0].To != "cs@koe.example" || !strings.Contains(got[0].Subject, "Acme") {
		t.Fatalf("mails: %+v", got)
	}
	link := staffLink.FindStringSubmatch(got[0].Body)
	if link == nil {
		t.Fatalf("no link in %q", got[0].Body)
	}
	if code := followStaffLink(t, staff, link[1]); code != http.StatusSeeOther {
		t.Fatalf("follow the link: %d", code)
	}
	if rec := staff.do(http.MethodGet, "/app/feedback", nil); rec.Code != http.StatusOK {
		t.Fatalf("signed in by link, /app/feedback: %d", rec.Code)
	}
	again := &browserish{t: t, h: h, cookies: map[string]*http.Cookie{}, ip: "192.0.2.2"}
	if code := followStaffLink(t, again, link[1]); code != http.StatusUnauthorized {
		t.Fatalf("the link a second time: %d, want 401", code)
	}
	if rec := again.do(http.MethodGet, "/app/feedback", nil); rec.Code != http.StatusUnauthorized {
		t.Fatalf("the second browser is signed in: %d", rec.Code)
	}

	// An unknown address: the same answer, word for word, and no mail.
	stranger := &browserish{t: t, h: h, cookies: map[string]*http.Cookie{}, ip: "192.0.2.3"}
	unknown := askStaffLink(t, stranger, "nobody@koe.example")
	strip := regexp.MustCompile(`name="csrf" value="[^"]+"`)
	if strip.ReplaceAllString(known, "") != strip.ReplaceAllString(unknown, "") {
		t.Fatalf("the answers differ:\n%s\n---\n%s", known, unknown)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(mails.Mails()); n != 1 {
		t.Fatalf("%d mails after an unknown address, want 1", n)
	}

	// A link asked for, then the person removed: the link opens nothing.
	askStaffLink(t, &browserish{t: t, h: h, cookies: map[string]*http.Cookie{}, ip: "192.0.2.4"}, "boss@koe.example")
	got = waitMails(t, mails, 2)
	if _, err := db.SaveUser(ctx, feedback.User{Email: "second@koe.example", Role: feedback.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RemoveUser(ctx, "boss@koe.example", "test"); err != nil {
		t.Fatal(err)
	}
	if code := followStaffLink(t, &browserish{t: t, h: h, cookies: map[string]*http.Cookie{}, ip: "192.0.2.5"}, staffLink.FindStringSubmatch(got[1].Body)[1]); code != http.StatusUnauthorized {
		t.Fatalf("a removed person's link: %d, want 401", code)
	}

	// A customer's link is not a staff link, even for a staff address.
	token, err := db.CreateSignInLink(ctx, "cs@koe.example", "192.0.2.6", store.LinkLimits{PerEmail: 9, PerIP: 9, Window: time.Hour, TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if code := followStaffLink(t, &browserish{t: t, h: h, cookies: map[string]*http.Cookie{}, ip: "192.0.2.6"}, "/signin/verify?token="+token); code != http.StatusUnauthorized {
		t.Fatalf("a customer link at the staff door: %d, want 401", code)
	}
}

// TestStaffSignInOff: without Google and without SMTP, /signin says how to set sign-in up, and
// the mail form's door is shut.
func TestStaffSignInOff(t *testing.T) {
	db := openStore(t)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	b := &browserish{t: t, h: h, cookies: map[string]*http.Cookie{}}
	if rec := b.do(http.MethodGet, "/signin?lang=en", nil); !strings.Contains(rec.Body.String(), "KOE_SMTP_ADDR") || strings.Contains(rec.Body.String(), "Email me a link") {
		t.Fatalf("/signin with nothing set up: %d %s", rec.Code, rec.Body.String())
	}
	if rec := b.do(http.MethodPost, "/signin", url.Values{"email": {"a@koe.example"}}); rec.Code != http.StatusForbidden {
		t.Fatalf("POST /signin without a form token: %d", rec.Code)
	}
}
