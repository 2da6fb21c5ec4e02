package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
)

func TestTokensPage(t *testing.T) {
	db := seed(t)
	admin := signIn(t, db, "admin@koe.example", feedback.RoleAdmin)
	srv, _ := dashboard.New(db, opts(dashboard.Options{}))
	h := srv.Handler()
	rec := postForm(h, "/app/tokens?lang=en", &admin, url.Values{"name": {"zapier"}, "scope": {"write"}})
	token := regexp.MustCompile(`<code id="new-token">(koe_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(rec.Body.String())
	if rec.Code != 200 || token == nil || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	if _, err := db.APITokenByToken(context.Background(), token[1]); err != nil {
		t.Fatalf("the shown token does not work: %v", err)
	}
	page := do(h, http.MethodGet, "/app/tokens?lang=en", &admin, false).Body.String()
	if strings.Contains(page, token[1]) || !strings.Contains(page, "zapier") || !strings.Contains(page, token[1][:12]+"…") {
		t.Fatalf("the list shows the token, or not its name and prefix:\n%s", page)
	}
	if rec := postForm(h, "/app/tokens/1/revoke", &admin, url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", rec.Code)
	}
	if _, err := db.APITokenByToken(context.Background(), token[1]); feedback.ErrorCode(err) != feedback.EUNAUTHORIZED {
		t.Fatalf("a revoked token still works: %v", err)
	}
	if rec := postForm(h, "/app/tokens", &admin, url.Values{"name": {""}, "scope": {"write"}}); rec.Code != 400 {
		t.Fatalf("a token without a name: %d", rec.Code)
	}
}
