package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

func postForm(h http.Handler, path string, sess *store.Session, form url.Values) *httptest.ResponseRecorder {
	form.Set("csrf", sess.CSRF)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "koe_session", Value: sess.Token})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestFeedbackSheet(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	// Voices with hostile words and links, and one in Japanese to search for.
	ds := []feedback.Item{
		{SourceKind: feedback.SourceReview, SourceName: "appstore", SourceID: "x1", ReceivedAt: time.Now(),
			Body: `<script>alert(1)</script> "><img src=x onerror=alert(2)>`, URL: "javascript:alert(3)", Status: feedback.StatusNew, Language: "en"},
		{SourceKind: feedback.SourceChat, SourceName: "widget", SourceID: "x2", ReceivedAt: time.Now().Add(-time.Hour),
			Body: "請求書をPDFでダウンロードしたい", Status: feedback.StatusNew, Language: "ja"},
	}
	ids := map[string]int64{}
	for _, it := range ds {
		_, added, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: []feedback.Item{it}})
		if err != nil {
			t.Fatal(err)
		}
		ids[added[0].SourceID] = added[0].ID
	}
	hostile, japanese := ids["x1"], ids["x2"]
	hs, js := fmt.Sprint(hostile), fmt.Sprint(japanese)
	users := map[feedback.Role]*store.Session{}
	for _, role := range []feedback.Role{feedback.RoleCS, feedback.RoleViewer} {
		sess := signIn(t, db, string(role)+"@koe.example", role)
		users[role] = &sess
	}
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	page := func(sess *store.Session, query string) string {
		t.Helper()
		rec := do(h, http.MethodGet, "/app/feedback"+query, sess, false)
		if rec.Code != 200 {
			t.Fatalf("/app/feedback%s: %d %s", query, rec.Code, rec.Body.String())
		}
		return rec.Body.String()
	}
	body := page(users[feedback.RoleCS], "")
	if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<img src=x") || strings.Contains(body, `href="javascript:`) {
		t.Fatalf("feedback HTML not escaped:\n%s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(body, "請求書をPDF") || !strings.Contains(body, `action="/app/feedback/`+js+`"`) {
		t.Fatalf("sheet lacks rows or forms:\n%s", body)
	}
	// Japanese substring search, and filters.
	body = page(users[feedback.RoleCS], "?q="+url.QueryEscape("PDFでダウンロード"))
	if !strings.Contains(body, "請求書") || strings.Contains(body, "&lt;script&gt;") {
		t.Fatalf("search: %s", body)
	}
	if body = page(users[feedback.RoleCS], "?source=review&status=new"); strings.Contains(body, "請求書") || !strings.Contains(body, "&lt;script&gt;") {
		t.Fatalf("filter by source: %s", body)
	}
	if rec := do(h, http.MethodGet, "/app/feedback?from=yesterday", users[feedback.RoleCS], false); rec.Code != 400 || !strings.Contains(rec.Body.String(), "use a date such as") {
		t.Fatalf("bad date: %d", rec.Code)
	}
	// A viewer reads, without forms.
	if body = page(users[feedback.RoleViewer], ""); strings.Contains(body, `action="/app/feedback/`+js+`"`) || !strings.Contains(body, "請求書") {
		t.Fatal("a viewer sees the edit forms")
	}

	cs := users[feedback.RoleCS]
	rec := postForm(h, "/app/feedback/"+js, cs, url.Values{"tag": {"churn_risk"}, "insight": {"月次の締めが遅れる"}, "who_benefits": {"経理"}, "back": {"/app/feedback?q=x"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/app/feedback?q=x" {
		t.Fatalf("edit: %d %v", rec.Code, rec.Header())
	}
	if rec := postForm(h, "/app/feedback/"+js, cs, url.Values{"back": {"https://evil.example/"}}); rec.Header().Get("Location") != "/app/feedback" {
		t.Fatalf("an outside back link was followed: %v", rec.Header())
	}
	it, _ := db.FeedbackByID(ctx, japanese)
	if it.Tag != feedback.TagNone || it.Insight != "" || it.Status != feedback.StatusTriaged {
		// the second post cleared the fields (an empty form); the first set them
		t.Fatalf("after the edits: %+v", it)
	}
	postForm(h, "/app/feedback/"+js, cs, url.Values{"tag": {"churn_risk"}, "insight": {"月次の締めが遅れる"}, "who_benefits": {"経理"}})
	if rec := postForm(h, "/app/feedback/"+js+"/link", cs, url.Values{"request_id": {"#2"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("link: %d %s", rec.Code, rec.Body.String())
	}
	if rec := postForm(h, "/app/feedback/bulk", cs, url.Values{"ids": {hs}, "action": {"spam"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("bulk: %d %s", rec.Code, rec.Body.String())
	}
	if rec := postForm(h, "/app/feedback/"+js, cs, url.Values{"tag": {"vip"}}); rec.Code != http.StatusBadRequest {
		t.Fatalf("a made-up tag: %d", rec.Code)
	}
	it, _ = db.FeedbackByID(ctx, japanese)
	spam, _ := db.FeedbackByID(ctx, hostile)
	if it.Tag != feedback.TagChurnRisk || it.Insight != "月次の締めが遅れる" || it.WhoBenefits != "経理" || it.RequestID == nil || *it.RequestID != 2 || spam.Status != feedback.StatusSpam {
		t.Fatalf("after the changes: %+v / %+v", it, spam)
	}
	history, _ := db.History(ctx, "feedback", japanese)
	if len(history) != 4 || history[0].Actor != "cs@koe.example" {
		t.Fatalf("audit log: %+v", history)
	}
	// The request page's "more on the sheet" link: the sheet narrowed to one request's voices.
	if body := page(users[feedback.RoleViewer], "?request=1&lang=en"); !strings.Contains(body, canary+" raw words") || strings.Contains(body, "請求書をPDF") {
		t.Errorf("?request=1 does not narrow the sheet to request 1's voices")
	}
}

func TestSavedViews(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	var sess []store.Session
	for _, email := range []string{"a@koe.example", "b@koe.example"} {
		sess = append(sess, signIn(t, db, email, feedback.RoleViewer))
	}
	srv, _ := dashboard.New(db, opts(dashboard.Options{}))
	h := srv.Handler()
	if rec := postForm(h, "/app/views", &sess[0], url.Values{"name": {"Churn <b>ja</b>"}, "query": {"tag=churn_risk&lang_filter=ja"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("save view: %d %s", rec.Code, rec.Body.String())
	}
	body := do(h, http.MethodGet, "/app/feedback", &sess[0], false).Body.String()
	if !strings.Contains(body, `href="/app/feedback?lang_filter=ja&amp;tag=churn_risk">Churn &lt;b&gt;ja&lt;/b&gt;</a>`) {
		t.Fatalf("the view is not listed:\n%s", body)
	}
	if body := do(h, http.MethodGet, "/app/feedback", &sess[1], false).Body.String(); strings.Contains(body, "Churn &lt;b&gt;") {
		t.Fatal("another user sees the view")
	}
	views, _ := db.Views(ctx, sess[0].User.ID)
	postForm(h, "/app/views/"+fmt.Sprint(views[0].ID)+"/delete", &sess[1], url.Values{}) // not theirs: nothing happens
	if views, _ := db.Views(ctx, sess[0].User.ID); len(views) != 1 {
		t.Fatal("another user deleted the view")
	}
	postForm(h, "/app/views/"+fmt.Sprint(views[0].ID)+"/delete", &sess[0], url.Values{})
	if views, _ := db.Views(ctx, sess[0].User.ID); len(views) != 0 {
		t.Fatal("the view was not deleted")
	}
}
