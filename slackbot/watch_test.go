package slackbot_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/slackbot"
	"github.com/koehq/koe/store"
)

func kinds(t *testing.T, db *store.DB) string {
	t.Helper()
	rows, err := db.Outbox(context.Background(), "", false, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if r.Kind != slackbot.KindVoice {
			out = append(out, r.Kind)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestWatchPostsNotableRequestsChurnAndTheDigestOnce(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if _, err := accounts.ImportCSV(ctx, db, "a.csv", strings.NewReader("external_id,name,mrr,domains\n"+
		"A,Big Corp,500000,abc.co.jp\nB,Small KK,20000,small.co.jp\nC,Chain Inc,300000,big.co.jp\n"), accounts.Options{}); err != nil {
		t.Fatal(err)
	}
	ingestJSONL(t, db, conf(slackbot.Config{}), feedback.SourceChat, "widget",
		`{"id":"c1","text":"SSOがないと解約を検討します","email":"taro@abc.co.jp","date":"TODAY"}`,
		`{"id":"c2","text":"SSO please","email":"x@small.co.jp","date":"TODAY"}`,
		`{"id":"c3","text":"We need SAML SSO","email":"y@big.co.jp","date":"TODAY"}`)
	ids, err := db.RequestIDsByTitle(ctx, []string{"SAML SSO"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	sso := ids["SAML SSO"]
	u, err := db.SaveUser(ctx, feedback.User{Email: "cs@koe.example", Role: feedback.RoleCS})
	if err != nil {
		t.Fatal(err)
	}
	who := store.Triager{UserID: u.ID, Actor: "test"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.LinkFeedback(ctx, 1, sso, who))
	must(db.TagFeedback(ctx, 1, feedback.TagChurnRisk, who))

	tokyo := time.FixedZone("JST", 9*3600)
	cfg := conf(slackbot.Config{Location: tokyo, RequestChannel: "CREQ", DigestChannel: "CDIGEST", Language: "en"})
	monday := time.Now().In(tokyo).Truncate(24 * time.Hour)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, -1)
	}
	monday = time.Date(monday.Year(), monday.Month(), monday.Day(), 0, 0, 0, 0, tokyo)
	watch := func(at time.Time) {
		t.Helper()
		if _, err := cfg.Watch(ctx, db, at); err != nil {
			t.Fatal(err)
		}
	}
	// Monday 8:00: before the digest's time; the request (¥500,000 MRR at churn risk) and the
	// churn voice are news.
	watch(monday.Add(8 * time.Hour))
	if got := kinds(t, db); got != "churn,request" {
		t.Fatalf("queued = %s", got)
	}
	watch(monday.Add(9 * time.Hour))
	watch(monday.Add(10 * time.Hour))
	if got := kinds(t, db); got != "churn,digest,request" {
		t.Fatalf("after 9:00 queued = %s", got)
	}
	// Another account asks: one reply in the request's thread, however often the watch runs.
	must(db.LinkFeedback(ctx, 3, sso, who))
	watch(monday.Add(11 * time.Hour))
	watch(monday.Add(12 * time.Hour))
	if got := kinds(t, db); got != "churn,digest,request,request_update" {
		t.Fatalf("after a new account queued = %s", got)
	}
	// Next week: a new digest, with the request among the movers.
	must(db.LinkFeedback(ctx, 2, sso, who))
	watch(monday.AddDate(0, 0, 7).Add(9 * time.Hour))

	fake := newFakeSlack()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	drain(t, db, newWorker(db, cfg, srv.URL))
	fake.mu.Lock()
	defer fake.mu.Unlock()
	req := fake.messages["CREQ"]
	var parent map[string]any
	for _, m := range req {
		if strings.HasPrefix(fmt.Sprint(m["text"]), "Notable request") {
			parent = m
		}
	}
	if parent == nil {
		t.Fatalf("no request message in %v", req)
	}
	replies := 0
	for _, m := range req {
		if m["thread_ts"] != nil {
			replies++
			if m["thread_ts"] != parent["ts"] {
				t.Errorf("update outside the request's thread: %v", m)
			}
		}
	}
	if len(req) != 4 || replies != 2 { // the request, the churn voice, then 2 and 3 accounts in the thread
		t.Fatalf("request channel: %d messages, %d replies: %v", len(req), replies, req)
	}
	digests := fake.messages["CDIGEST"]
	if len(digests) != 2 {
		t.Fatalf("%d digests", len(digests))
	}
	second := fmt.Sprint(digests[1]["blocks"])
	if !strings.Contains(second, "This week's top requests") || !strings.Contains(second, "SAML SSO") || !strings.Contains(second, "Biggest movers") {
		t.Fatalf("second digest = %s", second)
	}
	// Declined: its thread hears so, but it leaves the digest (the backlog is open requests;
	// with none open, no digest).
	declined := feedback.Declined
	must(db.UpdateRequest(ctx, sso, store.RequestEdit{Status: &declined}, "po@koe.example"))
	watch(monday.AddDate(0, 0, 14).Add(9 * time.Hour))
	if got := kinds(t, db); strings.Count(got, "request_update") != 3 || strings.Count(got, "digest") != 2 {
		t.Fatalf("after the decline queued = %s, want a third update and no third digest", got)
	}
}

func TestShippedRequestListsAccountsToFollowUp(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if _, err := accounts.ImportCSV(ctx, db, "a.csv", strings.NewReader("external_id,name,mrr,domains,plan\n"+
		"A,Big Corp,500000,abc.co.jp,Enterprise\nB,Small KK,20000,small.co.jp,\n"), accounts.Options{}); err != nil {
		t.Fatal(err)
	}
	ingestJSONL(t, db, conf(slackbot.Config{}), feedback.SourceChat, "widget",
		`{"id":"c1","text":"SSO please","email":"x@small.co.jp","date":"TODAY"}`,
		`{"id":"c2","text":"We need SAML SSO","email":"y@abc.co.jp","date":"TODAY"}`)
	ids, err := db.RequestIDsByTitle(ctx, []string{"SAML SSO"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.SaveUser(ctx, feedback.User{Email: "cs@koe.example", Role: feedback.RoleCS})
	if err != nil {
		t.Fatal(err)
	}
	who := store.Triager{UserID: u.ID, Actor: "test"}
	for _, id := range []int64{1, 2} {
		if err := db.LinkFeedback(ctx, id, ids["SAML SSO"], who); err != nil {
			t.Fatal(err)
		}
	}
	shipped := feedback.Shipped
	if err := db.UpdateRequest(ctx, ids["SAML SSO"], store.RequestEdit{Status: &shipped}, "po"); err != nil {
		t.Fatal(err)
	}
	fake := newFakeSlack()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	drain(t, db, newWorker(db, conf(slackbot.Config{RequestChannel: "CREQ", Language: "en"}), srv.URL))
	fake.mu.Lock()
	defer fake.mu.Unlock()
	var found bool
	for _, m := range fake.messages["CREQ"] {
		if fmt.Sprint(m["text"]) == "Shipped: SAML SSO" {
			found = true
			blocks := fmt.Sprint(m["blocks"])
			if !strings.Contains(blocks, "Accounts to follow up with* (2)") || strings.Index(blocks, "Big Corp") > strings.Index(blocks, "Small KK") ||
				!strings.Contains(blocks, "Enterprise") {
				t.Errorf("shipped message blocks = %s", blocks)
			}
		}
	}
	if !found {
		t.Fatalf("no shipped message in %v", fake.messages["CREQ"])
	}
}
