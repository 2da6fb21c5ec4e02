package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
)

// TestUsersPageRemoves: an admin sees the staff with role and last sign-in, removes one with the
// page's button, and the removed person's cookie stops working on their next request.
func TestUsersPageRemoves(t *testing.T) {
	db := seed(t)
	admin := signIn(t, db, "admin@koe.example", feedback.RoleAdmin)
	cs := signIn(t, db, "cs@koe.example", feedback.RoleCS)
	srv, _ := dashboard.New(db, opts(dashboard.Options{}))
	h := srv.Handler()
	for _, tc := range []struct{ lang, want string }{{"en", "Last seen"}, {"ja", "最終サインイン"}} {
		page := do(h, http.MethodGet, "/app/users?lang="+tc.lang, &admin, false)
		if body := page.Body.String(); page.Code != 200 || !strings.Contains(body, "cs@koe.example") || !strings.Contains(body, tc.want) || !strings.Contains(body, `href="/app/users"`) {
			t.Fatalf("users page (%s): %d\n%s", tc.lang, page.Code, body)
		}
	}
	if got, want := do(h, http.MethodGet, "/app/users", &cs, false).Code, http.StatusForbidden; got != want {
		t.Fatalf("a cs member opens the users page: %d, want %d", got, want)
	}
	if got, want := do(h, http.MethodGet, "/app/feedback", &cs, false).Code, http.StatusOK; got != want {
		t.Fatalf("before removal: %d, want %d", got, want)
	}
	req := postForm(h, "/app/users/remove", &admin, url.Values{"email": {"cs@koe.example"}})
	if req.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d %s", req.Code, req.Body.String())
	}
	if got, want := do(h, http.MethodGet, "/app/feedback", &cs, false).Code, http.StatusUnauthorized; got != want {
		t.Fatalf("the removed person's cookie: %d, want %d", got, want)
	}
	log, err := db.AuditLog(context.Background(), "user", 10, 0)
	if err != nil || len(log) != 1 || log[0].Actor != "admin@koe.example" || !strings.Contains(log[0].Before, "cs@koe.example") {
		t.Fatalf("audit: %+v %v", log, err)
	}
	if rec := postForm(h, "/app/users/remove", &admin, url.Values{"email": {"admin@koe.example"}}); rec.Code != http.StatusConflict {
		t.Fatalf("removing the last admin: %d", rec.Code)
	}
}

func TestUsersPageRemoveNeedsCSRF(t *testing.T) {
	db := seed(t)
	admin := signIn(t, db, "admin@koe.example", feedback.RoleAdmin)
	cs := signIn(t, db, "cs@koe.example", feedback.RoleCS)
	srv, _ := dashboard.New(db, opts(dashboard.Options{}))
	h := srv.Handler()
	if got, want := do(h, http.MethodPost, "/app/users/remove?email=cs@koe.example", &admin, false).Code, http.StatusForbidden; got != want {
		t.Fatalf("remove without CSRF: %d, want %d", got, want)
	}
	if got, want := do(h, http.MethodGet, "/app/feedback", &cs, false).Code, http.StatusOK; got != want {
		t.Fatalf("after a refused removal: %d, want %d", got, want)
	}
}
