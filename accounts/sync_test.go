package accounts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func openDB(t *testing.T) *store.DB {
	t.Helper()
	return storetest.Open(t)
}

func importCSV(t *testing.T, db *store.DB, csv string) accounts.Result {
	t.Helper()
	res, err := accounts.ImportCSV(context.Background(), db, "accounts.csv", strings.NewReader(csv), accounts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// voices writes voices from the given senders, received at the given times.
func voices(t *testing.T, db *store.DB, senders []string, at []time.Time) {
	t.Helper()
	var ds feedback.Dataset
	for i, s := range senders {
		email, company, _ := strings.Cut(s, "|")
		ds.Items = append(ds.Items, feedback.Item{ID: int64(i + 1), SourceKind: feedback.SourceChat, SourceName: "test",
			SourceID: fmt.Sprint(i + 1), ReceivedAt: at[i], AuthorEmail: email, CompanyName: company, Body: "voice", Status: feedback.StatusNew})
	}
	if err := db.ImportDataset(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
}

func TestImportCSVIsIdempotentAndKeepsManualFields(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	csv := "external_id,name,mrr,plan,domains\nC1,ABC商事,10000,Starter,abc.co.jp\nC2,Globex,500000,Business,globex.com\nC3,Bad,xyz,,\n"
	res := importCSV(t, db, csv)
	if c := res.Counts; c.Read != 3 || c.New != 2 || c.Updated != 0 || c.Skipped != 1 {
		t.Fatalf("first import counts = %+v", c)
	}
	if len(res.Problems) != 1 || !strings.HasPrefix(res.Problems[0].String(), "accounts.csv:4: mrr") {
		t.Fatalf("problems = %v", res.Problems)
	}
	if c := importCSV(t, db, csv).Counts; c.New != 0 || c.Updated != 0 || c.Unchanged != 2 {
		t.Fatalf("rerun counts = %+v, want everything unchanged", c)
	}

	// A person sets C1's MRR by hand; the CSV's next value for it is ignored, its plan is not.
	acct, err := db.AccountByRef(ctx, "csv:C1")
	if err != nil {
		t.Fatal(err)
	}
	patch, err := accounts.ParsePatch([]string{"mrr=25000"}, "JPY")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.EditAccount(ctx, acct.ID, patch, "cs@example.com"); err != nil {
		t.Fatal(err)
	}
	changed := "external_id,name,mrr,plan,domains\nC1,ABC商事,99999,Business,abc.co.jp\nC2,Globex,500000,Business,globex.com\n"
	if c := importCSV(t, db, changed).Counts; c.Updated != 1 || c.Unchanged != 1 {
		t.Fatalf("third import counts = %+v", c)
	}
	acct, _ = db.AccountByRef(ctx, "csv:C1")
	if acct.MRR.Minor != 25000 || acct.Plan != "Business" {
		t.Fatalf("C1 = mrr %d plan %s; want the manual MRR 25000 kept and the plan updated", acct.MRR.Minor, acct.Plan)
	}
	if strings.Join(acct.ManualFields, ",") != "currency,mrr" {
		t.Fatalf("manual fields = %v", acct.ManualFields)
	}
}

func TestImportCSVOmittedColumnsKeepValues(t *testing.T) {
	db := openDB(t)
	importCSV(t, db, "external_id,name,mrr,plan\nC1,ABC,10000,Starter\n")
	importCSV(t, db, "external_id,name,employees\nC1,ABC,40\n")
	a, err := db.AccountByRef(context.Background(), "csv:C1")
	if err != nil {
		t.Fatal(err)
	}
	if a.MRR.Minor != 10000 || a.Plan != "Starter" || a.Employees == nil || *a.Employees != 40 {
		t.Fatalf("account = %+v; a file without the mrr and plan columns must not clear them", a)
	}
}

func TestMatchingRulesAndMRRAtReceipt(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	importCSV(t, db, "external_id,name,mrr,domains,contact_emails\nC1,株式会社ＡＢＣ商事,10000,abc.co.jp,boss@gmail.com\nC2,Globex,20000,globex.com,\n")
	between := time.Now()
	time.Sleep(20 * time.Millisecond)
	importCSV(t, db, "external_id,name,mrr,domains,contact_emails\nC1,株式会社ＡＢＣ商事,50000,abc.co.jp,boss@gmail.com\nC2,Globex,20000,globex.com,\n")
	later := time.Now().Add(time.Hour)

	voices(t, db, []string{
		"staff@abc.co.jp|",      // domain, received while C1 paid 10,000
		"staff@abc.co.jp|",      // domain, received after the raise
		"boss@gmail.com|",       // contact at a free-mail address
		"someone@gmail.com|",    // free mail: unknown
		"anon@gmail.com|ABC商事㈱", // company name
		"x@elsewhere.example|",  // unknown
	}, []time.Time{between, later, later, later, later, later})
	if _, err := accounts.Rematch(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	got := matched(t, db)
	c1 := accountID(t, db, "csv:C1")
	want := map[string]string{
		"1": fmt.Sprintf("%d domain 10000", c1), "2": fmt.Sprintf("%d domain 50000", c1),
		"3": fmt.Sprintf("%d contact 50000", c1), "4": "- - -", "5": fmt.Sprintf("%d company_name 50000", c1), "6": "- - -",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("voice %s = %q, want %q", id, got[id], w)
		}
	}

	// The unknown-account queue, and a rule saved from it.
	queue, err := db.UnmatchedSenders(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) != 2 {
		t.Fatalf("unmatched = %+v, want 2 senders", queue)
	}
	c2 := accountID(t, db, "csv:C2")
	if _, err := db.SaveRule(ctx, feedback.Rule{Kind: feedback.RuleEmail, Pattern: "Someone@Gmail.com", AccountID: c2}, "cs@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveRule(ctx, feedback.Rule{Kind: feedback.RuleDomain, Pattern: "elsewhere.example", AccountID: c2}, "cs@example.com"); err != nil {
		t.Fatal(err)
	}
	n, err := accounts.Rematch(ctx, db, nil)
	if err != nil || n != 2 {
		t.Fatalf("rematch moved %d voices (%v), want 2", n, err)
	}
	got = matched(t, db)
	if got["4"] != fmt.Sprintf("%d manual_rule 20000", c2) || got["6"] != fmt.Sprintf("%d manual_rule 20000", c2) {
		t.Fatalf("after rules: %v", got)
	}
	if queue, _ := db.UnmatchedSenders(ctx, 10); len(queue) != 0 {
		t.Fatalf("unmatched after rules = %+v", queue)
	}

	// The account's domain changes: its domain voices no longer match it.
	importCSV(t, db, "external_id,name,mrr,domains,contact_emails\nC1,株式会社ＡＢＣ商事,50000,abc-new.co.jp,boss@gmail.com\nC2,Globex,20000,globex.com,\n")
	got = matched(t, db)
	if got["1"] != "- - -" || got["3"] != fmt.Sprintf("%d contact 50000", c1) {
		t.Fatalf("after the domain change: %v", got)
	}
}

func accountID(t *testing.T, db *store.DB, ref string) int64 {
	t.Helper()
	a, err := db.AccountByRef(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// matched returns "account rule mrr" per voice id, "-" for none.
func matched(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	items, err := db.FeedbackItems(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, it := range items {
		acct, rule, mrr := "-", "-", "-"
		if it.AccountID != nil {
			acct, rule = fmt.Sprint(*it.AccountID), it.MatchRule
		}
		if it.MRRAtReceipt != nil {
			mrr = fmt.Sprint(it.MRRAtReceipt.Minor)
		}
		out[it.SourceID] = acct + " " + rule + " " + mrr
	}
	return out
}
