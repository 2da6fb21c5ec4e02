package intercom_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest/intercom"
	"github.com/koehq/koe/ingest/sourcetest"
	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fakeIntercom struct {
	mu        sync.Mutex
	convs     map[string]map[string]any
	companies map[string]string // contact id → company name
	// contactEmails are the contacts' emails (GET /contacts/{id}), for authors a part leaves without one.
	contactEmails map[string]string
	fail          int
	calls         []string
}

func author(typ, id, name, email string) map[string]any {
	return map[string]any{"type": typ, "id": id, "name": name, "email": email}
}

func part(id, typ string, at int64, a map[string]any, body string) map[string]any {
	return map[string]any{"type": "conversation_part", "id": id, "part_type": typ, "body": body, "created_at": at,
		"updated_at": at, "author": a, "attachments": []any{}, "redacted": false}
}

func (f *fakeIntercom) conv(id string, created, updated int64, contact string, src map[string]any, srcBody string, parts ...map[string]any) {
	f.convs[id] = map[string]any{"type": "conversation", "id": id, "created_at": created, "updated_at": updated,
		"title": nil, "open": true, "state": "open",
		"source": map[string]any{"type": "conversation", "id": "src" + id, "delivered_as": "customer_initiated",
			"subject": "", "body": srcBody, "author": src, "attachments": []any{}, "url": nil},
		"contacts":           map[string]any{"type": "contact.list", "contacts": []any{map[string]any{"type": "contact", "id": contact}}},
		"conversation_parts": map[string]any{"type": "conversation_part.list", "conversation_parts": parts, "total_count": len(parts)},
	}
}

func (f *fakeIntercom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.URL.Path)
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer ic-token" || r.Header.Get("Intercom-Version") == "" {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"type":"error.list","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}`))
		return
	}
	if f.fail > 0 {
		f.fail--
		// Intercom's 429 carries its window's reset as a Unix time, and no Retry-After
		// (https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting).
		w.Header().Set("X-RateLimit-Limit", "10000")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(5*time.Second).Unix(), 10))
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"type":"error.list","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit"}]}`))
		return
	}
	switch {
	// The 2.11 reference documents GET /conversations with per_page and starting_after only (no
	// order or sort: the fake lists oldest first, whatever is asked), and POST
	// /conversations/search with a query of field/operator/value, pagination {per_page,
	// starting_after}, answering a conversation.list with pages.next.starting_after
	// (https://developers.intercom.com/docs/references/2.11/rest-api/api.intercom.io/conversations/searchconversations).
	case r.URL.Path == "/conversations" && r.Method == http.MethodGet:
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		f.list(w, f.ids(func(map[string]any) bool { return true }, false), per, r.URL.Query().Get("starting_after"))
	case r.URL.Path == "/conversations/search" && r.Method == http.MethodPost:
		var q struct {
			Query struct {
				Field    string          `json:"field"`
				Operator string          `json:"operator"`
				Value    json.RawMessage `json:"value"`
			} `json:"query"`
			Pagination struct {
				PerPage       int    `json:"per_page"`
				StartingAfter string `json:"starting_after"`
			} `json:"pagination"`
		}
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil || q.Query.Field != "updated_at" || q.Query.Operator != ">" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"type":"error.list","errors":[{"code":"parameter_invalid","message":"Invalid query"}]}`))
			return
		}
		var since int64
		json.Unmarshal(q.Query.Value, &since)
		match := func(c map[string]any) bool { return c["updated_at"].(int64) > since }
		f.list(w, f.ids(match, true), q.Pagination.PerPage, q.Pagination.StartingAfter)
	case strings.HasPrefix(r.URL.Path, "/conversations/"):
		c, ok := f.convs[strings.TrimPrefix(r.URL.Path, "/conversations/")]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		json.NewEncoder(w).Encode(c)
	case strings.HasPrefix(r.URL.Path, "/contacts/") && !strings.Contains(strings.TrimPrefix(r.URL.Path, "/contacts/"), "/"):
		// The contact object of the 2.11 reference (type, id, role, email, name …).
		id := strings.TrimPrefix(r.URL.Path, "/contacts/")
		email, ok := f.contactEmails[id]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"type":"error.list","errors":[{"code":"not_found","message":"User Not Found"}]}`))
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"type": "contact", "id": id, "role": "lead", "email": email, "name": nil})
	case strings.HasPrefix(r.URL.Path, "/contacts/") && strings.HasSuffix(r.URL.Path, "/companies"):
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/contacts/"), "/companies")
		var data []any
		if name := f.companies[id]; name != "" {
			data = append(data, map[string]any{"type": "company", "id": "co-" + id, "name": name})
		}
		json.NewEncoder(w).Encode(map[string]any{"type": "list", "data": data, "total_count": len(data)})
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// ids are the conversations that match, by updated_at, newest first when desc.
func (f *fakeIntercom) ids(match func(map[string]any) bool, desc bool) []string {
	var ids []string
	for id, c := range f.convs {
		if match(c) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := f.convs[ids[i]]["updated_at"].(int64), f.convs[ids[j]]["updated_at"].(int64)
		return a > b == desc && a != b || a == b && ids[i] < ids[j]
	})
	return ids
}

