package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/benchdata"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
)

// choicesData: plans in several cases, a USD account with a rate and an EUR one without, voices
// from three kinds of sources in three languages.
func choicesData() feedback.Dataset {
	emp := func(n int) *int { return &n }
	acct := func(id int64, plan string, lc feedback.Lifecycle, minor int64, cur string, employees *int) feedback.Account {
		return feedback.Account{ID: id, Source: "test", ExternalID: plan + string(rune('a'+id)), Name: "Company", NameKey: "company",
			MRR: feedback.Money{Minor: minor, Currency: cur}, Plan: plan, Lifecycle: lc, Employees: employees}
	}
	ds := feedback.Dataset{Accounts: []feedback.Account{
		acct(1, "Enterprise", feedback.Customer, 600_000, "JPY", emp(300)),
		acct(2, "enterprise", feedback.Customer, 30_000, "JPY", emp(10)),
		acct(3, "Enterprise", feedback.Prospect, 100_000, "USD", nil), // USD 1,000.00 ≈ ¥150,000
		acct(4, "Starter", feedback.Customer, 100_000, "EUR", emp(5)), // no rate: in no MRR band
		acct(5, "", feedback.Customer, 10_000, "JPY", nil),
	}}
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, v := range []struct {
		kind       feedback.SourceKind
		name, lang string
	}{{"chat", "intercom", "ja"}, {"review", "g2", "en"}, {"review", "app_store", "en"}, {"chat", "intercom", "ja"}, {"email", "support", "und"}} {
		ds.Items = append(ds.Items, feedback.Item{ID: int64(i + 1), SourceKind: v.kind, SourceName: v.name, SourceID: string(rune('a' + i)),
			ReceivedAt: at, Body: "voice", Language: v.lang, Status: feedback.StatusNew})
	}
	return ds
}

func TestBacklogChoices(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if err := db.ImportDataset(ctx, choicesData()); err != nil {
		t.Fatal(err)
	}
	rates := feedback.Rates{Base: "JPY", By: map[string]feedback.Rate{"USD": {Currency: "USD", Rate: 150}}}
	got, err := db.BacklogChoices(ctx, rates)
	if err != nil {
		t.Fatal(err)
	}
	want := store.BacklogChoices{
		Plans:         []store.Choice{{"Enterprise", 3}, {"Starter", 1}},
		Lifecycles:    []store.Choice{{"customer", 4}, {"prospect", 1}},
		MRRBands:      []store.Choice{{"<50k", 2}, {"50k-200k", 1}, {"500k-1M", 1}},
		EmployeeBands: []store.Choice{{"1-49", 2}, {"250-999", 1}},
		Sources: []store.SourceChoice{{Kind: "chat", Names: []string{"intercom"}}, {Kind: "review", Names: []string{"app_store", "g2"}},
			{Kind: "email", Names: []string{"support"}}},
		Languages: []store.Choice{{Value: "en"}, {Value: "ja"}, {Value: "und"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("choices\n got %+v\nwant %+v", got, want)
	}

	name := func(k string) string { return "--" + k }
	for _, c := range []struct {
		f    feedback.BacklogFilter
		fail string // a part of the error, "" for none
	}{
		{feedback.BacklogFilter{Plan: "ENTERPRISE"}, ""},
		{feedback.BacklogFilter{Plan: "Gold"}, `--plan "Gold": no account is on that plan; use Enterprise or Starter.`},
		{feedback.BacklogFilter{Language: "en"}, ""},
		{feedback.BacklogFilter{Language: "fr"}, `use en, ja or und.`},
		{feedback.BacklogFilter{Employees: "250-999"}, ""},
		{feedback.BacklogFilter{Employees: "10-20"}, `use 1-49, 50-249, 250-999 or 1000+.`},
	} {
		err := got.Check(c.f, name)
		if c.fail == "" && err != nil || c.fail != "" && (err == nil || !strings.Contains(err.Error(), c.fail)) {
			t.Errorf("Check(%+v) = %v, want %q", c.f, err, c.fail)
		}
		if c.fail != "" && feedback.ErrorCode(err) != feedback.EINVALID {
			t.Errorf("Check(%+v): code %q, want EINVALID", c.f, feedback.ErrorCode(err))
		}
	}
	if p := got.Canonical(feedback.BacklogFilter{Plan: "eNTERPRISE"}).Plan; p != "Enterprise" {
		t.Errorf("canonical plan %q, want Enterprise", p)
	}
}

// TestChoicesCache: the cache answers the same choices until the data changes, then reads them
// again.
func TestChoicesCache(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if err := db.ImportDataset(ctx, choicesData()); err != nil {
		t.Fatal(err)
	}
	var cache store.ChoicesCache
	rates := feedback.Rates{Base: "JPY"}
	plans := func() []store.Choice {
		t.Helper()
		c, err := cache.Get(ctx, db, rates)
		if err != nil {
			t.Fatal(err)
		}
		return c.Plans
	}
	if got := plans(); len(got) != 2 {
		t.Fatalf("plans %v", got)
	}
	if err := db.ImportDataset(ctx, feedback.Dataset{Accounts: []feedback.Account{{ID: 9, Source: "test", ExternalID: "9", Name: "New",
		NameKey: "new", MRR: feedback.Money{Minor: 1, Currency: "JPY"}, Plan: "Gold", Lifecycle: feedback.Customer}}}); err != nil {
		t.Fatal(err)
	}
	if got := plans(); len(got) != 3 || got[1].Value != "Gold" {
		t.Fatalf("after a new account on Gold: plans %v", got)
	}
}

func TestBacklogChoicesEmpty(t *testing.T) {
	got, err := storetest.Open(t).BacklogChoices(context.Background(), feedback.Rates{Base: "JPY"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, store.BacklogChoices{}) {
		t.Fatalf("choices of an empty database: %+v", got)
	}
	if err := got.Check(feedback.BacklogFilter{Plan: "Pro"}, func(k string) string { return k }); err == nil || !strings.Contains(err.Error(), "none yet") {
		t.Fatalf("check against no plans: %v", err)
	}
}

// BenchmarkBacklogChoices: the filters' choices over 1,000,000 voices and 50,000 accounts, read
// and through the cache.
func BenchmarkBacklogChoices(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	if err := db.ImportDataset(ctx, benchdata.Big(1_000_000, 50_000, 20_000)); err != nil {
		b.Fatal(err)
	}
	if err := db.Vacuum(ctx); err != nil {
		b.Fatal(err)
	}
	rates := feedback.Rates{Base: "JPY"}
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			c, err := db.BacklogChoices(ctx, rates)
			if err != nil || len(c.Plans) != 4 || len(c.Languages) != 2 || len(c.Sources) != 3 {
				b.Fatalf("%+v, %v", c, err)
			}
		}
	})
	// cached: what a page view pays while the data stays as it is.
	b.Run("cached", func(b *testing.B) {
		var cache store.ChoicesCache
		for b.Loop() {
			if c, err := cache.Get(ctx, db, rates); err != nil || len(c.Plans) != 4 {
				b.Fatalf("%+v, %v", c, err)
			}
		}
	})
}
