package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/demo"
	"github.com/koehq/koe/store"
)

// TestEveryPageReads renders every staff, public and customer page of the demo data in each
// language and reads it as a person would: no formatting verb (%!f(*float64=…)), no message id
// showing instead of its words, no raw code (churn_risk, under_review, none) standing as text.
func TestEveryPageReads(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	ds := demo.Generate(demo.Options{Seed: 1, Now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Accounts: 40, Items: 300})
	if err := db.ImportDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveCursor(ctx, store.SourceCursor{Kind: "zendesk", Name: "support", Cursor: "1"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CreateAPIToken(ctx, "zapier", "write", demo.AdminEmail); err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(db, opts(dashboard.Options{CompanyName: "Acme", Demo: true, DemoUser: ds.Users[0]}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	// The staff sign-in page, which the demo (everyone signed in) skips.
	signedOut, err := dashboard.New(db, opts(dashboard.Options{CompanyName: "Acme"}))
	if err != nil {
		t.Fatal(err)
	}
	contact := ds.Contacts[0]
	sess, err := db.SignInCustomer(ctx, contact.Email, &contact.AccountID, "ja", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var public int64
	for _, r := range ds.Requests {
		if r.Public {
			public = r.ID
			break
		}
	}
	pages := []string{
		"/app/requests", "/app/requests/1", "/app/requests/999999", "/app/feedback", "/app/feedback?tag=none",
		"/app/feedback/1", "/app/feedback/2", "/app/feedback/999999", "/app/clusters", "/app/accounts", "/app/accounts/1",
		"/app/accounts/unmatched", "/app/audit", "/app/weights", "/app/sources", "/app/slack", "/app/tokens", "/app/users",
		"/roadmap", fmt.Sprintf("/roadmap/%d", public), "/roadmap/999999", "/signin", "/account/signin", "/account/verify?token=x",
		"/account", "/nope",
	}
	prefixes, codes := catalogShape(t)
	idLike := regexp.MustCompile(`\b[a-z][a-z_]*\.[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\b`)
	for _, lang := range []string{"ja", "en"} {
		for _, path := range pages {
			t.Run(lang+path, func(t *testing.T) {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				req := httptest.NewRequest(http.MethodGet, path+sep+"lang="+lang, nil)
				if path == "/account" {
					req.AddCookie(&http.Cookie{Name: "koe_customer", Value: sess.Token})
				}
				rec := httptest.NewRecorder()
				if path == "/signin" {
					signedOut.Handler().ServeHTTP(rec, req)
				} else {
					h.ServeHTTP(rec, req)
				}
				if rec.Code >= 500 || rec.Code == http.StatusFound {
					t.Fatalf("status %d", rec.Code)
				}
				for _, text := range readable(t, rec.Body.String()) {
					if strings.Contains(text, "%!") {
						t.Errorf("a formatting verb shows: %q", text)
					}
					for _, m := range idLike.FindAllString(text, -1) {
						if prefixes[strings.SplitN(m, ".", 2)[0]] {
							t.Errorf("a message id shows: %q in %q", m, text)
						}
					}
					if codes[strings.TrimSpace(text)] && (lang == "ja" || strings.Contains(text, "_")) {
						t.Errorf("a raw code shows: %q", text)
					}
				}
			})
		}
	}
}

// catalogShape reads the catalog's id prefixes (feedback, tag, …) and the codes its labels name
// (churn_risk, under_review, …, and none).
func catalogShape(t *testing.T) (prefixes, codes map[string]bool) {
	t.Helper()
	buf, err := os.ReadFile("../locale/translations/en.json")
	if err != nil {
		t.Fatal(err)
	}
	var msgs map[string]any
	if err := json.Unmarshal(buf, &msgs); err != nil {
		t.Fatal(err)
	}
	// Connectors are left out: their codes (zendesk, intercom) are also the names people give
	// their sources.
	labelKinds := []string{"tag", "status", "voice_status", "lifecycle", "source", "role", "scope", "reason", "outbox_kind", "audit_action", "roadmap_column", "match"}
	prefixes, codes = map[string]bool{}, map[string]bool{"none": true}
	for id := range msgs {
		kind, code, _ := strings.Cut(id, ".")
		prefixes[kind] = true
		if slices.Contains(labelKinds, kind) && !strings.Contains(code, ".") {
			codes[code] = true
		}
	}
	return prefixes, codes
}

// readable is what a person reads on a page: its text (not scripts or styles) and the words of
// placeholders, labels for screen readers and titles.
func readable(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		if n.Type == html.TextNode && strings.TrimSpace(n.Data) != "" {
			out = append(out, n.Data)
		}
		for _, a := range n.Attr {
			if a.Key == "placeholder" || a.Key == "aria-label" || a.Key == "title" || a.Key == "alt" {
				out = append(out, a.Val)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}
