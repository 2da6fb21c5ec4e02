package dashboard_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// TestSecurityHeaders: every page says which scripts may run (only Koe's own files and Google's
// sign-in), that no one may frame it, and that nothing is sniffed; and no page carries an inline
// script, which that policy would block.
func TestSecurityHeaders(t *testing.T) {
	db := seed(t)
	sess := signIn(t, db, "cs@koe.example", feedback.RoleCS)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	inline := regexp.MustCompile(`<script(\s[^>]*)?>`)
	for _, path := range []string{"/roadmap", "/roadmap/1", "/account/signin", "/signin", "/app/feedback", "/app/requests", "/roadmap.csv"} {
		t.Run(path, func(t *testing.T) {
			rec := do(h, http.MethodGet, path, &sess, false)
			if rec.Code != http.StatusOK {
				t.Fatalf("status=%d", rec.Code)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			for _, want := range []string{"script-src 'self' https://accounts.google.com/gsi/client;", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			if got, want := rec.Header().Get("X-Content-Type-Options"), "nosniff"; got != want {
				t.Errorf("X-Content-Type-Options=%q, want %q", got, want)
			}
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
				return
			}
			for _, tag := range inline.FindAllString(rec.Body.String(), -1) {
				if !strings.Contains(tag, " src=") {
					t.Errorf("an inline script, which the policy blocks: %s", tag)
				}
			}
		})
	}
	rec := do(h, http.MethodGet, "/static/sheet.js", nil, false)
	if ct := rec.Header().Get("Content-Type"); rec.Code != http.StatusOK || !strings.Contains(ct, "javascript") || !strings.Contains(rec.Body.String(), "keydown") {
		t.Errorf("/static/sheet.js: %d %s", rec.Code, ct)
	}
}

// TestOutboxMasksWebhookURLs: the outbox page, which every viewer sees, shows which receiver a
// webhook event goes to but not the credentials or tokens in its URL.
func TestOutboxMasksWebhookURLs(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	if _, err := db.AddWebhook(ctx, "https://user:pw-s3cret@hooks.example.com/in?token=tok-s3cret", nil, false, "admin@koe.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateRequest(ctx, "CSV export", nil, store.Triager{Actor: "po@koe.example"}); err != nil {
		t.Fatal(err)
	}
	sess := signIn(t, db, "viewer@koe.example", feedback.RoleViewer)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	rec := do(srv.Handler(), http.MethodGet, "/app/slack", &sess, false)
	if body := rec.Body.String(); rec.Code != http.StatusOK || strings.Contains(body, "s3cret") || !strings.Contains(body, "hooks.example.com/in?token=xxxxx") {
		t.Errorf("/app/slack: %d\n%s", rec.Code, body)
	}
}
