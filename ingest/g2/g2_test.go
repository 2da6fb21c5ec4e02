package g2_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/ingest/g2"
	"github.com/koehq/koe/ingest/sourcetest"
	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fakeG2 struct {
	mu        sync.Mutex
	responses []map[string]any
	queries   []string
	fail      int
}

func (f *fakeG2) add(id, updated string, stars float64, love, hate string) {
	f.responses = append(f.responses, map[string]any{"id": id, "type": "survey_responses", "attributes": map[string]any{
		"star_rating": stars, "title": "Review " + id, "user_name": "Reviewer " + id, "product_name": "Koe",
		"submitted_at": updated, "updated_at": updated, "slug": "koe-review-" + id, "is_public": true,
		"comment_answers": map[string]any{
			"love":     map[string]string{"text": "What do you like best about Koe?", "value": love},
			"hate":     map[string]string{"text": "What do you dislike about Koe?", "value": hate},
			"benefits": map[string]string{"text": "What problems is Koe solving and how is that benefiting you?", "value": "Triage."},
		}}})
}

func (f *fakeG2) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/vnd.api+json")
	if r.Header.Get("Authorization") != "Token token=g2-secret" {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"errors":[{"status":"401","title":"Unauthorized"}]}`))
		return
	}
	if f.fail > 0 {
		f.fail--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if r.URL.Path != "/api/v1/survey-responses" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	f.queries = append(f.queries, r.URL.RawQuery)
	size, _ := strconv.Atoi(q.Get("page[size]"))
	num, _ := strconv.Atoi(q.Get("page[number]"))
	var match []map[string]any
	for _, resp := range f.responses {
		if gt := q.Get("filter[updated_at_gt]"); gt == "" || resp["attributes"].(map[string]any)["updated_at"].(string) > gt {
			match = append(match, resp)
		}
	}
	start := min((num-1)*size, len(match))
	end := min(start+size, len(match))
	pages := (len(match) + size - 1) / size
	json.NewEncoder(w).Encode(map[string]any{"data": match[start:end],
		"links": map[string]string{"self": r.URL.String()}, "meta": map[string]int{"record_count": len(match), "page_count": pages}})
}

func TestG2(t *testing.T) {
	db := storetest.Open(t)
	f := &fakeG2{fail: 1}
	f.add("1", "2026-09-01T10:00:00Z", 4.5, "Fast triage.", "The Japanese search misses kana variants.")
	f.add("2", "2026-09-02T10:00:00Z", 5, "Everything!", "")
	f.add("3", "2026-09-03T10:00:00Z", 2, "", "Sync with Salesforce breaks weekly.")
	srv := httptest.NewServer(f)
	defer srv.Close()
	src := &g2.Source{BaseURL: srv.URL, Token: "g2-secret", SourceName: "g2", PageSize: 2,
		Policy: httpretry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil || c.New != 3 || len(problems) != 0 {
		t.Fatalf("counts %+v, problems %v, err %v", c, problems, err)
	}
	items := sourcetest.Items(t, db)
	if r := items["1"]; r.Body != "The Japanese search misses kana variants." || *r.Rating != 4.5 ||
		r.Context != "What do you like best? Fast triage.\nWhat problems is it solving? Triage." {
		t.Fatalf("review 1 = %+v", r)
	}
	if r := items["2"]; r.Body != "Everything!" {
		t.Fatalf("praise-only review body = %q", r.Body)
	}
	f.add("4", "2026-09-04T10:00:00Z", 3, "", "Needs SSO.")
	f.queries = nil
	c, _, err = sourcetest.Run(t, db, src)
	if err != nil || c.New != 1 || c.Read != 1 {
		t.Fatalf("incremental: counts %+v err %v", c, err)
	}
	if q := f.queries[0]; q != "filter%5Bupdated_at_gt%5D=2026-09-03T10%3A00%3A00Z&page%5Bnumber%5D=1&page%5Bsize%5D=2" {
		t.Fatalf("incremental query = %s", q)
	}
	src.Token = "wrong"
	if _, _, err := sourcetest.Run(t, db, src); err == nil {
		t.Fatal("a wrong token did not fail the run")
	}
}

// TestPublishedShape reads a page shaped as G2's documentation shows it (testdata, cited there):
// milliseconds and an offset in the times, every answer keyed, a title in quotes.
func TestPublishedShape(t *testing.T) {
	db := storetest.Open(t)
	page, err := os.ReadFile(filepath.Join("testdata", "survey_responses.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.Write(page)
	}))
	defer srv.Close()
	src := &g2.Source{BaseURL: srv.URL, Token: "g2-secret", SourceName: "g2"}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil || c.New != 1 {
		t.Fatalf("counts %+v problems %v err %v", c, problems, err)
	}
	v := sourcetest.Items(t, db)["3141592"]
	if v.Body != "Exports to CSV lose the Japanese company names." || *v.Rating != 4 || v.AuthorName != "Hanako S." ||
		!v.ReceivedAt.Equal(time.Date(2026, 9, 30, 15, 15, 0, 0, time.UTC)) || !strings.Contains(v.Context, "Import your CRM first.") {
		t.Fatalf("voice = %+v", v)
	}
}
