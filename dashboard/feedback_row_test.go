package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// TestSheetSavesInPlace: the sheet's forms answer the script with the voices that changed (or
// the error, in the reader's words) when asked for JSON, and come back to the sheet otherwise;
// a row is drawn alone for the script to put in place.
func TestSheetSavesInPlace(t *testing.T) {
	db, ids := seedVoices(t, "CSVで出力したい", "CSV export please")
	ctx := context.Background()
	a, b := ids[0], ids[1]
	h, sess := sheetAs(t, db)
	send := func(path string, form url.Values, json bool) *httptest.ResponseRecorder {
		t.Helper()
		form.Set("csrf", sess.CSRF)
		req := httptest.NewRequest(http.MethodPost, path+"?lang=en", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if json {
			req.Header.Set("Accept", "application/json")
		}
		req.AddCookie(&http.Cookie{Name: "koe_session", Value: sess.Token})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, c := range []struct {
		name, path string
		form       url.Values
		json       bool
		code       int
		body       string
	}{
		{"bulk link", "/app/feedback/bulk", url.Values{"action": {"link"}, "request_id": {"#1 Export"}, "ids": {itoa(a), itoa(b)}}, true, 200, `{"ids":[` + itoa(a) + `,` + itoa(b) + `]}`},
		{"unlink", "/app/feedback/" + itoa(b) + "/unlink", url.Values{}, true, 200, `{"ids":[` + itoa(b) + `]}`},
		{"undo", "/app/feedback/undo", url.Values{}, true, 200, `{"ids":[` + itoa(b) + `]}`},
		{"a request that is not a number", "/app/feedback/" + itoa(a) + "/link", url.Values{"request_id": {"CSV"}}, true, 400, `"message":"`},
		{"edit without the script", "/app/feedback/" + itoa(a), url.Values{"tag": {"usability"}, "back": {"/app/feedback?tag=none"}}, false, 303, ""},
	} {
		rec := send(c.path, c.form, c.json)
		if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.body) {
			t.Errorf("%s: %d %s, want %d %s", c.name, rec.Code, rec.Body, c.code, c.body)
		}
	}
	if got, _ := db.FeedbackByID(ctx, b); got.RequestID == nil || *got.RequestID != 1 {
		t.Errorf("after link, unlink, undo: voice %d on request %v, want 1", b, got.RequestID)
	}
	rec := do(h, http.MethodGet, "/app/feedback/"+itoa(a)+"/row?lang=en", &sess, false)
	if body := rec.Body.String(); rec.Code != 200 || !strings.HasPrefix(strings.TrimSpace(body), `<tr data-id="`+itoa(a)+`"`) ||
		!strings.Contains(body, `<option value="usability" selected>Usability</option>`) || strings.Contains(body, "<html") {
		t.Errorf("row: %d\n%s", rec.Code, body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestSuggestionStrength: the sheet says how sure a suggestion is, and offers the one-key link
// only from the calibrated threshold. The voices are Japanese and request #1 is titled in English,
// so their scores are read on the cross-language scale (scoring.Calibrated: three times the score).
func TestSuggestionStrength(t *testing.T) {
	db, ids := seedVoices(t, "CSVで出力したい", "何か", "エクスポートできない")
	ctx := context.Background()
	strong, weak, across := ids[0], ids[1], ids[2]
	if err := db.SaveSuggestions(ctx, []store.Suggested{{FeedbackID: strong, Requests: []int64{1}, Scores: []float64{0.62}},
		{FeedbackID: weak, Requests: []int64{1}, Scores: []float64{0.05}},
		{FeedbackID: across, Requests: []int64{1}, Scores: []float64{0.12}}}); err != nil {
		t.Fatal(err)
	}
	h, sess := sheetAs(t, db)
	row := func(id int64) string {
		return do(h, http.MethodGet, "/app/feedback/"+itoa(id)+"/row?lang=ja", &sess, false).Body.String()
	}
	if body := row(strong); !strings.Contains(body, `class="suggest"`) || !strings.Contains(body, "ほぼ確実") {
		t.Errorf("a 0.62 suggestion is not offered as a strong match:\n%s", body)
	}
	if body := row(weak); strings.Contains(body, `class="suggest"`) || !strings.Contains(body, "該当なし（新しいリクエスト？）") {
		t.Errorf("a 0.05 suggestion across languages is offered, or not said to be no good match:\n%s", body)
	}
	if body := row(across); !strings.Contains(body, `class="suggest"`) || !strings.Contains(body, "候補") {
		t.Errorf("a 0.12 suggestion across languages (0.36 on the same-language scale) is not offered as possible:\n%s", body)
	}
	en := do(h, http.MethodGet, "/app/feedback/"+itoa(weak)+"/row?lang=en", &sess, false).Body.String()
	if !strings.Contains(en, "no good match — new request?") {
		t.Errorf("in English a 0.05 suggestion across languages is not said to be no good match:\n%s", en)
	}
}

// seedVoices adds new voices with these words to the seed data and returns their ids.
func seedVoices(t *testing.T, bodies ...string) (*store.DB, []int64) {
	t.Helper()
	db := seed(t)
	var items []feedback.Item
	for i, b := range bodies {
		items = append(items, feedback.Item{SourceKind: feedback.SourceChat, SourceName: "w", SourceID: fmt.Sprint("v", i), ReceivedAt: time.Now(),
			Body: b, Status: feedback.StatusNew, Language: "ja"})
	}
	_, added, err := db.SaveFeedback(context.Background(), store.FeedbackBatch{Items: items})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, it := range added {
		ids = append(ids, it.ID)
	}
	return db, ids
}

// sheetAs serves the dashboard to a signed-in cs member.
func sheetAs(t *testing.T, db *store.DB) (http.Handler, store.Session) {
	t.Helper()
	sess := signIn(t, db, "cs@koe.example", feedback.RoleCS)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	return srv.Handler(), sess
}
