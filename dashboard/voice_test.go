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
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
)

func TestVoicePageAndNewRequests(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	ids := map[string]int64{}
	var items []feedback.Item
	for i, body := range []string{"ダークモードに対応してほしい", "ダークモードに対応してほしいです", "ダークモード対応をお願いします"} {
		items = append(items, feedback.Item{SourceKind: feedback.SourceChat, SourceName: "widget", SourceID: fmt.Sprint("d", i), ReceivedAt: time.Now(),
			Body: body, Context: "担当者: ご要望ありがとうございます <i>agent</i>", Status: feedback.StatusNew, Language: "ja"})
	}
	_, added, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: items})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range added {
		ids[it.SourceID] = it.ID
	}
	cs := signIn(t, db, "cs@koe.example", feedback.RoleCS)
	srv, _ := dashboard.New(db, opts(dashboard.Options{}))
	h := srv.Handler()

	first := fmt.Sprint(ids["d0"])
	rec := do(h, http.MethodGet, "/app/feedback/"+first+"?lang=en", &cs, false)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "ダークモードに対応してほしい") || !strings.Contains(body, "&lt;i&gt;agent&lt;/i&gt;") || !strings.Contains(body, "New request from this voice") {
		t.Fatalf("voice page: %d\n%s", rec.Code, body)
	}
	// The group of three is a candidate; one form makes it a request with all three linked.
	rec = do(h, http.MethodGet, "/app/clusters?lang=en", &cs, false)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "3 voices") {
		t.Fatalf("clusters: %d\n%s", rec.Code, rec.Body.String())
	}
	voices := fmt.Sprintf("%d %d %d", ids["d0"], ids["d1"], ids["d2"])
	rec = postForm(h, "/app/clusters/request", &cs, url.Values{"voices": {voices}, "title": {"ダークモード"}})
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/app/requests/") {
		t.Fatalf("create from cluster: %d %v %s", rec.Code, rec.Header(), rec.Body.String())
	}
	for _, id := range ids {
		it, _ := db.FeedbackByID(ctx, id)
		if it.RequestID == nil || it.Status != feedback.StatusTriaged {
			t.Fatalf("voice %d not linked: %+v", id, it)
		}
	}
	if rec := postForm(h, "/app/feedback/"+first+"/request", &cs, url.Values{"title": {"  "}}); rec.Code != 400 {
		t.Fatalf("a request without a title: %d", rec.Code)
	}
	rec = postForm(h, "/app/feedback/1/request", &cs, url.Values{"title": {"Another"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create from a voice: %d", rec.Code)
	}
	history, _ := db.AuditLog(ctx, "request", 10, 0)
	if len(history) != 2 || history[0].Action != "create" {
		t.Fatalf("audit: %+v", history)
	}
}

// TestVoicePageSuggestsHistory: a voice an import left without suggestions (a year old) gets them
// when its page is opened, and the page says how sure each is in words, not as a raw score.
func TestVoicePageSuggestsHistory(t *testing.T) {
	db := openStore(t)
	ctx := context.Background()
	old := time.Now().AddDate(-1, 0, 0)
	ds := feedback.Dataset{
		Requests: []feedback.Request{{ID: 1, Title: "CSV export of invoices", Status: feedback.Planned},
			{ID: 2, Title: "Dark mode", Status: feedback.Planned}},
		Items: []feedback.Item{{ID: 1, SourceKind: feedback.SourceChat, SourceName: "t", SourceID: "1", ReceivedAt: old,
			Body: "Please let us export invoices as CSV", Status: feedback.StatusNew, Language: "en"}},
	}
	if err := db.ImportDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	if reqs, _, err := db.Suggestions(ctx, 1); err != nil || len(reqs) != 0 {
		t.Fatalf("before: %v %v", reqs, err)
	}
	in := &intake.Service{DB: db}
	cs := signIn(t, db, "cs@koe.example", feedback.RoleCS)
	srv, err := dashboard.New(db, opts(dashboard.Options{SuggestVoices: in.SuggestVoices}))
	if err != nil {
		t.Fatal(err)
	}
	rec := do(srv.Handler(), http.MethodGet, "/app/feedback/1?lang=en", &cs, false)
	body := rec.Body.String()
	reqs, scores, err := db.Suggestions(ctx, 1)
	if err != nil || len(reqs) == 0 || reqs[0].ID != 1 {
		t.Fatalf("after opening: %v %v %v", reqs, scores, err)
	}
	words := locale.For("en").T("strength." + scoring.StrengthOf(scores[0]))
	if rec.Code != 200 || !strings.Contains(body, "CSV export of invoices") || !strings.Contains(body, words) ||
		strings.Contains(body, fmt.Sprintf(">%.2f<", scores[0])) {
		t.Fatalf("voice page (best %.2f, %q): %d\n%s", scores[0], words, rec.Code, body)
	}
	// The sheet does the same for the rows it shows.
	if _, _, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: []feedback.Item{{SourceKind: feedback.SourceChat, SourceName: "t", SourceID: "2",
		ReceivedAt: old, Body: "Dark mode for the app, please", Status: feedback.StatusNew, Language: "en"}}}); err != nil {
		t.Fatal(err)
	}
	dark, err := db.FeedbackBySource(ctx, feedback.SourceChat, "t", "2")
	if err != nil {
		t.Fatal(err)
	}
	if reqs, _, _ := db.Suggestions(ctx, dark.ID); len(reqs) != 0 {
		t.Fatalf("stored with suggestions already: %v", reqs)
	}
	rec = do(srv.Handler(), http.MethodGet, "/app/feedback?lang=en", &cs, false)
	if reqs, _, _ := db.Suggestions(ctx, dark.ID); rec.Code != 200 || len(reqs) == 0 || reqs[0].ID != 2 || !strings.Contains(rec.Body.String(), "Dark mode") {
		t.Fatalf("sheet: %d, suggestions %v\n%s", rec.Code, reqs, rec.Body.String())
	}
	// A failing suggester never fails the page.
	failing := func(context.Context, []int64) (int, error) { return 0, fmt.Errorf("no suggester") }
	srv, _ = dashboard.New(db, opts(dashboard.Options{SuggestVoices: failing}))
	if rec := do(srv.Handler(), http.MethodGet, "/app/feedback/1?lang=en", &cs, false); rec.Code != 200 {
		t.Fatalf("with a failing suggester: %d", rec.Code)
	}
}
