package store_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func open(t *testing.T) *store.DB {
	t.Helper()
	return storetest.Open(t)
}

func TestOpenExplainsFailures(t *testing.T) {
	good, _ := url.Parse(pgtest.URL(t))
	wrongPassword := *good
	wrongPassword.User = url.UserPassword(good.User.Username(), "not-the-password")
	noDB := *good
	noDB.Path = "/no_such_database"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().String()
	ln.Close()

	tests := []struct {
		name, dsn, want string
	}{
		{"not a url", "mysql://root@localhost/koe", "is not a PostgreSQL URL"},
		{"refused", "postgres://koe:pw@" + closedPort + "/koe?sslmode=disable", "connection refused"},
		{"password", wrongPassword.String(), "refused the password"},
		{"no database", noDB.String(), "no such database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.Open(context.Background(), tt.dsn, nil)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %q, want it to say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "not-the-password") {
				t.Fatalf("err shows the password: %q", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("err is more than one line: %q", err)
			}
		})
	}
}

func TestMaskDSN(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://koe:secret@db:5432/koe": "postgres://koe:xxxxx@db:5432/koe",
		"host=db password=secret user=koe":  "host=db password=xxxxx user=koe",
		"postgres://db/koe":                 "postgres://db/koe",
	} {
		if got := store.MaskDSN(dsn); got != want {
			t.Errorf("MaskDSN(%q) = %q, want %q", dsn, got, want)
		}
	}
}

// fixture: two small accounts and two big ones; request 1 asked by the small ones (one of them
// five times), request 2 by the big ones; request 3 is public but merged, 4 is internal.
func fixture() feedback.Dataset {
	now := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	acct := func(id, mrr int64) feedback.Account {
		return feedback.Account{ID: id, Source: "test", ExternalID: fmt.Sprint(id), Name: fmt.Sprintf("Account %d", id),
			NameKey: fmt.Sprintf("account%d", id), MRR: feedback.Money{Minor: mrr, Currency: "JPY"}, Lifecycle: feedback.Customer}
	}
	one, two, three := int64(1), int64(2), int64(3)
	ds := feedback.Dataset{
		Accounts: []feedback.Account{acct(1, 10_000), acct(2, 10_000), acct(3, 1_000_000), acct(4, 1_000_000)},
		Requests: []feedback.Request{
			{ID: 1, Title: "small ask", Status: feedback.UnderReview, Public: true, PublicTitle: "Small", StatusChangedAt: now},
			{ID: 2, Title: "big ask", Status: feedback.Planned, Public: true, PublicTitle: "Big", StatusChangedAt: now.Add(time.Hour)},
			{ID: 3, Title: "dup", Status: feedback.UnderReview, Public: true, PublicTitle: "Dup", MergedInto: &one},
			{ID: 4, Title: "internal only", Status: feedback.Planned},
		},
	}
	n := int64(0)
	voice := func(acct int64, req *int64, status feedback.Status) {
		n++
		a := acct
		ds.Items = append(ds.Items, feedback.Item{ID: n, SourceKind: feedback.SourceChat, SourceName: "test", SourceID: fmt.Sprint(n),
			ReceivedAt: now, Body: "voice", AccountID: &a, RequestID: req, Status: status})
	}
	for range 5 {
		voice(1, &one, feedback.StatusTriaged)
	}
	voice(2, &one, feedback.StatusTriaged)
	voice(3, &two, feedback.StatusTriaged)
	voice(4, &two, feedback.StatusTriaged)
	voice(4, &three, feedback.StatusIgnored) // ignored voices do not count
	return ds
}

func TestPublicRequestsOnlyPublic(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if err := db.ImportDataset(ctx, fixture()); err != nil {
		t.Fatal(err)
	}
	got, err := db.PublicRequests(ctx, "ja", false)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, r := range got {
		titles = append(titles, r.Title)
	}
	if strings.Join(titles, ",") != "Big,Small" {
		t.Fatalf("public titles = %v, want [Big Small] (public, not merged, latest change first)", titles)
	}
}