// list answers one page of a conversation.list.
func (f *fakeIntercom) list(w http.ResponseWriter, ids []string, per int, after string) {
	if per <= 0 {
		per = 20
	}
	start := 0
	if after != "" {
		start, _ = strconv.Atoi(after)
	}
	start = min(start, len(ids))
	end := min(start+per, len(ids))
	list := []any{}
	for _, id := range ids[start:end] {
		c := f.convs[id]
		list = append(list, map[string]any{"type": "conversation", "id": id, "updated_at": c["updated_at"], "created_at": c["created_at"]})
	}
	pages := map[string]any{"type": "pages", "page": start/per + 1, "per_page": per, "total_pages": (len(ids) + per - 1) / per}
	if end < len(ids) {
		pages["next"] = map[string]any{"page": start/per + 2, "starting_after": strconv.Itoa(end)}
	}
	json.NewEncoder(w).Encode(map[string]any{"type": "conversation.list", "conversations": list, "total_count": len(ids), "pages": pages})
}

func newFake() *fakeIntercom {
	f := &fakeIntercom{convs: map[string]map[string]any{}, companies: map[string]string{"u2": "Globex Inc."},
		contactEmails: map[string]string{"u2": "emma@globex.com"}}
	taro := author("user", "u1", "山田太郎", "taro@abc.co.jp")
	agent := author("admin", "a1", "Support Sato", "sato@koe.example")
	bot := author("bot", "b1", "Operator", "")
	f.conv("101", 1761000000, 1761000300, "u1", taro, "<p>CSVで出力できますか？</p>",
		part("p1", "comment", 1761000100, agent, "<p>現在はできません。</p>"),
		part("p2", "comment", 1761000200, taro, "<p>月次の資料作成で<b>困っています</b>。</p>"),
		part("p3", "note", 1761000250, agent, "<p>要望として登録</p>"),
		part("p4", "comment", 1761000300, bot, "<p>Rate your conversation</p>"))
	f.conv("102", 1761100000, 1761100100, "u2", author("lead", "u2", "Emma", ""), "Do you support SAML SSO?",
		part("p5", "comment", 1761100100, agent, "Not yet!"))
	f.conv("103", 1761200000, 1761200000, "u3", agent, "<p>Hi! Check out our new feature.</p>") // outbound, no reply
	return f
}

