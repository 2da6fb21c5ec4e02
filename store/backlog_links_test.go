package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
)

// linkWorld is a small backlog that random changes are made to: two processes (replicas) on one
// database, the first making most changes, both ranking.
type linkWorld struct {
	t        *testing.T
	ctx      context.Context
	a, b     *store.DB
	r        *rand.Rand
	voices   int64 // ids 1..voices were created (some deleted since)
	accounts int64
	requests int64
	clock    time.Time // whole minutes; a voice's time has its id in microseconds: no two tie
}

var (
	linkTags  = []feedback.Tag{feedback.TagChurnRisk, feedback.TagExpansion, feedback.TagUsability, feedback.TagInternalEfficiency, feedback.TagNone}
	linkKinds = []feedback.SourceKind{feedback.SourceChat, feedback.SourceReview, feedback.SourceEmail}
	linkLangs = []string{"ja", "en", "und"}
	linkPlans = []string{"Business", "business", "Enterprise", ""}
)

func newLinkWorld(t *testing.T, seed uint64) *linkWorld {
	ctx := context.Background()
	url := pgtest.URL(t)
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	w := &linkWorld{t: t, ctx: ctx, a: dbs[0], b: dbs[1], r: rand.New(rand.NewPCG(seed, 17)), accounts: 8, requests: 6,
		clock: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	var ds feedback.Dataset
	for i := int64(1); i <= w.accounts; i++ {
		emp := int(w.r.IntN(2000))
		ds.Accounts = append(ds.Accounts, feedback.Account{ID: i, Source: "test", ExternalID: fmt.Sprint(i), Name: fmt.Sprintf("A%d", i),
			NameKey: fmt.Sprintf("a%d", i), MRR: feedback.Money{Minor: int64(10_000 + w.r.IntN(2_000_000)), Currency: []string{"JPY", "USD"}[w.r.IntN(2)]},
			Plan: linkPlans[w.r.IntN(len(linkPlans))], Employees: &emp, Lifecycle: []feedback.Lifecycle{feedback.Customer, feedback.Prospect, feedback.Churned}[w.r.IntN(3)]})
	}
	for i := int64(1); i <= w.requests; i++ {
		ds.Requests = append(ds.Requests, feedback.Request{ID: i, Title: fmt.Sprintf("R%d", i), Status: feedback.UnderReview, CreatedAt: w.clock})
	}
	for range 60 {
		ds.Items = append(ds.Items, w.item())
	}
	if err := w.a.ImportDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	if err := w.a.SetRates(ctx, "JPY", []feedback.Rate{{Currency: "USD", Rate: 150.25, On: w.clock}}, "test"); err != nil {
		t.Fatal(err)
	}
	return w
}

// item is a new voice, linked or not, with its own time.
func (w *linkWorld) item() feedback.Item {
	w.voices++
	w.clock = w.clock.Add(time.Duration(1+w.r.IntN(500)) * time.Minute)
	acct := 1 + w.r.Int64N(w.accounts)
	mrr := feedback.Money{Minor: int64(w.r.IntN(1_000_000)), Currency: "JPY"}
	it := feedback.Item{ID: w.voices, SourceKind: linkKinds[w.r.IntN(3)], SourceName: "test", SourceID: fmt.Sprint(w.voices),
		ReceivedAt: w.clock.Add(-time.Duration(w.r.IntN(2000))*time.Hour + time.Duration(w.voices)*time.Microsecond), Body: "voice", Language: linkLangs[w.r.IntN(3)],
		AccountID: &acct, MRRAtReceipt: &mrr, Status: feedback.StatusTriaged, Tag: linkTags[w.r.IntN(len(linkTags))]}
	if w.r.IntN(8) == 0 {
		it.MRRAtReceipt = nil
	}
	if w.r.IntN(10) < 8 {
		req := 1 + w.r.Int64N(w.requests)
		it.RequestID = &req
	}
	return it
}

// change makes one random change, through the store's methods or as another program would.
func (w *linkWorld) change() string {
	ctx, r := w.ctx, w.r
	v, req, acct := 1+r.Int64N(w.voices), 1+r.Int64N(w.requests), 1+r.Int64N(w.accounts)
	u := store.Triager{Actor: "test"}
	exec := func(q string, args ...any) {
		// A voice may not point at a deleted account or request: refused, nothing changed.
		if err := w.a.ExecForTest(ctx, q, args...); err != nil && !strings.Contains(err.Error(), "23503") {
			w.t.Fatalf("%s: %v", q, err)
		}
	}
	switch r.IntN(19) {
	case 0:
		_ = w.a.LinkFeedback(ctx, v, req, u) // refused for a deleted voice: no change
		return fmt.Sprintf("link %d to %d", v, req)
	case 1:
		exec(`UPDATE feedback SET request_id = NULL WHERE id = $1`, v)
		return fmt.Sprintf("unlink %d", v)
	case 2:
		tag := linkTags[r.IntN(4)]
		_ = w.a.TagFeedback(ctx, v, tag, u)
		return fmt.Sprintf("tag %d %s", v, tag)
	case 3:
		exec(`UPDATE feedback SET tag = NULL WHERE id = $1`, v)
		return fmt.Sprintf("untag %d", v)
	case 4:
		st := []string{"ignored", "spam", "triaged", "new"}[r.IntN(4)]
		exec(`UPDATE feedback SET status = $2 WHERE id = $1`, v, st)
		return fmt.Sprintf("status %d %s", v, st)
	case 5:
		into := 1 + r.Int64N(w.requests)
		_, _ = w.a.MergeRequest(ctx, req, into, "test") // refused when either was merged
		return fmt.Sprintf("merge %d into %d", req, into)
	case 6:
		exec(`UPDATE accounts SET mrr_minor = $2, currency = $3 WHERE id = $1`, acct, r.IntN(3_000_000), []string{"JPY", "USD", "EUR"}[r.IntN(3)])
		return fmt.Sprintf("account %d money", acct)
	case 7:
		exec(`UPDATE accounts SET plan = $2, lifecycle = $3 WHERE id = $1`, acct, linkPlans[r.IntN(len(linkPlans))], []string{"customer", "prospect", "churned"}[r.IntN(3)])
		return fmt.Sprintf("account %d plan", acct)
	case 8:
		exec(`DELETE FROM feedback WHERE id = $1`, v)
		return fmt.Sprintf("delete voice %d", v)
	case 9:
		it := w.item()
		exec(`INSERT INTO feedback (id, source_kind, source_name, source_id, received_at, body, language, account_id, mrr_at_receipt_minor, status, request_id, tag)
			VALUES ($1::bigint, $2, 'test', $1::bigint::text, $3, 'voice', $4, $5, $6, 'triaged', $7, NULLIF($8, ''))`,
			it.ID, string(it.SourceKind), it.ReceivedAt, it.Language, *it.AccountID, r.IntN(1_000_000), it.RequestID, string(it.Tag))
		return fmt.Sprintf("insert voice %d", it.ID)
	case 10:
		exec(`UPDATE feedback SET account_id = $2 WHERE id = $1`, v, acct)
		return fmt.Sprintf("move voice %d to account %d", v, acct)
	case 11:
		if r.IntN(4) == 0 { // rarely: everything they had goes
			exec(`DELETE FROM accounts WHERE id = $1`, acct)
			return fmt.Sprintf("delete account %d", acct)
		}
		exec(`DELETE FROM requests WHERE id = $1`, req)
		return fmt.Sprintf("delete request %d", req)
	case 12:
		w.clock = w.clock.Add(time.Minute)
		exec(`UPDATE feedback SET received_at = $2, mrr_at_receipt_minor = $3, source_kind = $4, language = $5 WHERE id = $1`,
			v, w.clock.Add(-time.Duration(r.IntN(3000))*time.Hour+time.Duration(v)*time.Microsecond), r.IntN(1_000_000), string(linkKinds[r.IntN(3)]), linkLangs[r.IntN(3)])
		return fmt.Sprintf("rewrite voice %d", v)
	case 13: // one statement, many voices
		exec(`UPDATE feedback SET tag = $2, request_id = COALESCE(request_id, $3) WHERE account_id = $1`, acct, string(linkTags[r.IntN(4)]), req)
		return fmt.Sprintf("retag account %d", acct)
	case 14: // several statements, one transaction, one request
		exec(fmt.Sprintf(`BEGIN; UPDATE feedback SET request_id = (SELECT id FROM requests WHERE id = %d) WHERE id = %d; UPDATE feedback SET status = 'ignored' WHERE id = %d; COMMIT`, req, v, 1+r.Int64N(w.voices)))
		return fmt.Sprintf("transaction on %d", req)
	case 15:
		exec(`UPDATE requests SET status = $2, title = $3 WHERE id = $1`, req, []string{"planned", "shipped", "declined", "under_review"}[r.IntN(4)], fmt.Sprintf("R%d'", r.IntN(100)))
		return fmt.Sprintf("request %d status", req)
	case 16:
		w.accounts++
		exec(`INSERT INTO accounts (id, external_id, name, name_key, mrr_minor, currency, plan) VALUES ($1, $1::bigint::text, 'new', 'new', $2, 'EUR', 'Business')`, w.accounts, r.IntN(1_000_000))
		return fmt.Sprintf("new account %d", w.accounts)
	case 17:
		w.requests++
		exec(`INSERT INTO requests (id, title) VALUES ($1, 'new')`, w.requests)
		return fmt.Sprintf("new request %d", w.requests)
	default:
		exec(`UPDATE feedback SET insight = 'noted' WHERE id = $1`, v) // changes nothing that ranks
		return fmt.Sprintf("note %d", v)
	}
}

// links are a filter's links, sorted.
func links(t *testing.T, each func(context.Context, feedback.BacklogFilter, feedback.Rates, func(feedback.VoiceLink)) error, f feedback.BacklogFilter, rates feedback.Rates) []feedback.VoiceLink {
	t.Helper()
	var out []feedback.VoiceLink
	if err := each(context.Background(), f, rates, func(l feedback.VoiceLink) {
		l.LastAt = l.LastAt.UTC()
		out = append(out, l)
	}); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b feedback.VoiceLink) int {
		if a.RequestID != b.RequestID {
			return int(a.RequestID - b.RequestID)
		}
		if a.AccountID != b.AccountID {
			return int(a.AccountID - b.AccountID)
		}
		return cmpString(string(a.Tag), string(b.Tag))
	})
	return out
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// check compares, for several filters, the links and the ranking from each process's summaries
// with those worked out from every voice.
func (w *linkWorld) check(step int, what string) {
	t, ctx := w.t, w.ctx
	rates, err := w.a.Rates(ctx, "JPY")
	if err != nil {
		t.Fatal(err)
	}
	from := w.clock.Add(-800 * time.Hour)
	filters := []feedback.BacklogFilter{
		{},
		{Tag: feedback.TagChurnRisk},
		{SourceKind: feedback.SourceReview},
		{Language: "ja", Tag: feedback.TagExpansion},
		{From: &from},
		{Plan: "BUSINESS"},
		{Lifecycle: feedback.Prospect, SourceKind: feedback.SourceChat},
		{MRRBand: "200k-500k"},
		{Employees: "250-999", From: &from, Language: "en"},
		{Language: "fr"},
	}
	accounts, reqs, err := w.a.RankedFromScratch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, db := range []*store.DB{w.a, w.b} {
		got, err := db.RankedAccounts(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, accounts) {
			t.Fatalf("step %d (%s), process %d: accounts in memory\n got %v\nwant %v", step, what, i, got, accounts)
		}
		gotReqs, err := db.RankedRequests(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gotReqs, reqs) {
			t.Fatalf("step %d (%s), process %d: requests in memory\n got %v\nwant %v", step, what, i, gotReqs, reqs)
		}
	}
	now := w.clock
	for _, f := range filters {
		want := links(t, w.a.EachVoiceLinkScan, f, rates)
		for i, db := range []*store.DB{w.a, w.b} {
			got := links(t, db.EachVoiceLink, f, rates)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("step %d (%s), process %d, filter %+v:\n got %v\nwant %v", step, what, i, f, got, want)
			}
			gotAccounts, _ := db.RankedAccounts(ctx, nil)
			gotReqs, _ := db.RankedRequests(ctx)
			rankGot := scoring.RankRequests(gotReqs, got, gotAccounts, rates, scoring.DefaultWeights, now)
			rankWant := scoring.RankRequests(reqs, want, accounts, rates, scoring.DefaultWeights, now)
			scoring.Release(rankGot)
			scoring.Release(rankWant)
			if !reflect.DeepEqual(rankGot, rankWant) {
				t.Fatalf("step %d (%s), process %d, filter %+v: rankings differ", step, what, i, f)
			}
		}
	}
}

