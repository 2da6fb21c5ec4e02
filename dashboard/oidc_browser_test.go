package dashboard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/koehq/koe/auth"
	"github.com/koehq/koe/auth/oidctest"
	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/smtptest"
	"github.com/koehq/koe/notify"
)

// TestOIDCInABrowser: the sign-in pages with their providers' buttons, in both languages, to
// read; then a staff member presses "Sign in with Okta" in Chromium, goes through the provider
// and lands on the backlog signed in, and a customer who is refused reads why.
func TestOIDCInABrowser(t *testing.T) {
	ctx := browser(t)
	db := twoCompanies(t)
	if _, err := db.SaveUser(context.Background(), feedback.User{Email: "hanako@koe.example", Name: "Hanako", Role: feedback.RoleCS}); err != nil {
		t.Fatal(err)
	}
	var h http.Handler
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer web.Close()
	ms := oidctest.New(t, "ms-app", "ms-secret", true)
	okta := oidctest.New(t, "okta-app", "okta-secret", false)
	mails := smtptest.Start(t)
	srv, err := dashboard.New(db, opts(dashboard.Options{CompanyName: "Acme", BaseURL: web.URL,
		Mail: &notify.SMTP{Addr: mails.Addr, From: "Koe <koe@acme.example>"},
		OIDC: []dashboard.OIDCProvider{
			{Name: "microsoft", Label: "Microsoft", Staff: true, Customers: true, Flow: auth.NewOIDC(auth.OIDCConfig{Issuer: ms.Issuer(),
				ClientID: "ms-app", ClientSecret: "ms-secret", RedirectURL: web.URL + dashboard.OIDCCallbackPath("microsoft")}, nil)},
			{Name: "okta", Label: "Okta", Staff: true, Flow: auth.NewOIDC(auth.OIDCConfig{Issuer: okta.Issuer(),
				ClientID: "okta-app", ClientSecret: "okta-secret", RedirectURL: web.URL + dashboard.OIDCCallbackPath("okta")}, nil)},
		}}))
	if err != nil {
		t.Fatal(err)
	}
	h = srv.Handler()
	if err := os.MkdirAll(screenshots, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var png []byte
			if err := chromedp.FullScreenshot(&png, 100).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(screenshots, name+".png"), png, 0o644)
		})
	}
	for _, p := range []struct{ path, name, button string }{
		{"/signin?lang=ja", "oidc-staff-signin-ja", "Okta でサインイン"},
		{"/signin?lang=en", "oidc-staff-signin-en", "Sign in with Okta"},
		{"/account/signin?lang=ja", "oidc-customer-signin-ja", "Microsoft でサインイン"},
		{"/account/signin?lang=en", "oidc-customer-signin-en", "Sign in with Microsoft"},
	} {
		var text string
		var problems []string
		if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+p.path), chromedp.Text(`main`, &text, chromedp.ByQuery),
			chromedp.Evaluate(a11yCheck, &problems), shot(p.name)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, p.button) {
			t.Errorf("%s does not read %q:\n%s", p.path, p.button, text)
		}
		for _, pr := range problems {
			t.Errorf("%s: %s", p.path, pr)
		}
	}

	// Staff: the whole way through the provider, in the browser.
	okta.SignInAs(map[string]any{"email": "hanako@koe.example", "email_verified": true, "name": "Hanako"})
	var header string
	if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+"/signin?lang=en"),
		chromedp.Click(`//a[contains(., "Sign in with Okta")]`, chromedp.BySearch),
		chromedp.WaitVisible(`form[action="/auth/signout"]`, chromedp.ByQuery),
		chromedp.Text(`header`, &header, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(header, "Hanako") {
		t.Errorf("signed in with Okta, the header reads %q", header)
	}

	// A customer whose Microsoft work account does not vouch for its address is told so.
	ms.SignInAs(map[string]any{"email": "b@beta.example", "tid": "11111111-2222-3333-4444-555555555555"})
	var refusal string
	if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+"/account/signin?lang=ja"),
		chromedp.Click(`//a[contains(., "Microsoft でサインイン")]`, chromedp.BySearch),
		chromedp.WaitVisible(`main h1`, chromedp.ByQuery), chromedp.Text(`main`, &refusal, chromedp.ByQuery), shot("oidc-refused-ja")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(refusal, "サインインできませんでした") || !strings.Contains(refusal, "ご本人のものだと Microsoft が確認していない") {
		t.Errorf("the refusal reads:\n%s", refusal)
	}
}