func TestIntercomAPI(t *testing.T) {
	db := storetest.Open(t)
	f := newFake()
	f.fail = 1
	srv := httptest.NewServer(f)
	defer srv.Close()
	var waits []time.Duration
	src := &intercom.Source{BaseURL: srv.URL, Token: "ic-token", SourceName: "intercom", PerPage: 2,
		Policy: httpretry.Policy{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(waits) != 1 || waits[0] < 3*time.Second || waits[0] > 6*time.Second {
		t.Fatalf("waits = %v, want about 5s: until X-RateLimit-Reset", waits)
	}
	if c.Read != 3 || c.New != 2 || c.Skipped != 1 || !strings.Contains(problems[0], "conversation 103: no words from the customer") {
		t.Fatalf("counts %+v, problems %v", c, problems)
	}
	items := sourcetest.Items(t, db)
	v := items["101"]
	if v.Body != "CSVで出力できますか？\n\n月次の資料作成で困っています。" || v.AuthorEmail != "taro@abc.co.jp" ||
		v.Context != "Support Sato: 現在はできません。\nNote: 要望として登録\nBot: Rate your conversation" ||
		v.ReceivedAt.Unix() != 1761000000 || v.SourceKind != feedback.SourceChat {
		t.Fatalf("conversation 101 = %+v", v)
	}
	// Emma's parts carry no email; her contact does, and the voice is matched by it.
	if v := items["102"]; v.CompanyName != "Globex Inc." || v.AuthorName != "Emma" || v.AuthorEmail != "emma@globex.com" || v.Language != "en" {
		t.Fatalf("conversation 102 = %+v", v)
	}

	// Taro writes again: only that conversation is read, its words updated.
	f.calls = nil
	conv := f.convs["101"]
	conv["updated_at"] = int64(1762000000)
	parts := conv["conversation_parts"].(map[string]any)
	parts["conversation_parts"] = append(parts["conversation_parts"].([]map[string]any),
		part("p6", "comment", 1762000000, author("user", "u1", "山田太郎", "taro@abc.co.jp"), "<p>追記: 至急です。</p>"))
	c, _, err = sourcetest.Run(t, db, src)
	if err != nil {
		t.Fatal(err)
	}
	// 103 was the newest update last time: read again at the boundary (and skipped again).
	if c.Updated != 1 || c.New != 0 || c.Read != 2 || c.Skipped != 1 {
		t.Fatalf("incremental counts %+v, calls %v", c, f.calls)
	}
	if got := sourcetest.Items(t, db)["101"].Body; !strings.HasSuffix(got, "追記: 至急です。") {
		t.Fatalf("updated body = %q", got)
	}
}

func TestIntercomExportFile(t *testing.T) {
	db := storetest.Open(t)
	f := newFake()
	var list []map[string]any
	for _, id := range []string{"101", "102", "103"} {
		list = append(list, f.convs[id])
	}
	b, _ := json.Marshal(list)
	path := filepath.Join(t.TempDir(), "export.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	src := &intercom.FileSource{Path: path, SourceName: "intercom"}
	c, _, err := sourcetest.Run(t, db, src)
	if err != nil || c.New != 2 || c.Skipped != 1 {
		t.Fatalf("counts %+v, err %v", c, err)
	}
	// The same conversations as JSON Lines: nothing new.
	var lines []string
	for _, conv := range list {
		b, _ := json.Marshal(conv)
		lines = append(lines, string(b))
	}
	lines = append(lines, `{"id": 104, "source": {broken`)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil || c.New != 0 || c.Duplicate != 2 || c.Failed != 1 {
		t.Fatalf("jsonl counts %+v, problems %v, err %v", c, problems, err)
	}
}

// TestAdminInitiatedConversation: a conversation our agent started (source.delivered_as
// admin_initiated, author type admin) was filed under the agent's name and email, so the account
// was matched by our own domain. The voice's author is the customer who answered.
func TestAdminInitiatedConversation(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "admin_initiated.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c intercom.Conversation
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	rec, p := intercom.Record(c, raw, "")
	if p != nil {
		t.Fatalf("problem %v", p)
	}
	it := rec.Item
	if it.AuthorEmail != "hanako@acme.co.jp" || it.AuthorName != "Hanako Sato" {
		t.Errorf("author = %q <%s>, want the customer, Hanako Sato <hanako@acme.co.jp>", it.AuthorName, it.AuthorEmail)
	}
	if !strings.HasPrefix(it.Body, "It is slow") || strings.Contains(it.Body, "Hey there") || !strings.Contains(it.Context, "Operator: Hey there") {
		t.Errorf("body %q context %q", it.Body, it.Context)
	}
}
