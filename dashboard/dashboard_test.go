package dashboard_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/slackbot"
	"github.com/koehq/koe/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const canary = "CANARY-7f3a"

// seed writes one public request and, around it, internal data that must never show publicly.
// openStore opens a fresh database for the test.
func openStore(t *testing.T) *store.DB {
	t.Helper()
	return storetest.Open(t)
}

func seed(t *testing.T) *store.DB {
	t.Helper()
	db := openStore(t)
	acct, req := int64(1), int64(1)
	mrr := feedback.Money{Minor: 987_654_321, Currency: "JPY"}
	ds := feedback.Dataset{
		Accounts: []feedback.Account{{ID: 1, Source: "t", ExternalID: "1", Name: canary + " 株式会社", NameKey: "x",
			MRR: mrr, Lifecycle: feedback.Customer}},
		Contacts: []feedback.Contact{{ID: 1, Email: canary + "@example.com", AccountID: 1}},
		Requests: []feedback.Request{
			{ID: 1, Title: canary + " internal title", Description: canary + " internal notes", PublicTitle: `Export <script>alert(1)</script>`,
				PublicDescription: `"><img src=x onerror=alert(1)>`, Status: feedback.Planned, Public: true, StatusChangedAt: time.Now()},
			{ID: 2, Title: canary + " private request", Status: feedback.Planned},
		},
		Items: []feedback.Item{{ID: 1, SourceKind: feedback.SourceChat, SourceName: "t", SourceID: "1", ReceivedAt: time.Now(),
			Body: canary + " raw words", AuthorEmail: canary + "@example.com", AccountID: &acct, RequestID: &req,
			MRRAtReceipt: &mrr, Status: feedback.StatusTriaged}},
	}
	if err := db.ImportDataset(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return db
}

func get(t *testing.T, h http.Handler, path string, header ...string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body)
}

func TestRoadmapLanguage(t *testing.T) {
	srv, err := dashboard.New(seed(t), opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if _, body := get(t, h, "/roadmap", "Accept-Language", "en-US,en;q=0.9"); !strings.Contains(body, "Planned") {
		t.Errorf("English roadmap lacks the English status label")
	}
	if _, body := get(t, h, "/roadmap?lang=ja", "Accept-Language", "en"); !strings.Contains(body, "予定") {
		t.Errorf("?lang=ja roadmap lacks the Japanese status label")
	}
}

func TestStaffPagesNeedSignIn(t *testing.T) {
	db := seed(t)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/app", "/app/requests", "/app/requests.json", "/app/slack"} {
		code, body := get(t, srv.Handler(), path)
		if code != http.StatusUnauthorized {
			t.Errorf("%s without sign-in: status %d, want 401", path, code)
		}
		if strings.Contains(body, canary) {
			t.Errorf("%s without sign-in shows internal data", path)
		}
	}

	demo, err := dashboard.New(db, opts(dashboard.Options{Demo: true, DemoUser: feedback.User{ID: 1, Email: "demo@example.com", Role: feedback.RoleAdmin}}))
	if err != nil {
		t.Fatal(err)
	}
	code, body := get(t, demo.Handler(), "/app/requests", "Accept-Language", "en")
	if code != http.StatusOK {
		t.Fatalf("demo /app/requests: status %d", code)
	}
	if !strings.Contains(body, canary+" internal title") || !strings.Contains(body, "Demo mode") {
		t.Errorf("demo staff page lacks the request or the demo banner")
	}
}

func TestHealth(t *testing.T) {
	srv, err := dashboard.New(seed(t), opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, _ := get(t, srv.Handler(), path); code != http.StatusOK {
			t.Errorf("%s: status %d", path, code)
		}
	}
	if code, _ := get(t, srv.Handler(), "/nope"); code != http.StatusNotFound {
		t.Errorf("/nope: status %d", code)
	}
}

func TestReadyzWantsCurrentMigrations(t *testing.T) {
	dsn := pgtest.URL(t)
	db, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	srv, _ := dashboard.New(db, opts(dashboard.Options{}))
	if code, body := get(t, srv.Handler(), "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "1 migration(s) pending") {
		t.Errorf("/readyz with a pending migration: %d %q", code, body)
	}
}

func TestSlackInteractivityRoute(t *testing.T) {
	db := seed(t)
	plain, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/slack/interactivity", strings.NewReader("payload={}"))
	rec := httptest.NewRecorder()
	plain.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound {
		t.Fatalf("without a signing secret: %d", rec.Code)
	}
	withSlack, err := dashboard.New(db, opts(dashboard.Options{SlackInteractivity: &slackbot.Interactions{Store: db, SigningSecret: "s"}}))
	if err != nil {
		t.Fatal(err)
	}
	req = httptest.NewRequest(http.MethodPost, "/slack/interactivity", strings.NewReader("payload={}"))
	rec = httptest.NewRecorder()
	withSlack.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("an unsigned request: %d", rec.Code)
	}
}

func TestSlackOutboxPage(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	if err := db.Enqueue(ctx, []store.OutboxMessage{{DedupeKey: "voice:x", Kind: "voice", Subject: map[string]any{"feedback_id": 1}}}); err != nil {
		t.Fatal(err)
	}
	row, err := db.ClaimOutbox(ctx, time.Minute)
	if err != nil || row == nil {
		t.Fatalf("claim: %v %v", row, err)
	}
	if err := db.GiveUp(ctx, row.ID, "channel_not_found <b>"); err != nil {
		t.Fatal(err)
	}
	demo, err := dashboard.New(db, opts(dashboard.Options{Demo: true, DemoUser: feedback.User{ID: 1, Email: "demo@example.com", Role: feedback.RoleAdmin}}))
	if err != nil {
		t.Fatal(err)
	}
	code, body := get(t, demo.Handler(), "/app/slack", "Accept-Language", "en")
	if code != http.StatusOK || !strings.Contains(body, "Messages given up on") || !strings.Contains(body, "channel_not_found &lt;b&gt;") ||
		!strings.Contains(body, "koe slack retry ID") {
		t.Fatalf("/app/slack: %d\n%s", code, body)
	}
}
