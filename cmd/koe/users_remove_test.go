package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/store"
)

// TestUsersRemoveEndsSessions: the cookie a staff member is using works, `koe users remove`
// runs, and the very next request with that cookie is refused; the removal is audited, and the
// last admin stays.
func TestUsersRemoveEndsSessions(t *testing.T) {
	dsn := pgtest.URL(t)
	env := []string{"DATABASE_URL=" + dsn, "USER=ops"}
	ctx := context.Background()
	for _, args := range [][]string{{"boss@koe.example", "--role", "admin"}, {"cs@koe.example", "--role", "cs"}} {
		if _, errOut, code := koe(t, env, append([]string{"users", "add"}, args...)...); code != 0 {
			t.Fatalf("users add %v: %d %s", args, code, errOut)
		}
	}
	db, err := store.Open(ctx, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, "cs@koe.example")
	if err != nil {
		t.Fatal(err)
	}
	sess, err := db.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(db, dashboard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	get := func() int {
		req := httptest.NewRequest(http.MethodGet, "/app/feedback", nil)
		req.AddCookie(&http.Cookie{Name: "koe_session", Value: sess.Token})
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	if got := get(); got != http.StatusOK {
		t.Fatalf("before removal: %d, want 200", got)
	}
	if out, errOut, code := koe(t, env, "users", "remove", "CS@koe.example"); code != 0 || !strings.Contains(out, "user cs@koe.example (cs) removed") {
		t.Fatalf("users remove: %d %q %q", code, out, errOut)
	}
	if got, want := get(), http.StatusUnauthorized; got != want {
		t.Fatalf("the removed user's cookie: %d, want %d", got, want)
	}
	log, err := db.AuditLog(ctx, "user", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Actor != "cli:ops" || log[0].Action != "revoke" || !strings.Contains(log[0].Before, "cs@koe.example") || !strings.Contains(log[0].After, `"sessions_ended": 1`) {
		t.Fatalf("audit: %+v", log)
	}
	if _, errOut, code := koe(t, env, "users", "remove", "cs@koe.example"); code == 0 || !strings.Contains(errOut, "No user cs@koe.example") {
		t.Fatalf("remove twice: %d %s", code, errOut)
	}
	if _, errOut, code := koe(t, env, "users", "remove", "boss@koe.example"); code == 0 || !strings.Contains(errOut, "last admin") {
		t.Fatalf("remove the last admin: %d %s", code, errOut)
	}
}
