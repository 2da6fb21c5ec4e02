package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// segmentsData: plans in two cases, customers and a prospect in three MRR and two employee
// bands, voices from a chat and two review sites in Japanese and English.
func segmentsData() feedback.Dataset {
	emp := func(n int) *int { return &n }
	now := time.Now()
	ds := feedback.Dataset{
		Accounts: []feedback.Account{
			{ID: 1, Source: "t", ExternalID: "1", Name: "Ookii KK", NameKey: "ookii", MRR: feedback.Money{Minor: 800_000, Currency: "JPY"}, Plan: "Enterprise", Lifecycle: feedback.Customer, Employees: emp(1200)},
			{ID: 2, Source: "t", ExternalID: "2", Name: "Chiisai KK", NameKey: "chiisai", MRR: feedback.Money{Minor: 30_000, Currency: "JPY"}, Plan: "enterprise", Lifecycle: feedback.Customer, Employees: emp(20)},
			{ID: 3, Source: "t", ExternalID: "3", Name: "Mikomi KK", NameKey: "mikomi", MRR: feedback.Money{Minor: 120_000, Currency: "JPY"}, Plan: "Starter", Lifecycle: feedback.Prospect, Employees: emp(30)},
		},
		Requests: []feedback.Request{{ID: 1, Title: "SAML SSO", Status: feedback.UnderReview}, {ID: 2, Title: "CSV export", Status: feedback.Planned}},
	}
	for i, v := range []struct {
		acct, req  int64
		kind       feedback.SourceKind
		name, lang string
	}{{1, 1, "chat", "intercom", "ja"}, {2, 1, "review", "g2", "en"}, {3, 2, "review", "app_store", "ja"}, {2, 2, "chat", "intercom", "ja"}} {
		ds.Items = append(ds.Items, feedback.Item{ID: int64(i + 1), SourceKind: v.kind, SourceName: v.name, SourceID: fmt.Sprint(i),
			ReceivedAt: now, Body: "x", Language: v.lang, AccountID: &v.acct, RequestID: &v.req, Tag: feedback.TagChurnRisk, Status: feedback.StatusTriaged})
	}
	return ds
}

// TestBacklogSegmentChoices: every segment filter lists what the data has, in the reader's
// words (never a raw code on the Japanese page), with the value asked for selected whatever its
// case; a value the data lacks stays listed as "none now".
func TestBacklogSegmentChoices(t *testing.T) {
	db := openStore(t)
	if err := db.ImportDataset(context.Background(), segmentsData()); err != nil {
		t.Fatal(err)
	}
	viewer := signIn(t, db, "v@koe.example", feedback.RoleViewer)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	page := func(query string) string {
		t.Helper()
		rec := do(h, http.MethodGet, "/app/requests?"+query, &viewer, false)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", query, rec.Code, rec.Body.String())
		}
		return rec.Body.String()
	}
	for _, c := range []struct {
		lang     string
		want     []string
		notWants []string
	}{
		{"ja", []string{
			`<option value="Enterprise">Enterprise（2社）</option>`, `<option value="Starter">Starter（1社）</option>`,
			`<option value="customer">顧客（2社）</option>`, `<option value="prospect">見込み客（1社）</option>`,
			`MRR（JPY）`, `<option value="&lt;50k">5万未満（1社）</option>`, `<option value="50k-200k">5万〜20万（1社）</option>`,
			`<option value="500k-1M">50万〜100万（1社）</option>`,
			`<option value="1-49">1〜49人（2社）</option>`, `<option value="1000&#43;">1,000人以上（1社）</option>`,
			`<option value="chat">チャット（intercom）</option>`, `<option value="review">レビュー（app_store、g2）</option>`,
			`<option value="ja">日本語</option><option value="en">英語</option>`,
			`保存した絞り込み:`, `この絞り込みを保存`,
		}, []string{`>churned`, `>customer<`, `>&lt;50k`, `200k-500k`, `value="email"`, `value="und"`, `value="churned"`}},
		{"en", []string{
			`<option value="Enterprise">Enterprise (2 accounts)</option>`, `<option value="Starter">Starter (1 account)</option>`,
			`<option value="prospect">Prospect (1 account)</option>`, `MRR (JPY)`, `<option value="&lt;50k">under 50k (1 account)</option>`,
			`<option value="1000&#43;">1,000 or more (1 account)</option>`, `<option value="review">Review (app_store, g2)</option>`,
			`<option value="ja">Japanese</option><option value="en">English</option>`, `Saved views:`,
		}, nil},
	} {
		body := page("lang=" + c.lang)
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no %s in\n%s", c.lang, w, body)
			}
		}
		for _, w := range c.notWants {
			if strings.Contains(body, w) {
				t.Errorf("%s: %s on the page", c.lang, w)
			}
		}
	}
	// Any case selects the one plan and ranks its accounts' requests.
	body := page("lang=ja&plan=ENTERPRISE&employees=1000%2B")
	if !strings.Contains(body, `<option value="Enterprise" selected>`) || !strings.Contains(body, `<option value="1000&#43;" selected>`) {
		t.Errorf("plan=ENTERPRISE: Enterprise not selected")
	}
	if !strings.Contains(body, "SAML SSO") || strings.Contains(body, "CSV export") {
		t.Errorf("plan=ENTERPRISE, 1000+ employees: want SAML SSO only")
	}
	if body := page("lang=ja&plan=Gold"); !strings.Contains(body, `<option value="Gold" selected>Gold（該当なし）</option>`) {
		t.Errorf("a plan no account has is not shown as asked:\n%s", body)
	}
}

