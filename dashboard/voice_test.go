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
