package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/api"
	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fixture struct {
	t           *testing.T
	db          *store.DB
	h           http.Handler
	read, write string
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	mrr := feedback.Money{Minor: 300_000, Currency: "JPY"}
	if err := db.ImportDataset(ctx, feedback.Dataset{
		Accounts: []feedback.Account{{ID: 1, Source: "t", ExternalID: "1", Name: "Acme KK", NameKey: "acme", Domains: []string{"acme.co.jp"}, MRR: mrr, Lifecycle: feedback.Customer}},
		Requests: []feedback.Request{{ID: 1, Title: "CSV export", Status: feedback.Planned}, {ID: 2, Title: "SSO", Status: feedback.UnderReview}},
	}); err != nil {
		t.Fatal(err)
	}
	read, _, err := db.CreateAPIToken(ctx, "reader", "read", "test")
	if err != nil {
		t.Fatal(err)
	}
	write, _, err := db.CreateAPIToken(ctx, "zapier", "write", "test")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(db, dashboard.Options{API: api.New(db, &intake.Service{DB: db}, api.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, db: db, h: srv.Handler(), read: read, write: write}
}

func (f *fixture) call(method, path, token, body string, header ...string) (int, map[string]any) {
	f.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		f.t.Fatalf("%s %s: not JSON (%d): %s", method, path, rec.Code, rec.Body.String())
	}
	return rec.Code, out
}

func errCode(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func TestAPI(t *testing.T) {
	f := setup(t)
	ctx := context.Background()

	// Tokens: none, unknown, read-only for a write, revoked.
	if code, out := f.call("GET", "/api/v1/feedback", "", ""); code != 401 || errCode(out) != "unauthorized" {
		t.Fatalf("no token: %d %v", code, out)
	}
	if code, _ := f.call("GET", "/api/v1/feedback", "koe_nope", ""); code != 401 {
		t.Fatalf("unknown token: %d", code)
	}
	if code, out := f.call("POST", "/api/v1/feedback", f.read, `{"text":"x"}`); code != 403 || errCode(out) != "forbidden" {
		t.Fatalf("read token writing: %d %v", code, out)
	}

	// Create: matched to its account by domain; Japanese; an idempotent retry; a duplicate by source_id.
	code, out := f.call("POST", "/api/v1/feedback", f.write, `{"text":"請求書をPDFでダウンロードしたいです","email":"hanako@acme.co.jp","source":"widget","source_id":"w-1"}`,
		"Idempotency-Key", "key-1")
	data, _ := out["data"].(map[string]any)
	if code != 201 || data["account_id"] != float64(1) || data["language"] != "ja" || data["source_kind"] != "manual" || data["source_name"] != "widget" {
		t.Fatalf("create: %d %v", code, out)
	}
	id := data["id"].(float64)
	if code, again := f.call("POST", "/api/v1/feedback", f.write, `{"text":"請求書をPDFでダウンロードしたいです","email":"hanako@acme.co.jp","source":"widget","source_id":"w-1"}`,
		"Idempotency-Key", "key-1"); code != 201 || again["data"].(map[string]any)["id"] != id {
		t.Fatalf("idempotent retry: %d %v", code, again)
	}
	if code, out := f.call("POST", "/api/v1/feedback", f.write, `{"text":"something else"}`, "Idempotency-Key", "key-1"); code != 409 || errCode(out) != "conflict" {
		t.Fatalf("key reused with another body: %d %v", code, out)
	}
	if code, out := f.call("POST", "/api/v1/feedback", f.write, `{"text":"請求書をPDFでダウンロードしたいです","source":"widget","source_id":"w-1"}`); code != 200 || out["duplicate"] != true {
		t.Fatalf("duplicate by source_id: %d %v", code, out)
	}
	for body, want := range map[string]string{`{"text":""}`: "text is empty", `{"text":"x","rating":9}`: "rating", `{"txt":"x"}`: "unknown field", `not json`: "not the JSON"} {
		if code, out := f.call("POST", "/api/v1/feedback", f.write, body); code != 400 || !strings.Contains(out["error"].(map[string]any)["message"].(string), want) {
			t.Errorf("bad body %s: %d %v", body, code, out)
		}
	}
	for i := 0; i < 4; i++ {
		if code, _ := f.call("POST", "/api/v1/feedback", f.write, `{"text":"voice `+string(rune('a'+i))+`"}`); code != 201 {
			t.Fatalf("create %d: %d", i, code)
		}
	}

	// Lists page by cursor, newest first, without overlap.
	var seen []float64
	path := "/api/v1/feedback?limit=2"
	for pages := 0; path != ""; pages++ {
		code, out := f.call("GET", path, f.read, "")
		if code != 200 || pages > 5 {
			t.Fatalf("page %d: %d %v", pages, code, out)
		}
		for _, it := range out["data"].([]any) {
			seen = append(seen, it.(map[string]any)["id"].(float64))
		}
		path = ""
		if next, ok := out["next_cursor"].(string); ok {
			path = "/api/v1/feedback?limit=2&cursor=" + next
		}
	}
	if len(seen) != 5 || !sort.SliceIsSorted(seen, func(i, j int) bool { return seen[i] > seen[j] }) {
		t.Fatalf("paged ids = %v", seen)
	}
	if code, out := f.call("GET", "/api/v1/feedback?cursor=bogus", f.read, ""); code != 400 || errCode(out) != "invalid" {
		t.Fatalf("bad cursor: %d %v", code, out)
	}

	// Link and tag, named in the audit log by the token; the backlog ranks it.
	sid := "/api/v1/feedback/" + jsonID(id)
	if code, out := f.call("POST", sid+"/link", f.write, `{"request_id":2}`); code != 200 || out["data"].(map[string]any)["request_id"] != float64(2) {
		t.Fatalf("link: %d %v", code, out)
	}
	if code, out := f.call("POST", sid+"/tag", f.write, `{"tag":"churn_risk"}`); code != 200 || out["data"].(map[string]any)["tag"] != "churn_risk" {
		t.Fatalf("tag: %d %v", code, out)
	}
	if code, out := f.call("POST", sid+"/tag", f.write, `{"tag":"vip"}`); code != 400 {
		t.Fatalf("bad tag: %d %v", code, out)
	}
	if code, _ := f.call("POST", "/api/v1/feedback/99999/link", f.write, `{"request_id":2}`); code != 404 {
		t.Fatalf("link a missing voice: %d", code)
	}
	if h, _ := f.db.History(ctx, "feedback", int64(id)); len(h) < 2 || h[len(h)-1].Actor != "api:zapier" {
		t.Errorf("audit: %+v", h)
	}
	code, out = f.call("GET", "/api/v1/backlog?limit=1", f.read, "")
	if top := out["data"].([]any); code != 200 || len(top) != 1 || top[0].(map[string]any)["request_id"] != float64(2) {
		t.Fatalf("backlog: %d %v", code, out)
	}
	if out["currency"] != "JPY" || len(out["warnings"].([]any)) != 0 {
		t.Fatalf("backlog currency %v, warnings %v", out["currency"], out["warnings"])
	}
	// Open requests unless ?status= asks: request 2 shipped leaves the default backlog.
	if err := f.db.UpdateRequest(ctx, 2, store.RequestEdit{Status: ptr(feedback.Shipped)}, "po@koe.example"); err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string]int{"": 1, "?status=all": 2, "?status=shipped": 1, "?status=shipped,declined": 1} {
		code, out := f.call("GET", "/api/v1/backlog"+query, f.read, "")
		data, _ := out["data"].([]any)
		if code != 200 || len(data) != want {
			t.Errorf("backlog%s: %d, %d requests, want %d", query, code, len(data), want)
		}
		if query == "" && len(data) == 1 && data[0].(map[string]any)["status"] == "shipped" {
			t.Errorf("the default backlog has a shipped request")
		}
	}
	if code, out := f.call("GET", "/api/v1/backlog?status=done", f.read, ""); code != 400 {
		t.Errorf("a bad status: %d %v", code, out)
	}
	for _, p := range []string{"/api/v1/requests", "/api/v1/requests/1", "/api/v1/accounts", "/api/v1/accounts/1", sid} {
		if code, out := f.call("GET", p, f.read, ""); code != 200 || out["data"] == nil {
			t.Errorf("%s: %d %v", p, code, out)
		}
	}
	if code, out := f.call("GET", "/api/v1/requests/999", f.read, ""); code != 404 || errCode(out) != "not_found" {
		t.Errorf("missing request: %d %v", code, out)
	}
	if code, out := f.call("GET", "/api/v1/nothing", f.read, ""); code != 404 || errCode(out) != "not_found" {
		t.Errorf("no such route: %d %v", code, out)
	}

	// A revoked token is refused; last use is recorded.
	tokens, _ := f.db.APITokens(ctx)
	for _, tk := range tokens {
		if tk.Name == "reader" {
			if tk.LastUsedAt == nil {
				t.Errorf("last use not recorded")
			}
			if err := f.db.RevokeAPIToken(ctx, tk.ID, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if code, _ := f.call("GET", "/api/v1/feedback", f.read, ""); code != 401 {
		t.Errorf("revoked token: %d", code)
	}
}

func jsonID(f float64) string { b, _ := json.Marshal(int64(f)); return string(b) }

// TestOpenAPIMatchesRoutes reads the served document and the router's routes: every documented
// operation exists, every API route is documented, with the same path parameters.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := setup(t)
	code, doc := f.call("GET", "/api/v1/openapi.json", "", "")
	if code != 200 || doc["openapi"] != "3.0.3" {
		t.Fatalf("openapi.json: %d", code)
	}
	documented := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			documented[strings.ToUpper(method)+" "+path] = true
			if _, ok := op.(map[string]any)["responses"]; !ok {
				t.Errorf("%s %s has no responses", method, path)
			}
		}
	}
	routed := map[string]bool{}
	for _, r := range api.New(f.db, &intake.Service{DB: f.db}, api.Options{}).Routes() {
		p := r.Path
		for _, part := range strings.Split(p, "/") {
			if strings.HasPrefix(part, ":") {
				p = strings.Replace(p, part, "{"+part[1:]+"}", 1)
			}
		}
		routed[r.Method+" "+p] = true
		// Each route answers (not the router's 404) at its documented path.
		concrete := strings.ReplaceAll(r.Path, ":id", "1")
		req := httptest.NewRequest(r.Method, "/api/v1"+concrete, strings.NewReader("{}"))
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		if rec.Code == 404 && strings.Contains(rec.Body.String(), "No such API route") {
			t.Errorf("%s %s is not routed", r.Method, concrete)
		}
	}
	for op := range documented {
		if !routed[op] {
			t.Errorf("documented but not routed: %s", op)
		}
	}
	for op := range routed {
		if !documented[op] {
			t.Errorf("routed but not documented: %s", op)
		}
	}
}

// TestPostedVoiceGetsSuggestions: a voice posted to the API goes in by the same door as one from
// `koe ingest`, so it has its request suggestions as soon as the POST answers.
func TestPostedVoiceGetsSuggestions(t *testing.T) {
	f := setup(t)
	code, out := f.call("POST", "/api/v1/feedback", f.write, `{"text":"We need a CSV export of every invoice, please","source":"widget","source_id":"s-1"}`)
	if code != 201 {
		t.Fatalf("create: %d %v", code, out)
	}
	id := int64(out["data"].(map[string]any)["id"].(float64))
	reqs, scores, err := f.db.Suggestions(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) == 0 {
		t.Fatal("the posted voice has no stored suggestions")
	}
	if got, want := reqs[0].Title, "CSV export"; got != want || scores[0] <= 0 {
		t.Errorf("best suggestion %q (score %v), want %q", got, scores[0], want)
	}
}

// TestIdempotentPostsAtOnce: more keyed POSTs at once than the database pool has connections
// all finish (a key's claim holds no connection while the voice is stored), and one key sent
// many times at once makes one voice.
func TestIdempotentPostsAtOnce(t *testing.T) {
	f := setup(t)
	var wg sync.WaitGroup
	codes := make([]int, 40)
	for i := range codes {
		wg.Go(func() {
			key := fmt.Sprintf("distinct-%d", i)
			if i >= 30 {
				key = "same"
			}
			code, _ := f.call("POST", "/api/v1/feedback", f.write, `{"text":"at once `+key+`"}`, "Idempotency-Key", key)
			codes[i] = code
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("keyed POSTs at once did not finish (the pool is exhausted)")
	}
	for i, c := range codes {
		if i < 30 && c != 201 || i >= 30 && c != 201 && c != 409 {
			t.Errorf("POST %d: %d", i, c)
		}
	}
	if code, out := f.call("GET", "/api/v1/feedback?limit=200", f.read, ""); code != 200 || len(out["data"].([]any)) != 31 {
		t.Fatalf("%d voices, want 30 distinct and 1 for the shared key", len(out["data"].([]any)))
	}
}

// TestBadCharactersAre400: a NUL in a field (PostgreSQL takes none) or an Idempotency-Key that is
// not UTF-8 is the caller's mistake, answered 400 naming the field; it was a 500.
func TestBadCharactersAre400(t *testing.T) {
	f := setup(t)
	for _, tt := range []struct{ body, key, want string }{
		{`{"text":"CSV\u0000出力"}`, "", "text"},
		{`{"text":"ok","name":"N\u0000"}`, "", "name"},
		{`{"text":"ok","source_id":"\u0000"}`, "", "source_id"},
		{`{"text":"ok"}`, "k\xff", "Idempotency-Key"},
	} {
		var header []string
		if tt.key != "" {
			header = []string{"Idempotency-Key", tt.key}
		}
		code, out := f.call("POST", "/api/v1/feedback", f.write, tt.body, header...)
		e, _ := out["error"].(map[string]any)
		msg, _ := e["message"].(string)
		if code != 400 || !strings.Contains(msg, tt.want) {
			t.Errorf("POST %s (key %q) = %d %v, want 400 naming %s", tt.body, tt.key, code, out, tt.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestOversizedBodyIs413: a body over the API's limit is refused as too large (413), unread when
// its length is declared, and named so, not as an invalid request.
func TestOversizedBodyIs413(t *testing.T) {
	f := setup(t)
	big := `{"text":"` + strings.Repeat("a", 2<<20) + `"}`
	code, out := f.call("POST", "/api/v1/feedback", f.write, big)
	e, _ := out["error"].(map[string]any)
	if code != 413 || e["code"] != "too_large" {
		t.Fatalf("POST of %d bytes = %d %v, want 413 too_large", len(big), code, out)
	}
}
