package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

func TestAccountsQueueAndAudit(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	_, _, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: []feedback.Item{
		{SourceKind: feedback.SourceChat, SourceName: "widget", SourceID: "u1", ReceivedAt: time.Now(), Body: "who am I",
			AuthorEmail: "taro@newcorp.example", CompanyName: `<b>NewCorp</b>`, Status: feedback.StatusNew},
		{SourceKind: feedback.SourceChat, SourceName: "widget", SourceID: "u2", ReceivedAt: time.Now(), Body: "me too",
			AuthorEmail: "hanako@newcorp.example", Status: feedback.StatusNew},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cs := signIn(t, db, "cs@koe.example", feedback.RoleCS)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	for path, want := range map[string]string{
		"/app/accounts?lang=en":           canary + " 株式会社",
		"/app/accounts/1?lang=en":         canary + " raw words",
		"/app/accounts/unmatched?lang=en": "taro@newcorp.example",
	} {
		rec := do(h, http.MethodGet, path, &cs, false)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
			t.Fatalf("%s: %d, lacks %q\n%s", path, rec.Code, want, rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), "<b>NewCorp") {
			t.Fatalf("%s shows a company name unescaped", path)
		}
	}
	body := do(h, http.MethodGet, "/app/accounts/unmatched?lang=en", &cs, false).Body.String()
	if !strings.Contains(body, `value="newcorp.example"`) || !strings.Contains(body, "@newcorp.example for the whole domain") {
		t.Fatalf("no domain rule offered:\n%s", body)
	}
	// An account is taken by its name as typed, or as the list offers it; a name no account has
	// is answered in the reader's words.
	for _, c := range []struct {
		typed string
		code  int
		says  string
	}{
		{"Globex", 404, "「Globex」という名前のアカウントはありません。"},
		{"999", 404, "「999」というアカウントはありません。"},
	} {
		if rec := postForm(h, "/app/accounts/rules?lang=ja", &cs, url.Values{"kind": {"email"}, "pattern": {"x@newcorp.example"}, "account": {c.typed}}); rec.Code != c.code ||
			!strings.Contains(rec.Body.String(), c.says) {
			t.Errorf("account %q: %d, want %d saying %q", c.typed, rec.Code, c.code, c.says)
		}
	}
	// One click: the whole domain belongs to account 1 (picked by name); both voices follow.
	rec := postForm(h, "/app/accounts/rules", &cs, url.Values{"kind": {"domain"}, "pattern": {"newcorp.example"}, "account": {" " + strings.ToLower(canary) + " 株式会社"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("rule: %d %s", rec.Code, rec.Body.String())
	}
	if rec := postForm(h, "/app/accounts/rules", &cs, url.Values{"kind": {"domain"}, "pattern": {"gmail.com"}, "account": {"1"}}); rec.Code != 400 {
		t.Fatalf("a free-mail domain rule: %d", rec.Code)
	}
	if body := do(h, http.MethodGet, "/app/accounts/unmatched?lang=en", &cs, false).Body.String(); strings.Contains(body, "newcorp.example</td>") {
		t.Fatalf("the senders are still unmatched:\n%s", body)
	}
	rows, _, err := db.FeedbackSheet(ctx, store.SheetFilter{AccountID: 1})
	if err != nil || len(rows) != 3 {
		t.Fatalf("account 1 has %d voices, %v", len(rows), err)
	}
	// The audit log shows who did it.
	postForm(h, "/app/feedback/"+strconv.FormatInt(rows[0].Item.ID, 10), &cs, url.Values{"tag": {"usability"}})
	rec = do(h, http.MethodGet, "/app/audit?lang=en", &cs, false)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "cs@koe.example") || !strings.Contains(rec.Body.String(), "usability") {
		t.Fatalf("audit: %d\n%s", rec.Code, rec.Body.String())
	}
}
