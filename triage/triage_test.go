package triage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/triage"
)

func open(t *testing.T) *store.DB {
	t.Helper()
	return storetest.Open(t)
}

var clock = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// smallSheet: request 1 asked by three ¥10,000 accounts, request 2 by three ¥1,000,000 ones (all
// churn risk); request 3 gets an English voice; request 4 is a duplicate of 1.
func smallSheet(t *testing.T, db *store.DB) {
	ds := feedback.Dataset{Requests: []feedback.Request{
		{ID: 1, Title: "レポートのCSV出力", Status: feedback.UnderReview, CreatedAt: clock.AddDate(0, -3, 0)},
		{ID: 2, Title: "SAMLでシングルサインオン", Status: feedback.Planned, CreatedAt: clock.AddDate(0, -2, 0)},
		{ID: 3, Title: "Dark mode", Status: feedback.UnderReview, CreatedAt: clock.AddDate(0, -1, 0)},
		{ID: 4, Title: "CSVエクスポート", Status: feedback.UnderReview, CreatedAt: clock.AddDate(0, -1, 0)},
	}}
	n := int64(0)
	add := func(acct, req int64, tag feedback.Tag, text, lang string, status feedback.Status) {
		n++
		it := feedback.Item{ID: n, SourceKind: feedback.SourceChat, SourceName: "t", SourceID: fmt.Sprint(n), ReceivedAt: clock.AddDate(0, 0, -int(n)),
			Body: text, Language: lang, Tag: tag, Status: status}
		if acct > 0 {
			a := acct
			it.AccountID = &a
			m := ds.Accounts[acct-1].MRR.Minor
			it.MRRAtReceipt = &feedback.Money{Minor: m, Currency: "JPY"}
		}
		if req > 0 {
			r := req
			it.RequestID = &r
		}
		ds.Items = append(ds.Items, it)
	}
	for i := int64(1); i <= 6; i++ {
		mrr, plan := int64(10_000), "Starter"
		if i > 3 {
			mrr, plan = 1_000_000, "Enterprise"
		}
		ds.Accounts = append(ds.Accounts, feedback.Account{ID: i, Source: "t", ExternalID: fmt.Sprint(i), Name: fmt.Sprintf("A%d", i),
			NameKey: fmt.Sprintf("a%d", i), MRR: feedback.Money{Minor: mrr, Currency: "JPY"}, Plan: plan, Lifecycle: feedback.Customer})
	}
	for i := int64(1); i <= 3; i++ {
		add(i, 1, feedback.TagChurnRisk, "CSVで出力したい", "ja", feedback.StatusTriaged)
		add(i+3, 2, feedback.TagChurnRisk, "SSOがないと困る", "ja", feedback.StatusTriaged)
	}
	add(1, 1, feedback.TagChurnRisk, "CSVで出力したい", "ja", feedback.StatusTriaged) // the same account again
	add(4, 3, feedback.TagUsability, "Please add dark mode", "en", feedback.StatusTriaged)
	add(5, 3, feedback.TagUsability, "spam", "en", feedback.StatusSpam) // does not count
	add(2, 0, feedback.TagNone, "レポートをCSVで出力できますか", "ja", feedback.StatusNew)
	add(0, 0, feedback.TagNone, "まったく新しい要望：請求書の英語対応", "ja", feedback.StatusNew)
	add(0, 0, feedback.TagNone, "請求書を英語で発行したい：英語対応", "ja", feedback.StatusNew)
	if err := db.ImportDataset(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
}

func TestRankFromTheDatabase(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	smallSheet(t, db)
	b, err := triage.Rank(ctx, db, triage.Query{}, scoring.DefaultWeights, clock, -1)
	if err != nil {
		t.Fatal(err)
	}
	got := b.Requests
	// ¥1,000,000 × 3 on churn risk; one ¥1,000,000 account on usability (its spam voice does not
	// count); ¥10,000 × 3 on churn risk (one of them twice, counted once); nothing.
	order := []int64{}
	for _, r := range got {
		order = append(order, r.RequestID)
	}
	if fmt.Sprint(order) != "[2 3 1 4]" || got[0].Accounts != 3 || got[1].Accounts != 1 || got[2].Accounts != 3 {
		t.Fatalf("ranking = %v", order)
	}
	if got[0].Breakdown[0].Reason != scoring.ReasonChurn || got[2].MRRTotal != 30_000 {
		t.Fatalf("working %+v, mrr total %d", got[0].Breakdown[0], got[2].MRRTotal)
	}
	for _, c := range []struct {
		name  string
		f     feedback.BacklogFilter
		first int64
		n     int
	}{
		{"plan", feedback.BacklogFilter{Plan: "Starter"}, 1, 1},
		{"plan in any case", feedback.BacklogFilter{Plan: "starter"}, 1, 1},
		{"band", feedback.BacklogFilter{MRRBand: "1M+"}, 2, 2},
		{"language", feedback.BacklogFilter{Language: "en"}, 3, 1},
		{"tag", feedback.BacklogFilter{Tag: feedback.TagUsability}, 3, 1},
	} {
		b, err := triage.Rank(ctx, db, triage.Query{Filter: c.f}, scoring.DefaultWeights, clock, 10)
		if got := b.Requests; err != nil || len(got) != c.n || got[0].RequestID != c.first {
			t.Errorf("%s: %+v %v", c.name, got, err)
		}
	}
	if _, err := triage.Rank(ctx, db, triage.Query{Filter: feedback.BacklogFilter{MRRBand: "huge"}}, scoring.DefaultWeights, clock, 0); feedback.ErrorCode(err) != feedback.EINVALID {
		t.Errorf("an unknown band: %v", err)
	}

	// Saved weights are used.
	w := scoring.DefaultWeights
	w.ChurnBase = 0.9
	if err := db.SaveSetting(ctx, triage.WeightsKey, w, "admin@example.com"); err != nil {
		t.Fatal(err)
	}
	if got, _ := triage.Weights(ctx, db); got.ChurnBase != 0.9 {
		t.Fatalf("saved weights not read back: %+v", got)
	}
}

// TestBacklogIsOpenRequestsByDefault: a shipped and a declined request leave the backlog unless
// asked for; asked for, they rank with the rest.
func TestBacklogIsOpenRequestsByDefault(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	smallSheet(t, db)
	shipped, declined := feedback.Shipped, feedback.Declined
	if err := db.UpdateRequest(ctx, 2, store.RequestEdit{Status: &shipped}, "po@koe.example"); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateRequest(ctx, 3, store.RequestEdit{Status: &declined}, "po@koe.example"); err != nil {
		t.Fatal(err)
	}
	ids := func(q triage.Query) string {
		b, err := triage.Rank(ctx, db, q, scoring.DefaultWeights, clock, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, r := range b.Requests {
			out = append(out, r.RequestID)
		}
		return fmt.Sprint(out)
	}
	for _, c := range []struct {
		name string
		q    triage.Query
		want string
	}{
		{"default", triage.Query{}, "[1 4]"},
		{"default, filtered", triage.Query{Filter: feedback.BacklogFilter{Tag: feedback.TagChurnRisk}}, "[1]"},
		{"all", triage.Query{Statuses: feedback.RequestStatuses}, "[2 3 1 4]"},
		{"shipped", triage.Query{Statuses: []feedback.RequestStatus{feedback.Shipped}}, "[2]"},
		{"shipped and declined, filtered", triage.Query{Statuses: []feedback.RequestStatus{feedback.Shipped, feedback.Declined},
			Filter: feedback.BacklogFilter{Language: "en"}}, "[3]"},
	} {
		if got := ids(c.q); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// TestRankConvertsWithStoredRates: a USD account counts at the stored rate; with no rate it is
// left out and named; an MRR band filter reads converted amounts.
func TestRankConvertsWithStoredRates(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	ds := feedback.Dataset{
		Requests: []feedback.Request{{ID: 1, Title: "yen", Status: feedback.UnderReview, CreatedAt: clock}, {ID: 2, Title: "dollars", Status: feedback.UnderReview, CreatedAt: clock}},
		Accounts: []feedback.Account{
			{ID: 1, Source: "t", ExternalID: "1", Name: "Yen", NameKey: "yen", MRR: feedback.Money{Minor: 100_000, Currency: "JPY"}, Lifecycle: feedback.Customer},
			{ID: 2, Source: "t", ExternalID: "2", Name: "Dollar", NameKey: "dollar", MRR: feedback.Money{Minor: 125_000, Currency: "USD"}, Lifecycle: feedback.Customer},
		},
	}
	for i, a := range []int64{1, 2} {
		acct, req := a, a
		ds.Items = append(ds.Items, feedback.Item{ID: int64(i + 1), SourceKind: feedback.SourceChat, SourceName: "t", SourceID: fmt.Sprint(i), ReceivedAt: clock,
			Body: "x", Language: "en", Tag: feedback.TagChurnRisk, Status: feedback.StatusTriaged, AccountID: &acct, RequestID: &req})
	}
	if err := db.ImportDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	b, err := triage.Rank(ctx, db, triage.Query{}, scoring.DefaultWeights, clock, -1)
	if err != nil {
		t.Fatal(err)
	}
	if b.Requests[0].RequestID != 1 || b.Requests[1].Score != 0 || len(b.Missing) != 1 || b.Missing[0].Currency != "USD" {
		t.Fatalf("without a rate: %+v, missing %+v; want the dollar account left out and named", b.Requests, b.Missing)
	}
	on := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	if err := db.SetRates(ctx, "JPY", []feedback.Rate{{Currency: "USD", Rate: 150.25, On: on}}, "po@koe.example"); err != nil {
		t.Fatal(err)
	}
	b, err = triage.Rank(ctx, db, triage.Query{}, scoring.DefaultWeights, clock, -1)
	if err != nil {
		t.Fatal(err)
	}
	if r := b.Requests[0]; r.RequestID != 2 || r.MRRTotal != 187_813 || len(b.Missing) != 0 || r.Breakdown[0].Rate == nil || r.Breakdown[0].Rate.Rate != 150.25 {
		t.Fatalf("with USD at 150.25: %+v, missing %+v", b.Requests, b.Missing)
	}
	// ¥187,813 is in the 50k-200k band, not in 1M+ (its 125,000 cents are not yen).
	for band, want := range map[string]string{"50k-200k": "[1 2]", "1M+": "[]", "200k-500k": "[]"} {
		b, err := triage.Rank(ctx, db, triage.Query{Filter: feedback.BacklogFilter{MRRBand: band}}, scoring.DefaultWeights, clock, 0)
		var ids []int64
		for _, r := range b.Requests {
			ids = append(ids, r.RequestID)
		}
		if err != nil || fmt.Sprint(ids) != want && !(want == "[1 2]" && fmt.Sprint(ids) == "[2 1]") {
			t.Errorf("band %s: %v %v, want %s", band, ids, err, want)
		}
	}
}

func TestSuggestionsClustersAndMerge(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	smallSheet(t, db)
	n, err := triage.SuggestNew(ctx, db, &triage.Live{}, time.Time{}, 0)
	if err != nil || n != 3 {
		t.Fatalf("suggested %d (%v), want the 3 new voices", n, err)
	}
	reqs, scores, err := db.Suggestions(ctx, 10) // "レポートをCSVで出力できますか"
	if err != nil || len(reqs) == 0 || reqs[0].ID != 1 || scores[0] < 0.3 {
		t.Fatalf("suggestions for the CSV voice = %+v %v %v", reqs, scores, err)
	}
	if n, _ := triage.SuggestNew(ctx, db, &triage.Live{}, time.Time{}, 0); n != 0 {
		t.Fatalf("a second pass suggested %d again", n)
	}
	clusters, err := triage.Clusters(ctx, db, 100, 0.2, 2)
	if err != nil || len(clusters) != 1 || len(clusters[0].Voices) != 2 {
		t.Fatalf("clusters = %+v %v, want the two voices about English invoices", clusters, err)
	}

	moved, err := db.MergeRequest(ctx, 1, 4, "po@example.com")
	if err != nil || moved != 4 {
		t.Fatalf("merge moved %d (%v), want 4", moved, err)
	}
	if _, err := db.MergeRequest(ctx, 1, 4, "po@example.com"); feedback.ErrorCode(err) != feedback.ECONFLICT {
		t.Fatalf("merging twice: %v", err)
	}
	got, _ := triage.Rank(ctx, db, triage.Query{Statuses: feedback.RequestStatuses}, scoring.DefaultWeights, clock, 0)
	for _, r := range got.Requests {
		if r.RequestID == 1 {
			t.Fatalf("a merged request is still ranked")
		}
		if r.RequestID == 4 && r.Accounts != 3 {
			t.Fatalf("the merge target has %d accounts, want the 3 it took over", r.Accounts)
		}
	}
}

// TestSuggestionsDoNotStallOnUnmatchedVoices: more voices that match no request than one pass
// takes, then one that matches: it gets its suggestions, and the unmatched are not read again.
func TestSuggestionsDoNotStallOnUnmatchedVoices(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	ds := feedback.Dataset{Requests: []feedback.Request{{ID: 1, Title: "CSV export of invoices", Status: feedback.Planned}}}
	for i := 1; i <= 2101; i++ {
		body := fmt.Sprintf("zzq%d wobble", i)
		if i == 2101 {
			body = "please add CSV export for invoices"
		}
		ds.Items = append(ds.Items, feedback.Item{ID: int64(i), SourceKind: feedback.SourceChat, SourceName: "t", SourceID: fmt.Sprint(i),
			ReceivedAt: time.Now(), Body: body, Status: feedback.StatusNew})
	}
	if err := db.ImportDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	if n, err := triage.SuggestNew(ctx, db, &triage.Live{}, time.Time{}, 0); err != nil || n != 2101 {
		t.Fatalf("first pass: %d %v", n, err)
	}
	if got, _, err := db.Suggestions(ctx, 2101); err != nil || len(got) == 0 || got[0].ID != 1 {
		t.Fatalf("the matching voice's suggestions: %v %v", got, err)
	}
	if n, err := triage.SuggestNew(ctx, db, &triage.Live{}, time.Time{}, 0); err != nil || n != 0 {
		t.Fatalf("second pass: %d %v", n, err)
	}
}