// TestSummariesFollowChanges: after every random change (links, tags, statuses, merges, account
// money and plans, deletes, bulk statements and transactions, made by one process or as psql
// would), both processes' summaries give the links and ranking that every voice gives.
func TestSummariesFollowChanges(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			w := newLinkWorld(t, seed)
			w.check(0, "import")
			for step := 1; step <= 150; step++ {
				what := w.change()
				if step%3 == 0 || step > 140 { // some views see several changes at once
					w.check(step, what)
				}
			}
		})
	}
}

// TestSummariesUnderConcurrentChanges: two processes change the same requests' voices at once;
// afterwards the summaries are those of the voices.
func TestSummariesUnderConcurrentChanges(t *testing.T) {
	w := newLinkWorld(t, 9)
	w.check(0, "import")
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := []*store.DB{w.a, w.b}[g%2]
			r := rand.New(rand.NewPCG(uint64(g), 3))
			for range 40 {
				v, req := 1+r.Int64N(w.voices), 1+r.Int64N(2) // two requests: many collisions
				var err error
				switch r.IntN(3) {
				case 0:
					err = db.LinkFeedback(w.ctx, v, req, store.Triager{Actor: "test"})
				case 1:
					err = db.TagFeedback(w.ctx, v, linkTags[r.IntN(4)], store.Triager{Actor: "test"})
				default:
					err = db.ExecForTest(w.ctx, `UPDATE feedback SET received_at = received_at + interval '1 hour' * $2 WHERE id = $1`, v, r.IntN(200)-100)
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
		// Views while it happens keep both caches moving.
		_, _ = w.b.VoiceLinks(w.ctx, feedback.BacklogFilter{}, feedback.Rates{Base: "JPY"})
	}
	wg.Wait()
	w.check(1, "concurrent changes")
}

// TestPlansOnceWhateverTheirCase: the plan filter's choices, each plan once whatever its case,
// in alphabetical order, without the empty plan.
func TestPlansOnceWhateverTheirCase(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	var ds feedback.Dataset
	for i, plan := range []string{"Business", "BUSINESS", "enterprise", "", "Starter", "business"} {
		id := int64(i + 1)
		ds.Accounts = append(ds.Accounts, feedback.Account{ID: id, Source: "test", ExternalID: fmt.Sprint(id), Name: fmt.Sprintf("A%d", id),
			NameKey: fmt.Sprintf("a%d", id), MRR: feedback.Money{Currency: "JPY"}, Plan: plan, Lifecycle: feedback.Customer})
	}
	if err := db.ImportDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	got, err := db.Plans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"business", "enterprise", "starter"}
	if len(got) != len(want) {
		t.Fatalf("plans = %q, want one of each of %q", got, want)
	}
	for i := range got {
		if !strings.EqualFold(got[i], want[i]) {
			t.Fatalf("plans = %q, want one of each of %q in that order", got, want)
		}
	}
}
