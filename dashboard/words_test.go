package dashboard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest/sources"
	"github.com/koehq/koe/ingest/textproc"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/slackbot"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/triage"
)

// visibleText is what a reader sees of a page: no scripts, styles, tags or attributes.
func visibleText(body string) string {
	body = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`).ReplaceAllString(body, " ")
	return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, " ")
}

func TestLanguageNegotiation(t *testing.T) {
	srv, err := dashboard.New(seed(t), dashboard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	for _, tc := range []struct {
		name, path, accept, want string
	}{
		{"default", "/roadmap", "", "ja"},
		{"browser", "/roadmap", "en-US,en;q=0.9", "en"},
		{"browser Koe lacks", "/roadmap", "fr-FR", "ja"},
		{"query first", "/roadmap?lang=en", "ja-JP", "en"},
		{"query Koe lacks", "/roadmap?lang=xx", "en", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, body := get(t, h, tc.path, "Accept-Language", tc.accept)
			if got, want := body, `<html lang="`+tc.want+`">`; !strings.Contains(got, want) {
				t.Fatalf("page not in %s:\n%.300s", tc.want, got)
			}
		})
	}
}

// TestPagesShowLabelsNotCodes: a tag, a request status, a source, a lifecycle and a role read as
// words in both languages; the codes stay in form values only.
func TestPagesShowLabelsNotCodes(t *testing.T) {
	db := openStore(t)
	acct, req := int64(1), int64(1)
	mrr := feedback.Money{Minor: 500_000, Currency: "JPY"}
	ds := feedback.Dataset{
		Accounts: []feedback.Account{{ID: 1, Source: "t", ExternalID: "1", Name: "Acme", NameKey: "acme", MRR: mrr, Lifecycle: feedback.Churned}},
		Requests: []feedback.Request{{ID: 1, Title: "Invoices as PDF", Status: feedback.UnderReview, StatusChangedAt: time.Now()}},
		Items: []feedback.Item{{ID: 1, SourceKind: feedback.SourceReview, SourceName: "appstore", SourceID: "1", ReceivedAt: time.Now(),
			Body: "PDF please", AccountID: &acct, RequestID: &req, MRRAtReceipt: &mrr, Tag: feedback.TagChurnRisk, Status: feedback.StatusTriaged}},
	}
	if err := db.ImportDataset(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	cs := signIn(t, db, "cs@koe.example", feedback.RoleCS)
	srv, err := dashboard.New(db, dashboard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	codes := []string{"churn_risk", "under_review", "churned", "triaged", "internal_efficiency"}
	for _, lang := range []string{"ja", "en"} {
		for _, path := range []string{"/app/feedback", "/app/feedback/1", "/app/requests", "/app/requests/1", "/app/accounts", "/app/accounts/1"} {
			t.Run(lang+path, func(t *testing.T) {
				rec := do(h, http.MethodGet, path+"?lang="+lang, &cs, false)
				if rec.Code != http.StatusOK {
					t.Fatalf("%d %s", rec.Code, rec.Body.String())
				}
				text := visibleText(rec.Body.String())
				for _, code := range codes {
					if regexp.MustCompile(`\b` + code + `\b`).MatchString(text) {
						t.Errorf("shows the code %q:\n%s", code, text)
					}
				}
				if lang == "ja" && (!strings.Contains(text, "解約リスク") || strings.Contains(text, "Churn risk")) {
					t.Errorf("the tag does not read 解約リスク:\n%s", text)
				}
			})
		}
	}
	if body := do(h, http.MethodGet, "/app/feedback", &cs, false).Body.String(); !strings.Contains(body, `<option value="tag:churn_risk">タグ 解約リスク</option>`) ||
		!strings.Contains(body, `(CS)`) {
		t.Errorf("the bulk menu or the role lost its label:\n%s", body)
	}
}

// TestErrorPagesSpeakTheReadersLanguage: a failure reads in the reader's language, with a way back.
func TestErrorPagesSpeakTheReadersLanguage(t *testing.T) {
	db := seed(t)
	viewer := signIn(t, db, "v@koe.example", feedback.RoleViewer)
	srv, err := dashboard.New(db, dashboard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	for _, tc := range []struct {
		path, referer string
		status        int
		want          []string
	}{
		{"/app/feedback/abc", "", 404, []string{"見つかりません", "「abc」という声はありません。", `<a href="/app/feedback">← 戻る</a>`}},
		{"/app/feedback/abc?lang=en", "", 404, []string{"Not found", "No voice &#34;abc&#34;.", `<a href="/app/feedback">← Go back</a>`}},
		{"/app/requests/1/merge", "http://example.com/app/requests/1", 403, []string{"この操作には", `<a href="/app/requests/1">← 戻る</a>`}},
		{"/nowhere", "", 404, []string{"このアドレスにページはありません。", `<a href="/">← 戻る</a>`}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			method := http.MethodGet
			if strings.HasSuffix(tc.path, "/merge") {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, tc.path, nil)
			req.AddCookie(&http.Cookie{Name: "koe_session", Value: viewer.Token})
			if tc.referer != "" {
				req.Header.Set("Referer", tc.referer)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("lacks %q:\n%s", w, rec.Body.String())
				}
			}
		})
	}
}

// TestEveryCodeOfTheSheetsAndLogsHasALabel: every code of the enums the admin pages show — outbox
// kinds, audit actions, voice languages, connectors, account sources, token scopes — has its label,
// enumerated from the lists where the codes are declared.
func TestEveryCodeOfTheSheetsAndLogsHasALabel(t *testing.T) {
	for _, tc := range []struct {
		kind  string
		codes []string
	}{
		{"outbox_kind", slices.Concat(slackbot.Kinds, store.WebhookEvents)},
		{"audit_action", append(slices.Clone(store.AuditActions), "save "+triage.WeightsKey)},
		{"language", textproc.Languages},
		{"connector", slices.Concat(sources.RecordedKinds, feedback.AccountSources)},
		{"security.scope", store.APIScopes},
		{"weights.field", weightKeys()},
		{"audit.entity_label", store.AuditEntities},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			for _, code := range tc.codes {
				if !locale.Has(tc.kind + "." + code) {
					t.Errorf("no label %s.%s", tc.kind, code)
				}
			}
		})
	}
}

// weightKeys are the names of the ranking weights, as the weights page's form names its fields.
func weightKeys() []string {
	var keys []string
	for f := range reflect.TypeFor[scoring.Weights]().Fields() {
		keys = append(keys, strings.Split(f.Tag.Get("json"), ",")[0])
	}
	return keys
}

// TestAuditActionsAreListed reads the store's calls that write the audit log, so an action added
// there without its place in store.AuditActions (and so without a label) fails here.
func TestAuditActionsAreListed(t *testing.T) {
	files, err := filepath.Glob("../store/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("store sources: %v", err)
	}
	calls := regexp.MustCompile(`\baudit\(ctx, tx, [^,]+, "[a-z_]+", [^,]+, "([^"]+)"|\btriage(?:Tx)?\(ctx, (?:tx, )?[^,]+, "([^"]+)"|\baction :?= "([^"]+)"`)
	entities := regexp.MustCompile(`\baudit\(ctx, tx, [^,]+, "([a-z_]+)"|INSERT INTO audit_log[^` + "`" + `]*?'([a-z_]+)'`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		buf, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range calls.FindAllStringSubmatch(string(buf), -1) {
			action := m[1] + m[2] + m[3]
			seen++
			if !slices.Contains(store.AuditActions, action) {
				t.Errorf("%s logs the action %q, which store.AuditActions lacks", f, action)
			}
		}
		for _, m := range entities.FindAllStringSubmatch(string(buf), -1) {
			if entity := m[1] + m[2]; !slices.Contains(store.AuditEntities, entity) {
				t.Errorf("%s logs a change to %q, which store.AuditEntities lacks", f, entity)
			}
		}
	}
	if seen < len(store.AuditActions) {
		t.Fatalf("found %d audit calls, fewer than the %d actions listed: has the store's way of logging changed?", seen, len(store.AuditActions))
	}
}

