package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
)

// TestBacklogStatusesPlansAndCurrencies: the page shows open requests unless asked; its plan
// filter is a choice from the data, whatever the case; an account without a rate is left out
// with a warning until an admin sets the rate on /app/rates; the breakdown CSV has a row per
// request and account in the reader's language.
func TestBacklogStatusesPlansAndCurrencies(t *testing.T) {
	db := openStore(t)
	ctx := context.Background()
	now := time.Now()
	ds := feedback.Dataset{
		Accounts: []feedback.Account{
			{ID: 1, Source: "t", ExternalID: "1", Name: "Yen KK", NameKey: "yen", MRR: feedback.Money{Minor: 100_000, Currency: "JPY"}, Plan: "Enterprise", Lifecycle: feedback.Customer},
			{ID: 2, Source: "t", ExternalID: "2", Name: "Dollar Inc", NameKey: "dollar", MRR: feedback.Money{Minor: 125_000, Currency: "USD"}, Plan: "enterprise", Lifecycle: feedback.Customer},
		},
		Requests: []feedback.Request{
			{ID: 1, Title: "Open one", Status: feedback.Planned},
			{ID: 2, Title: "Shipped one", Status: feedback.Shipped},
		},
	}
	for i, l := range [][2]int64{{1, 1}, {2, 1}, {1, 2}} {
		acct, req := l[0], l[1]
		ds.Items = append(ds.Items, feedback.Item{ID: int64(i + 1), SourceKind: feedback.SourceChat, SourceName: "t", SourceID: string(rune('a' + i)),
			ReceivedAt: now, Body: "x", AccountID: &acct, RequestID: &req, Tag: feedback.TagChurnRisk, Status: feedback.StatusTriaged})
	}
	if err := db.ImportDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	viewer := signIn(t, db, "v@koe.example", feedback.RoleViewer)
	admin := signIn(t, db, "admin@koe.example", feedback.RoleAdmin)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	page := func(query string) string {
		t.Helper()
		rec := do(h, http.MethodGet, "/app/requests?lang=en&"+query, &viewer, false)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", query, rec.Code, rec.Body.String())
		}
		return rec.Body.String()
	}
	body := page("")
	if !strings.Contains(body, "Open one") || strings.Contains(body, "Shipped one") {
		t.Fatalf("default backlog shows a shipped request, or not the open one:\n%s", body)
	}
	if !strings.Contains(body, `name="status" value="planned" checked`) || strings.Contains(body, `value="shipped" checked`) {
		t.Fatalf("status choices: want the open ones checked\n%s", body)
	}
	if body := page("status=shipped"); !strings.Contains(body, "Shipped one") || strings.Contains(body, "Open one") {
		t.Fatalf("?status=shipped:\n%s", body)
	}
	if body := page("status=planned&status=shipped"); !strings.Contains(body, "Shipped one") || !strings.Contains(body, "Open one") {
		t.Fatalf("two statuses:\n%s", body)
	}
	// One plan choice for "Enterprise" and "enterprise"; either finds both accounts' request.
	if strings.Count(body, `<option value="Enterprise"`)+strings.Count(body, `<option value="enterprise"`) != 1 {
		t.Fatalf("plan choices:\n%s", body)
	}
	// No USD rate: the dollar account is left out and the page says so, naming the fix.
	if !strings.Contains(body, "1 account pays in USD") || !strings.Contains(body, "koe rates set USD=") {
		t.Fatalf("no warning for the USD account:\n%s", body)
	}
	// Only an admin sets rates.
	form := url.Values{"rates": {"USD=150.25"}, "on": {"2026-11-30"}}
	if rec := postForm(h, "/app/rates", &viewer, form); rec.Code != http.StatusForbidden {
		t.Fatalf("a viewer set rates: %d", rec.Code)
	}
	if rec := postForm(h, "/app/rates", &admin, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("admin sets rates: %d %s", rec.Code, rec.Body.String())
	}
	if rec := do(h, http.MethodGet, "/app/rates?lang=en", &viewer, false); !strings.Contains(rec.Body.String(), "150.25") || !strings.Contains(rec.Body.String(), "2026-11-30") {
		t.Fatalf("rates page: %s", rec.Body.String())
	}
	if log, _ := db.AuditLog(ctx, "setting", 10, 0); len(log) != 1 || !strings.Contains(log[0].After, "USD") || log[0].Actor != "admin@koe.example" {
		t.Fatalf("audit: %+v", log)
	}
	body = page("plan=ENTERPRISE")
	if strings.Contains(body, "pays in USD") || !strings.Contains(body, "USD 1,250.00 ≈ ¥187,813 at 150.25 on 2026-11-30") {
		t.Fatalf("with the rate, the working shows the conversion:\n%s", body)
	}
	// The breakdown CSV: a row per request and account, headers in the reader's language.
	for lang, header := range map[string]string{"en": "\ufeffrank,request_id,title,status,account_id,account,", "ja": "\ufeff順位,リクエスト番号,タイトル,状態,企業ID,企業,"} {
		rec := do(h, http.MethodGet, "/app/requests.csv?breakdown=1&status=all&lang="+lang, &viewer, false)
		lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
		if rec.Code != 200 || !strings.HasPrefix(lines[0], header) || len(lines) != 4 || !strings.Contains(rec.Body.String(), ",USD,187812.50,150.25,2026-11-30,") {
			t.Fatalf("breakdown csv %s: %d\n%s", lang, rec.Code, rec.Body.String())
		}
	}
}
