package accounts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/accounts/kintone"
	"github.com/koehq/koe/internal/httpretry"
)

// fakeKintone answers GET /k/v1/app/form/fields.json and GET /k/v1/records.json the way the
// kintone REST API documents them: API-token header, every value a string inside
// {"type","value"}, queries with conditions joined by "and", "order by", "limit" (at most 500).
type fakeKintone struct {
	mu      sync.Mutex
	token   string
	app     string
	fields  map[string]string // code → type
	records []map[string]any
	queries []string
	// fail answers the next requests with these statuses (429 comes with Retry-After: 2).
	fail []int
	// failAfter makes every records request after the n-th fail with 503 (0: never).
	failAfter int
	served    int
}

func newFakeKintone() *fakeKintone {
	return &fakeKintone{token: "tok-123", app: "7", fields: map[string]string{
		"会社名": "SINGLE_LINE_TEXT", "担当者名": "SINGLE_LINE_TEXT", "月額": "NUMBER", "ドメイン": "SINGLE_LINE_TEXT",
		"プラン": "DROP_DOWN", "担当者メール": "SUBTABLE", "更新日時": "UPDATED_TIME", "レコード番号": "RECORD_NUMBER",
	}}
}

func (k *fakeKintone) add(id int, company, person string, mrr int, domain string, updated time.Time, emails ...string) {
	var rows []map[string]any
	for i, e := range emails {
		rows = append(rows, map[string]any{"id": fmt.Sprint(i + 1), "value": map[string]any{
			"メール": map[string]any{"type": "LINK", "value": e}}})
	}
	k.records = append(k.records, map[string]any{
		"$id":    map[string]any{"type": "__ID__", "value": strconv.Itoa(id)},
		"会社名":    map[string]any{"type": "SINGLE_LINE_TEXT", "value": company},
		"担当者名":   map[string]any{"type": "SINGLE_LINE_TEXT", "value": person},
		"月額":     map[string]any{"type": "NUMBER", "value": strconv.Itoa(mrr)},
		"ドメイン":   map[string]any{"type": "SINGLE_LINE_TEXT", "value": domain},
		"プラン":    map[string]any{"type": "DROP_DOWN", "value": "Business"},
		"担当者メール": map[string]any{"type": "SUBTABLE", "value": rows},
		"更新日時":   map[string]any{"type": "UPDATED_TIME", "value": updated.UTC().Format("2006-01-02T15:04:05Z")},
	})
}

func (k *fakeKintone) set(id int, field string, value string, updated time.Time) {
	for _, r := range k.records {
		if r["$id"].(map[string]any)["value"] == strconv.Itoa(id) {
			r[field].(map[string]any)["value"] = value
			r["更新日時"].(map[string]any)["value"] = updated.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
}

func kintoneError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"code": code, "id": "fake-id", "message": msg})
}

var (
	condID      = regexp.MustCompile(`^\$id > (\d+)$`)
	condUpdated = regexp.MustCompile(`^(\S+) >= "([^"]+)"$`)
	tail        = regexp.MustCompile(`^\$id asc limit (\d+)$`)
)

func (k *fakeKintone) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if r.Method != http.MethodGet {
		kintoneError(w, http.StatusMethodNotAllowed, "CB_IL02", "method")
		return
	}
	if r.Header.Get("X-Cybozu-API-Token") != k.token {
		kintoneError(w, http.StatusUnauthorized, "GAIA_IA02", "The specified API token does not match.")
		return
	}
	if len(k.fail) > 0 {
		status := k.fail[0]
		k.fail = k.fail[1:]
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "2")
		}
		kintoneError(w, status, "GAIA_TO01", "busy")
		return
	}
	if r.URL.Query().Get("app") != k.app {
		kintoneError(w, http.StatusNotFound, "GAIA_AP01", "The app does not exist.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/k/v1/app/form/fields.json":
		props := map[string]any{}
		for code, typ := range k.fields {
			props[code] = map[string]string{"type": typ, "code": code, "label": code}
		}
		json.NewEncoder(w).Encode(map[string]any{"properties": props, "revision": "3"})
	case "/k/v1/records.json":
		k.served++
		if k.failAfter > 0 && k.served > k.failAfter {
			kintoneError(w, http.StatusServiceUnavailable, "GAIA_TO01", "maintenance")
			return
		}
		q := r.URL.Query()
		query := q.Get("query")
		k.queries = append(k.queries, query)
		conds, rest, ok := strings.Cut(query, " order by ")
		m := tail.FindStringSubmatch(rest)
		if !ok || m == nil {
			kintoneError(w, http.StatusBadRequest, "CB_VA01", "query: unsupported in this fake: "+query)
			return
		}
		limit, _ := strconv.Atoi(m[1])
		if limit > kintone.MaxLimit {
			kintoneError(w, http.StatusBadRequest, "CB_VA01", "limit must be 500 or less")
			return
		}
		var afterID int
		var since string
		for _, c := range strings.Split(conds, " and ") {
			if m := condID.FindStringSubmatch(c); m != nil {
				afterID, _ = strconv.Atoi(m[1])
			} else if m := condUpdated.FindStringSubmatch(c); m != nil && k.fields[m[1]] == "UPDATED_TIME" {
				since = m[2]
			} else {
				kintoneError(w, http.StatusBadRequest, "CB_VA01", "query: unknown condition "+c)
				return
			}
		}
		var wanted []string
		for i := 0; ; i++ {
			f := q.Get(fmt.Sprintf("fields[%d]", i))
			if f == "" {
				break
			}
			wanted = append(wanted, f)
		}
		var out []map[string]any
		sorted := append([]map[string]any(nil), k.records...)
		id := func(r map[string]any) int {
			n, _ := strconv.Atoi(r["$id"].(map[string]any)["value"].(string))
			return n
		}
		sort.Slice(sorted, func(i, j int) bool { return id(sorted[i]) < id(sorted[j]) })
		for _, rec := range sorted {
			if id(rec) <= afterID || (since != "" && rec["更新日時"].(map[string]any)["value"].(string) < since) {
				continue
			}
			sel := map[string]any{}
			for _, f := range wanted {
				if v, ok := rec[f]; ok {
					sel[f] = v
				}
			}
			out = append(out, sel)
			if len(out) == limit {
				break
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"records": out, "totalCount": nil})
	default:
		kintoneError(w, http.StatusNotFound, "CB_NO02", "no such API")
	}
}