// TestAdminPagesShowLabelsNotCodes: outbox kinds, audit actions, voice languages, connectors and
// token scopes read as words in both languages; the codes stay in form values only.
func TestAdminPagesShowLabelsNotCodes(t *testing.T) {
	db := openStore(t)
	ctx := context.Background()
	acct, req := int64(1), int64(1)
	ds := feedback.Dataset{
		Accounts: []feedback.Account{{ID: 1, Source: "csv", ExternalID: "A-1", Name: "Acme", NameKey: "acme",
			MRR: feedback.Money{Minor: 100_000, Currency: "JPY"}, Lifecycle: feedback.Customer}},
		Requests: []feedback.Request{{ID: 1, Title: "Invoices as PDF", Status: feedback.Planned, StatusChangedAt: time.Now()}},
		Items: []feedback.Item{{ID: 1, SourceKind: feedback.SourceReview, SourceName: "appstore", SourceID: "1", ReceivedAt: time.Now(),
			Body: "請求書を PDF で", Language: "ja", AccountID: &acct, RequestID: &req, Status: feedback.StatusNew}},
	}
	if err := db.ImportDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	admin := signIn(t, db, "admin@koe.example", feedback.RoleAdmin)
	shipped := feedback.Shipped
	for _, err := range []error{
		db.TagFeedback(ctx, 1, feedback.TagChurnRisk, store.Triager{Actor: "cs@koe.example"}),
		db.UpdateRequest(ctx, 1, store.RequestEdit{Status: &shipped}, "po@koe.example"), // queues the Slack post "shipped"
		db.SaveCursor(ctx, store.SourceCursor{Kind: "zendesk", Name: "support", Cursor: "1"}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.CreateAPIToken(ctx, "zapier", "write", "admin@koe.example"); err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(db, dashboard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	jsonCells := regexp.MustCompile(`(?s)<td class="words[^"]*">.*?</td>`)
	pages := map[string][]string{
		"/app/audit":      {"tag", "status", "create"},
		"/app/feedback/1": {"tag", "ja"},
		"/app/feedback":   {"ja"},
		"/app/slack":      {"shipped"},
		"/app/sources":    {"zendesk"},
		"/app/tokens":     {"write", "read"},
		"/app/accounts":   {"csv"},
		"/app/accounts/1": {"csv"},
		"/app/weights":    weightKeys(),
	}
	want := map[string][]string{
		"ja": {"/app/audit", "タグ付け", "/app/feedback/1", "日本語", "/app/slack", "リリースのお知らせ", "/app/sources", "Zendesk", "/app/tokens", "読み書き"},
		"en": {"/app/audit", "Tagged", "/app/feedback/1", "Japanese", "/app/slack", "Shipped notice", "/app/sources", "Zendesk", "/app/tokens", "Read and write"},
	}
	for _, lang := range []string{"ja", "en"} {
		for path, codes := range pages {
			t.Run(lang+path, func(t *testing.T) {
				rec := do(h, http.MethodGet, path+"?lang="+lang, &admin, false)
				if rec.Code != http.StatusOK {
					t.Fatalf("%d %s", rec.Code, rec.Body.String())
				}
				// The before and after of a change are its JSON as logged, codes and all.
				text := visibleText(jsonCells.ReplaceAllString(rec.Body.String(), ""))
				for _, code := range codes {
					if lang == "en" && path == "/app/tokens" {
						continue // "Read and write" says the code's word; the label is checked below
					}
					if regexp.MustCompile(`\b` + regexp.QuoteMeta(code) + `\b`).MatchString(text) {
						t.Errorf("shows the code %q:\n%s", code, text)
					}
				}
				for i := 0; i+1 < len(want[lang]); i += 2 {
					if want[lang][i] == path && !strings.Contains(text, want[lang][i+1]) {
						t.Errorf("lacks the label %q:\n%s", want[lang][i+1], text)
					}
				}
			})
		}
	}
	body := do(h, http.MethodGet, "/app/feedback?lang=en", &admin, false).Body.String()
	if !strings.Contains(body, `<option value="ja">Japanese</option>`) || !strings.Contains(body, `<option value="other">Other</option>`) {
		t.Errorf("the language filter lost its labels or its codes:\n%s", body)
	}
	body = do(h, http.MethodGet, "/app/requests?lang=ja", &admin, false).Body.String()
	if !strings.Contains(body, `<option value="ja">日本語</option>`) { // the languages the voices are in: here only Japanese
		t.Errorf("the backlog's language filter lost its labels or its codes:\n%s", body)
	}
	body = do(h, http.MethodGet, "/app/tokens?lang=ja", &admin, false).Body.String()
	if !strings.Contains(body, `<option value="read">読み取りのみ</option>`) {
		t.Errorf("the scope menu lost its labels or its codes:\n%s", body)
	}
}