func TestReplaceAllIsAtomic(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if err := db.ImportDataset(ctx, fixture()); err != nil {
		t.Fatal(err)
	}
	bad := fixture()
	bad.Items[3].Status = "bogus" // violates a CHECK in the last table written
	if err := db.ReplaceAll(ctx, bad); err == nil {
		t.Fatal("ReplaceAll with a bad row succeeded")
	}
	n, err := db.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n.Accounts != 4 || n.Feedback != 9 || n.Requests != 4 {
		t.Fatalf("after a failed replace counts = %+v, want the old data intact", n)
	}
	if err := db.ReplaceAll(ctx, fixture()); err != nil {
		t.Fatal(err)
	}
	// Sequences moved past imported ids: a new request gets the id after the fixture's four.
	id, err := db.CreateRequest(ctx, "new", nil, store.Triager{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if id != 5 {
		t.Fatalf("request id = %d, want 5", id)
	}
}

func TestSaveUser(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	u, err := db.SaveUser(ctx, feedback.User{Email: "Admin@Example.com", Role: feedback.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.SaveUser(ctx, feedback.User{Email: "admin@example.com", Role: feedback.RoleCS, Name: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != u.ID || again.Role != feedback.RoleCS {
		t.Fatalf("second save = %+v, want the same user with role cs", again)
	}
	if _, err := db.SaveUser(ctx, feedback.User{Email: "x@example.com", Role: "boss"}); feedback.ErrorCode(err) != feedback.EINVALID {
		t.Fatalf("unknown role err = %v, want EINVALID", err)
	}
	if _, err := db.UserByEmail(ctx, "nobody@example.com"); feedback.ErrorCode(err) != feedback.ENOTFOUND {
		t.Fatalf("missing user err = %v, want ENOTFOUND", err)
	}
}

func TestOutboxByTarget(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if err := db.Enqueue(ctx, []store.OutboxMessage{{DedupeKey: "s", Kind: "voice"}, {Target: store.TargetMail, DedupeKey: "m", Kind: "shipped", Channel: "a@example.com"}}); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{store.TargetSlack, store.TargetMail} {
		row, err := db.ClaimOutboxFor(ctx, target, time.Minute)
		if err != nil || row == nil {
			t.Fatalf("claim %s: %v %v", target, row, err)
		}
		if err := db.GiveUp(ctx, row.ID, "refused"); err != nil {
			t.Fatal(err)
		}
	}
	if rows, _ := db.Outbox(ctx, store.TargetSlack, true, 10); len(rows) != 1 || rows[0].Target != store.TargetSlack {
		t.Fatalf("failed slack messages = %+v", rows)
	}
	if n, err := db.RetryFailed(ctx, store.TargetSlack, 0); err != nil || n != 1 {
		t.Fatalf("retry slack: %d %v", n, err)
	}
	if rows, _ := db.Outbox(ctx, "", true, 10); len(rows) != 1 || rows[0].Target != store.TargetMail {
		t.Fatalf("retrying Slack requeued mail: %+v", rows)
	}
}

func TestPurge(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	u, err := db.SaveUser(ctx, feedback.User{Email: "cs@koe.example", Role: feedback.RoleCS})
	if err != nil {
		t.Fatal(err)
	}
	live, err := db.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateSession(ctx, u.ID, -time.Second); err != nil { // (a new sign-in clears older expired ones)
		t.Fatal(err)
	}
	if _, err := db.SignInCustomer(ctx, "a@example.com", nil, "", -time.Second); err != nil {
		t.Fatal(err)
	}
	p, err := db.Purge(ctx)
	if err != nil || p.Sessions != 1 || p.CustomerSessions != 1 {
		t.Fatalf("purge = %+v, %v", p, err)
	}
	if _, err := db.SessionByToken(ctx, live.Token); err != nil {
		t.Fatalf("the live session was purged: %v", err)
	}
}
