package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

func TestRequestPage(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	po := signIn(t, db, "po@koe.example", feedback.RolePO)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	rec := do(h, http.MethodGet, "/app/requests/1?lang=en", &po, false)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, canary+" internal title") || !strings.Contains(body, "<svg") ||
		!strings.Contains(body, canary+" 株式会社") || !strings.Contains(body, "¥987,654,321") || !strings.Contains(body, `action="/app/requests/1"`) {
		t.Fatalf("request page: %d\n%s", rec.Code, body)
	}
	if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, `<img src=x onerror`) {
		t.Fatal("the public wording is not escaped")
	}
	if rec := do(h, http.MethodGet, "/app/requests/999", &po, false); rec.Code != 404 {
		t.Fatalf("missing request: %d", rec.Code)
	}

	// A product owner plans it, with a note for customers.
	rec = postForm(h, "/app/requests/1", &po, url.Values{"title": {"CSV export"}, "status": {"planned"}, "public": {"on"},
		"public_title": {"Export to CSV"}, "public_note": {"Planned for the spring release."}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", rec.Code, rec.Body.String())
	}
	rec = postForm(h, "/app/requests/1", &po, url.Values{"title": {"CSV export"}, "status": {"in_progress"}, "public": {"on"},
		"public_title": {"Export to CSV"}, "public_note": {"In progress."}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("second edit: %d %s", rec.Code, rec.Body.String())
	}
	r, _ := db.RequestByID(ctx, 1)
	if r.Status != feedback.InProgress || r.PublicNote != "In progress." || r.Title != "CSV export" {
		t.Fatalf("after the edit: %+v", r)
	}
	if code, body := get(t, h, "/roadmap?lang=en"); code != 200 || !strings.Contains(body, "In progress.") || !strings.Contains(body, "Export to CSV") {
		t.Fatalf("roadmap: %d %s", code, body)
	}
	if rec := postForm(h, "/app/requests/1", &po, url.Values{"title": {"x"}, "status": {"planned"}, "public": {"on"}}); rec.Code != 400 {
		t.Fatalf("public without a public title: %d", rec.Code)
	}
	history, _ := db.History(ctx, "request", 1)
	if len(history) != 2 || history[0].Action != "edit" || history[1].Action != "status" || history[1].Actor != "po@koe.example" {
		t.Fatalf("audit: %+v", history)
	}
	// Merging request 2 into 1 moves its voices; its page then leads to 1.
	if rec := postForm(h, "/app/requests/2/merge", &po, url.Values{"into": {"#1"}}); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/app/requests/1" {
		t.Fatalf("merge: %d %v %s", rec.Code, rec.Header(), rec.Body.String())
	}
	if rec := do(h, http.MethodGet, "/app/requests/2", &po, false); rec.Code != http.StatusFound || rec.Header().Get("Location") != "/app/requests/1" {
		t.Fatalf("merged request page: %d %v", rec.Code, rec.Header())
	}
}

func TestBacklogFiltersBreakdownAndCSV(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	viewer := signIn(t, db, "v@koe.example", feedback.RoleViewer)
	if err := db.UpdateRequest(ctx, 1, store.RequestEdit{Title: ptr("=HYPERLINK(\"http://evil\")")}, "test"); err != nil {
		t.Fatal(err)
	}
	srv, _ := dashboard.New(db, opts(dashboard.Options{}))
	h := srv.Handler()
	rec := do(h, http.MethodGet, "/app/requests?lang=en", &viewer, false)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Breakdown by account") || !strings.Contains(rec.Body.String(), canary+" 株式会社") ||
		!strings.Contains(rec.Body.String(), `<svg class="spark"`) || !strings.Contains(rec.Body.String(), "↑1</span>") {
		t.Fatalf("backlog: %d\n%s", rec.Code, rec.Body.String())
	}
	if rec := do(h, http.MethodGet, "/app/requests?tag=vip", &viewer, false); rec.Code != 400 || !strings.Contains(rec.Body.String(), "tag &#34;vip&#34;") {
		t.Fatalf("bad tag: %d %s", rec.Code, rec.Body.String())
	}
	if rec := do(h, http.MethodGet, "/app/requests?lang=en&lifecycle=churned", &viewer, false); !strings.Contains(rec.Body.String(), "No requests match") ||
		!strings.Contains(rec.Body.String(), `href="/app/requests.csv?lifecycle=churned"`) {
		t.Fatalf("the lifecycle filter let requests through, or the CSV link lost it:\n%s", rec.Body.String())
	}
	// The header row is in the reader's language; English keeps the column names scripts read.
	for lang, header := range map[string]string{"en": "\ufeffrank,request_id,title", "ja": "\ufeff順位,リクエスト番号,タイトル"} {
		rec = do(h, http.MethodGet, "/app/requests.csv?lang="+lang, &viewer, false)
		body := rec.Body.String()
		if rec.Code != 200 || !strings.HasPrefix(body, header) || !strings.Contains(body, `"'=HYPERLINK(""http://evil"")"`) {
			t.Fatalf("csv %s: %d %q", lang, rec.Code, body)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestWeightsPreviewAndSave(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	admin := signIn(t, db, "admin@koe.example", feedback.RoleAdmin)
	srv, _ := dashboard.New(db, opts(dashboard.Options{}))
	h := srv.Handler()
	body := do(h, http.MethodGet, "/app/weights?lang=en", &admin, false).Body.String()
	if !strings.Contains(body, `name="churn_base" value="0.3"`) || !strings.Contains(body, `name="win_back"`) {
		t.Fatalf("weights page:\n%s", body)
	}
	form := url.Values{}
	for _, k := range []string{"churn_base", "churn_signal", "renewal_boost", "cancel_boost", "expansion_uplift", "win_probability",
		"usability_weight", "efficiency_weight", "untagged_weight"} {
		form.Set(k, "0.1")
	}
	form.Set("renewal_within_days", "30")
	form.Set("half_life_days", "0")
	rec := do(h, http.MethodGet, "/app/weights?lang=en&preview=1&"+form.Encode(), &admin, false)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Preview (top 20)") || !strings.Contains(rec.Body.String(), canary+" internal title") {
		t.Fatalf("preview: %d\n%s", rec.Code, rec.Body.String())
	}
	if w, _ := db.Setting(ctx, "scoring.weights", new(map[string]any)); w {
		t.Fatal("a preview saved the weights")
	}
	bad := url.Values{"churn_base": {"lots"}}
	for k := range form {
		if k != "churn_base" {
			bad.Set(k, form.Get(k))
		}
	}
	if rec := do(h, http.MethodGet, "/app/weights?preview=1&"+bad.Encode(), &admin, false); rec.Code != 400 ||
		!strings.Contains(rec.Body.String(), "「解約の基本確率」の「lots」は数値ではありません。") {
		t.Fatalf("bad weight: %d\n%s", rec.Code, rec.Body.String())
	}
	if rec := postForm(h, "/app/weights", &admin, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
	}
	var saved map[string]any
	if ok, _ := db.Setting(ctx, "scoring.weights", &saved); !ok || saved["renewal_within_days"] != float64(30) || saved["churn_base"] != 0.1 {
		t.Fatalf("saved = %v", saved)
	}
}