var mapping = accounts.KintoneMapping{Company: "会社名", Person: "担当者名", MRR: "月額", Domain: "ドメイン", Plan: "プラン", Contacts: "担当者メール"}

func kintoneClient(t *testing.T, url string, waits *[]time.Duration) *kintone.Client {
	c, err := kintone.New(url, "tok-123", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Policy = httpretry.Policy{MaxAttempts: 3, Sleep: func(_ context.Context, d time.Duration) error {
		if waits != nil {
			*waits = append(*waits, d)
		}
		return nil
	}}
	return c
}

func TestSyncKintoneFullThenIncremental(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	k := newFakeKintone()
	t0 := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 1203; i++ {
		k.add(i, fmt.Sprintf("会社%04d株式会社", i), "", 10000+i, fmt.Sprintf("c%d.co.jp", i), t0.Add(time.Duration(i)*time.Minute), fmt.Sprintf("a@c%d.co.jp", i))
	}
	k.add(1204, "", "山田 花子", 5000, "", t0, "hanako@gmail.com") // a person's name only: used as the company too
	k.add(1205, "", "", 0, "", t0)                             // neither: skipped
	srv := httptest.NewServer(k)
	defer srv.Close()

	res, err := accounts.SyncKintone(ctx, db, kintoneClient(t, srv.URL, nil), "7", mapping, accounts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts; c.Read != 1205 || c.New != 1204 || c.Skipped != 1 {
		t.Fatalf("full sync counts = %+v", c)
	}
	if len(k.queries) != 3 || !strings.Contains(k.queries[1], "$id > 500") || strings.Contains(k.queries[0], "更新日時") {
		t.Fatalf("queries = %q", k.queries)
	}
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].String(), "record 1205") {
		t.Fatalf("problems = %v", res.Problems)
	}
	person, err := db.AccountByRef(ctx, "kintone:1204")
	if err != nil || person.Name != "山田 花子" {
		t.Fatalf("person-only account = %+v, %v", person, err)
	}
	a, _ := db.AccountByRef(ctx, "kintone:17")
	if a.MRR.Minor != 10017 || a.Plan != "Business" || len(a.Domains) != 1 || a.Domains[0] != "c17.co.jp" {
		t.Fatalf("account 17 = %+v", a)
	}

	// Two records change, one is added: the next run asks only for what changed since.
	k.queries = nil
	later := t0.Add(48 * time.Hour)
	k.set(5, "月額", "99000", later)
	k.set(6, "会社名", "改名後株式会社", later)
	k.add(1300, "新規株式会社", "", 1000, "new.co.jp", later)
	res, err = accounts.SyncKintone(ctx, db, kintoneClient(t, srv.URL, nil), "7", mapping, accounts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// ">=" re-reads the records of the last second seen (here record 1203), which stay unchanged.
	if c := res.Counts; c.New != 1 || c.Updated != 2 || c.Unchanged != 1 || c.Read != 4 {
		t.Fatalf("incremental counts = %+v, queries %q", c, k.queries)
	}
	if !strings.HasPrefix(k.queries[0], `更新日時 >= "2026-10-01T20:03:00Z"`) {
		t.Fatalf("incremental query = %q", k.queries[0])
	}
	if a, _ := db.AccountByRef(ctx, "kintone:6"); a.Name != "改名後株式会社" {
		t.Fatalf("renamed account = %s", a.Name)
	}
}

func TestSyncKintoneUnknownFieldWritesNothing(t *testing.T) {
	db := openDB(t)
	k := newFakeKintone()
	k.add(1, "A社", "", 1, "a.co.jp", time.Now())
	srv := httptest.NewServer(k)
	defer srv.Close()
	m := mapping
	m.MRR = "月額料金"
	_, err := accounts.SyncKintone(context.Background(), db, kintoneClient(t, srv.URL, nil), "7", m, accounts.Options{})
	if err == nil || !strings.Contains(err.Error(), `"月額料金" (mrr)`) || !strings.Contains(err.Error(), "its field codes are: ドメイン, プラン, レコード番号, 会社名") {
		t.Fatalf("err = %v, want the missing code named and the app's codes listed", err)
	}
	if list, _ := db.Accounts(context.Background(), 10); len(list) != 0 {
		t.Fatalf("accounts written: %d", len(list))
	}
}

func TestSyncKintoneRetriesAndResumes(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	k := newFakeKintone()
	for i := 1; i <= 1100; i++ {
		k.add(i, fmt.Sprintf("会社%d", i), "", 1000, "", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	srv := httptest.NewServer(k)
	defer srv.Close()

	// 429 with Retry-After, then 500: retried, with the server's wait honoured.
	k.fail = []int{http.StatusTooManyRequests, http.StatusInternalServerError}
	var waits []time.Duration
	// The second page keeps failing: the run stops, keeping the first page and its cursor.
	k.failAfter = 1
	_, err := accounts.SyncKintone(ctx, db, kintoneClient(t, srv.URL, &waits), "7", mapping, accounts.Options{})
	if err == nil || !httpretry.IsExhausted(err) {
		t.Fatalf("err = %v, want the retries exhausted", err)
	}
	if len(waits) < 1 || waits[0] != 2*time.Second {
		t.Fatalf("waits = %v, want Retry-After's 2s first", waits)
	}
	if list, _ := db.Accounts(ctx, 2000); len(list) != 500 {
		t.Fatalf("after the failed run: %d accounts, want the first page's 500", len(list))
	}
	k.failAfter, k.queries = 0, nil
	res, err := accounts.SyncKintone(ctx, db, kintoneClient(t, srv.URL, nil), "7", mapping, accounts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k.queries[0], "$id > 500 ") || res.Counts.New != 600 {
		t.Fatalf("resumed with %q, counts %+v; want to continue after record 500", k.queries[0], res.Counts)
	}
}

// TestSyncKintoneCalculatedAmount: a calculated (CALC) field gives 12345.67 for a JPY amount; the
// account was skipped ("more decimals than JPY has") and the cursor then passed it for good. A
// number kintone computed is rounded to the currency's minor unit.
func TestSyncKintoneCalculatedAmount(t *testing.T) {
	db := openDB(t)
	k := newFakeKintone()
	k.fields["月額"] = "CALC"
	t0 := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	k.add(1, "計算株式会社", "", 0, "calc.co.jp", t0)
	k.records[0]["月額"] = map[string]any{"type": "CALC", "value": "12345.67"}
	srv := httptest.NewServer(k)
	defer srv.Close()
	res, err := accounts.SyncKintone(context.Background(), db, kintoneClient(t, srv.URL, nil), "7", mapping, accounts.Options{})
	if err != nil || res.Counts.New != 1 || res.Counts.Skipped != 0 {
		t.Fatalf("counts %+v problems %v err %v", res.Counts, res.Problems, err)
	}
	if a, _ := db.AccountByRef(context.Background(), "kintone:1"); a.MRR.Minor != 12346 {
		t.Fatalf("MRR = %d, want 12346 (rounded yen)", a.MRR.Minor)
	}
}

// TestSyncKintonePublishedShape reads a record shaped as the kintone reference's example
// (testdata, cited there) through the fake.
func TestSyncKintonePublishedShape(t *testing.T) {
	db := openDB(t)
	b, err := os.ReadFile(filepath.Join("testdata", "kintone_records.json"))
	if err != nil {
		t.Fatal(err)
	}
	var example struct {
		Records []map[string]any `json:"records"`
	}
	if err := json.Unmarshal(b, &example); err != nil {
		t.Fatal(err)
	}
	k := newFakeKintone()
	k.fields["月額"] = "CALC"
	k.records = example.Records
	srv := httptest.NewServer(k)
	defer srv.Close()
	res, err := accounts.SyncKintone(context.Background(), db, kintoneClient(t, srv.URL, nil), "7", mapping, accounts.Options{})
	if err != nil || res.Counts.New != 1 {
		t.Fatalf("counts %+v problems %v err %v", res.Counts, res.Problems, err)
	}
	a, _ := db.AccountByRef(context.Background(), "kintone:1")
	if a.Name != "サイボウズ商事株式会社" || a.MRR.Minor != 98000 || len(a.Domains) != 1 || a.Plan != "Business" {
		t.Fatalf("account = %+v", a)
	}
}
