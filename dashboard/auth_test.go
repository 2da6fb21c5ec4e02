package dashboard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/auth"
	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/googletest"
	"github.com/koehq/koe/store"
)

// signIn adds a staff member and returns a session of theirs.
func signIn(t *testing.T, db *store.DB, email string, role feedback.Role) store.Session {
	t.Helper()
	u, err := db.SaveUser(context.Background(), feedback.User{Email: email, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := db.CreateSession(context.Background(), u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// do sends a request with the session cookie (if any) and, for a change, the CSRF token.
func do(h http.Handler, method, path string, sess *store.Session, csrf bool) *httptest.ResponseRecorder {
	var body *strings.Reader
	form := url.Values{}
	if csrf && sess != nil {
		form.Set("csrf", sess.CSRF)
	}
	body = strings.NewReader(form.Encode())
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sess != nil {
		req.AddCookie(&http.Cookie{Name: "koe_session", Value: sess.Token})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestEveryRouteEnforcesItsRole walks the whole staff route table with each role.
func TestEveryRouteEnforcesItsRole(t *testing.T) {
	db := seed(t)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	sessions := map[feedback.Role]*store.Session{}
	for _, role := range []feedback.Role{feedback.RoleViewer, feedback.RoleCS, feedback.RolePO, feedback.RoleAdmin} {
		sess := signIn(t, db, string(role)+"@koe.example", role)
		sessions[role] = &sess
	}
	routes := srv.Routes()
	if len(routes) < 5 {
		t.Fatalf("only %d routes", len(routes))
	}
	for _, rt := range routes {
		if code := do(h, rt.Method, rt.Path, nil, false).Code; code != http.StatusUnauthorized {
			t.Errorf("%s %s signed out: %d, want 401", rt.Method, rt.Path, code)
		}
		for role, sess := range sessions {
			code := do(h, rt.Method, rt.Path, sess, true).Code
			may := role == feedback.RoleAdmin || rt.Role == feedback.RoleViewer || role == rt.Role
			switch {
			case !may && code != http.StatusForbidden:
				t.Errorf("%s %s as %s: %d, want 403", rt.Method, rt.Path, role, code)
			case may && (code == http.StatusUnauthorized || code == http.StatusForbidden || code >= 500):
				t.Errorf("%s %s as %s: %d, want it answered", rt.Method, rt.Path, role, code)
			}
			if may && rt.Method != http.MethodGet {
				if code := do(h, rt.Method, rt.Path, sess, false).Code; code != http.StatusForbidden {
					t.Errorf("%s %s as %s without the CSRF token: %d, want 403", rt.Method, rt.Path, role, code)
				}
			}
		}
	}
	// A session for a user who is gone, and a made-up token, are signed out.
	if code := do(h, http.MethodGet, "/app/requests", &store.Session{Token: "made-up"}, false).Code; code != http.StatusUnauthorized {
		t.Errorf("a made-up session: %d", code)
	}
}

func TestGoogleSignInAndOut(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	keys := googletest.New(t)
	g, err := auth.NewGoogle(ctx, "client-1", []string{"koe.example"}, keys.Client)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveUser(ctx, feedback.User{Email: "hanako@koe.example", Role: feedback.RoleCS}); err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(db, opts(dashboard.Options{Google: g, GoogleClientID: "client-1", BaseURL: "https://koe.example", SecureCookies: true}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if code, body := get(t, h, "/signin", "Accept-Language", "en"); code != 200 || !strings.Contains(body, `data-login_uri="https://koe.example/auth/google"`) {
		t.Fatalf("/signin: %d %s", code, body)
	}
	now := time.Now().Unix()
	token := func(email string) string {
		return keys.Sign(t, map[string]any{"iss": "accounts.google.com", "aud": "client-1", "sub": "1", "iat": now, "exp": now + 600,
			"email": email, "email_verified": true, "hd": "koe.example"}, false)
	}
	post := func(credential, formCSRF, cookieCSRF string) *httptest.ResponseRecorder {
		form := url.Values{"credential": {credential}, "g_csrf_token": {formCSRF}}
		req := httptest.NewRequest(http.MethodPost, "/auth/google", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "g_csrf_token", Value: cookieCSRF})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := post(token("hanako@koe.example"), "a", "b"); rec.Code != http.StatusForbidden {
		t.Fatalf("CSRF mismatch: %d", rec.Code)
	}
	if rec := post(token("stranger@koe.example"), "a", "a"); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "koe users add stranger@koe.example") {
		t.Fatalf("unknown user: %d %s", rec.Code, rec.Body.String())
	}
	if rec := post("not-a-token", "a", "a"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("bad token: %d", rec.Code)
	}
	rec := post(token("Hanako@koe.example"), "a", "a")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/app" {
		t.Fatalf("sign-in: %d %v", rec.Code, rec.Header())
	}
	cookie := rec.Result().Cookies()[0]
	if cookie.Name != "koe_session" || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteLaxMode || len(cookie.Value) < 40 {
		t.Fatalf("session cookie = %+v", cookie)
	}
	sess, err := db.SessionByToken(ctx, cookie.Value)
	if err != nil || sess.User.Email != "hanako@koe.example" {
		t.Fatalf("session: %+v %v", sess, err)
	}
	if rec := do(h, http.MethodGet, "/app/requests", &sess, false); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Sign out") && !strings.Contains(rec.Body.String(), "サインアウト") {
		t.Fatalf("signed in: %d", rec.Code)
	}
	if rec := do(h, http.MethodPost, "/auth/signout", &sess, true); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", rec.Code)
	}
	if rec := do(h, http.MethodGet, "/app/requests", &sess, false); rec.Code != http.StatusUnauthorized {
		t.Fatalf("after sign-out: %d", rec.Code)
	}
}

func TestLanguageSetting(t *testing.T) {
	db := seed(t)
	sess := signIn(t, db, "v@koe.example", feedback.RoleViewer)
	srv, _ := dashboard.New(db, opts(dashboard.Options{}))
	h := srv.Handler()
	if body := do(h, http.MethodGet, "/app/requests", &sess, false).Body.String(); !strings.Contains(body, "リクエスト（収益インパクト順）") {
		t.Fatal("not Japanese by default")
	}
	rec := postForm(h, "/app/me/locale", &sess, url.Values{"locale": {"en"}, "back": {"/app/requests"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/app/requests" {
		t.Fatalf("set locale: %d %v", rec.Code, rec.Header())
	}
	if body := do(h, http.MethodGet, "/app/requests", &sess, false).Body.String(); !strings.Contains(body, "Requests by revenue at stake") {
		t.Fatal("the setting is not used")
	}
	if rec := postForm(h, "/app/me/locale", &sess, url.Values{"locale": {"fr"}}); rec.Code != 400 {
		t.Fatalf("a language Koe does not have: %d", rec.Code)
	}
}

// TestBackRedirectStaysHome: a form's back page that cleans to another site (the path is
// checked after cleaning, backslashes refused) redirects to the default page instead.
func TestBackRedirectStaysHome(t *testing.T) {
	db := seed(t)
	sess := signIn(t, db, "v@koe.example", feedback.RoleViewer)
	srv, _ := dashboard.New(db, opts(dashboard.Options{}))
	h := srv.Handler()
	for _, back := range []string{`/app/../\evil.example/phish`, `/app/..//evil.example`, `/app\..\evil.example`} {
		rec := postForm(h, "/app/me/locale", &sess, url.Values{"locale": {"en"}, "back": {back}})
		if got, want := rec.Header().Get("Location"), "/app"; rec.Code != http.StatusSeeOther || got != want {
			t.Errorf("back=%s: %d Location=%q, want %q", back, rec.Code, got, want)
		}
	}
}