// TestBacklogSegmentWithoutChoices: with no employee counts in the data there is no employees
// list, unless a link asks for a band.
func TestBacklogSegmentWithoutChoices(t *testing.T) {
	db := openStore(t)
	if err := db.ImportDataset(context.Background(), feedback.Dataset{Accounts: []feedback.Account{{ID: 1, Source: "t", ExternalID: "1",
		Name: "Acme", NameKey: "acme", MRR: feedback.Money{Minor: 1000, Currency: "JPY"}, Plan: "Pro", Lifecycle: feedback.Customer}}}); err != nil {
		t.Fatal(err)
	}
	viewer := signIn(t, db, "v@koe.example", feedback.RoleViewer)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if body := do(h, http.MethodGet, "/app/requests?lang=ja", &viewer, false).Body.String(); strings.Contains(body, `name="employees"`) || !strings.Contains(body, `name="plan"`) {
		t.Errorf("want a plan list and no employees list:\n%s", body)
	}
	body := do(h, http.MethodGet, "/app/requests?lang=ja&employees=1000%2B", &viewer, false).Body.String()
	if !strings.Contains(body, `<option value="1000&#43;" selected>1,000人以上（該当なし）</option>`) {
		t.Errorf("the band asked for is not shown:\n%s", body)
	}
}

// TestBacklogSavedViews: the backlog's views are a user's own, apart from the sheet's: saved
// with the filters and statuses (not the page number or language), listed, opened, deleted.
func TestBacklogSavedViews(t *testing.T) {
	db := openStore(t)
	ctx := context.Background()
	if err := db.ImportDataset(ctx, segmentsData()); err != nil {
		t.Fatal(err)
	}
	a, b := signIn(t, db, "a@koe.example", feedback.RoleViewer), signIn(t, db, "b@koe.example", feedback.RoleViewer)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	query := "plan=enterprise&status=planned&status=under_review&page=2&lang=en"
	rec := postForm(h, "/app/backlog/views", &a, url.Values{"name": {"大口 <b>"}, "query": {query}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/app/requests?plan=enterprise&status=planned&status=under_review" {
		t.Fatalf("save: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := postForm(h, "/app/views", &a, url.Values{"name": {"Sheet only"}, "query": {"tag=churn_risk"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("sheet view: %d", rec.Code)
	}
	body := do(h, http.MethodGet, "/app/requests?lang=ja", &a, false).Body.String()
	link := `<a href="/app/requests?plan=enterprise&amp;status=planned&amp;status=under_review">大口 &lt;b&gt;</a>`
	if !strings.Contains(body, link) || strings.Contains(body, "Sheet only") {
		t.Fatalf("the backlog lists %q and not the sheet's view? \n%s", link, body)
	}
	if strings.Contains(do(h, http.MethodGet, "/app/feedback", &a, false).Body.String(), "大口") {
		t.Error("the sheet lists the backlog's view")
	}
	if strings.Contains(do(h, http.MethodGet, "/app/requests", &b, false).Body.String(), "大口") {
		t.Error("another user sees the view")
	}
	// Opened, the view is the current one and its plan is selected.
	body = do(h, http.MethodGet, "/app/requests?plan=enterprise&status=planned&status=under_review&lang=ja", &a, false).Body.String()
	if !strings.Contains(body, `aria-current="page"><strong>大口 &lt;b&gt;</strong>`) || !strings.Contains(body, `<option value="Enterprise" selected>`) {
		t.Errorf("the open view is not marked, or its plan not selected:\n%s", body)
	}
	views, _ := db.PageViews(ctx, store.ViewsBacklog, a.User.ID)
	if len(views) != 1 {
		t.Fatalf("views %+v", views)
	}
	del := fmt.Sprintf("/app/backlog/views/%d/delete", views[0].ID)
	postForm(h, del, &b, url.Values{}) // not theirs: nothing happens
	if v, _ := db.PageViews(ctx, store.ViewsBacklog, a.User.ID); len(v) != 1 {
		t.Fatal("another user deleted the view")
	}
	if rec := postForm(h, del, &a, url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("delete: %d", rec.Code)
	}
	if v, _ := db.PageViews(ctx, store.ViewsBacklog, a.User.ID); len(v) != 0 {
		t.Fatal("not deleted")
	}
	if v, _ := db.Views(ctx, a.User.ID); len(v) != 1 {
		t.Fatal("deleting the backlog's view touched the sheet's")
	}
	if rec := postForm(h, "/app/backlog/views", &a, url.Values{"name": {"  "}, "query": {query}}); rec.Code != http.StatusBadRequest {
		t.Errorf("a blank name: %d", rec.Code)
	}
}
