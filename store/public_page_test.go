package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// publicDataset is 100 requests, 95 of them public (every five share a last change: ties),
// three private and two declined, and voices from up to 7 companies on each.
func publicDataset() feedback.Dataset {
	var ds feedback.Dataset
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	statuses := []feedback.RequestStatus{feedback.UnderReview, feedback.Planned, feedback.InProgress, feedback.Shipped}
	for a := int64(1); a <= 7; a++ {
		ds.Accounts = append(ds.Accounts, feedback.Account{ID: a, Source: "test", ExternalID: fmt.Sprint(a), Name: fmt.Sprintf("Co %d", a),
			NameKey: fmt.Sprintf("co%d", a), MRR: feedback.Money{Minor: 1000, Currency: "JPY"}, Lifecycle: feedback.Customer})
	}
	item := int64(0)
	for i := int64(1); i <= 100; i++ {
		r := feedback.Request{ID: i, Title: fmt.Sprintf("internal %d", i), PublicTitle: fmt.Sprintf("Public request %d", i),
			PublicDescription: "説明", Status: statuses[i%4], Public: true, CreatedAt: base, StatusChangedAt: base.Add(time.Duration(i/5) * time.Hour)}
		switch {
		case i == 7:
			r.PublicTitle, r.PublicDescription = "請求書をPDFで出力", "月末に使います"
		case i == 8:
			r.PublicDescription = "Export to CSV, please"
		case i > 95 && i%2 == 0:
			r.Public = false
		case i > 95:
			r.Status = feedback.Declined
		}
		ds.Requests = append(ds.Requests, r)
		for a := int64(1); a <= i%8; a++ {
			item++
			acct, req := a, i
			ds.Items = append(ds.Items, feedback.Item{ID: item, SourceKind: feedback.SourceChat, SourceName: "test", SourceID: fmt.Sprint(item),
				ReceivedAt: base, Body: "voice", Language: "en", AccountID: &acct, RequestID: &req, Status: feedback.StatusTriaged})
		}
	}
	return ds
}

// walk reads every page of q, 10 at a time, and returns the ids in the order read.
func walk(t *testing.T, db *store.DB, q feedback.PublicQuery) ([]int64, []feedback.PublicRequest) {
	t.Helper()
	q.Limit = 10
	var ids []int64
	var all []feedback.PublicRequest
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("the pages do not end")
		}
		page, next, err := db.PublicRequestPage(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > q.Limit {
			t.Fatalf("a page of %d, want at most %d", len(page), q.Limit)
		}
		for _, r := range page {
			ids = append(ids, r.ID)
		}
		all = append(all, page...)
		if next == nil {
			return ids, all
		}
		q.After = next
	}
}

func TestPublicRequestPages(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if err := db.ImportDataset(ctx, publicDataset()); err != nil {
		t.Fatal(err)
	}
	whole, err := db.PublicRequests(ctx, "en", true)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(whole), 95; got != want { // 100 less three private, two declined
		t.Fatalf("public requests=%d, want %d", got, want)
	}
	for _, sort := range []feedback.PublicSort{feedback.PublicNewest, feedback.PublicAsked} {
		t.Run(string(sort), func(t *testing.T) {
			ids, reqs := walk(t, db, feedback.PublicQuery{Lang: "en", AskedBy: true, Sort: sort})
			seen := map[int64]int{}
			for _, id := range ids {
				seen[id]++
			}
			for _, r := range whole {
				if seen[r.ID] != 1 {
					t.Errorf("request %d read %d times, want once", r.ID, seen[r.ID])
				}
			}
			if got, want := len(ids), len(whole); got != want {
				t.Errorf("read %d, want %d", got, want)
			}
			for i := 1; i < len(reqs); i++ {
				a, b := reqs[i-1], reqs[i]
				if sort == feedback.PublicAsked && a.AskedBy < b.AskedBy || sort == feedback.PublicNewest && a.StatusChangedAt.Before(b.StatusChangedAt) {
					t.Fatalf("out of order at %d: %+v then %+v", i, a, b)
				}
			}
			if sort == feedback.PublicAsked && reqs[0].AskedBy != 7 {
				t.Errorf("first asked by %d, want 7", reqs[0].AskedBy)
			}
		})
	}
	t.Run("status", func(t *testing.T) {
		_, reqs := walk(t, db, feedback.PublicQuery{Lang: "en", Status: feedback.Planned})
		if got, want := len(reqs), 24; got != want {
			t.Errorf("planned=%d, want %d", got, want)
		}
		for _, r := range reqs {
			if r.Status != feedback.Planned || r.AskedBy != 0 {
				t.Errorf("%+v in the planned list (or with a count not asked for)", r)
			}
		}
	})
	for _, c := range []struct {
		q    string
		want []int64
	}{
		{"pdf", []int64{7}},           // any case
		{"ＰＤＦ", []int64{7}},           // any width
		{"請求書", []int64{7}},           // Japanese, in the title
		{"月末", []int64{7}},            // in the description
		{"export TO csv", []int64{8}}, // in the description, any case
		{"internal", nil},             // never the internal title
		{"nothing like it", nil},
	} {
		t.Run("search "+c.q, func(t *testing.T) {
			ids, _ := walk(t, db, feedback.PublicQuery{Lang: "ja", Search: c.q})
			if fmt.Sprint(ids) != fmt.Sprint(c.want) {
				t.Errorf("?q=%s: %v, want %v", c.q, ids, c.want)
			}
		})
	}
	t.Run("asked needs the counts shown", func(t *testing.T) {
		page, _, err := db.PublicRequestPage(ctx, feedback.PublicQuery{Lang: "en", Sort: feedback.PublicAsked, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if page[0].ID != whole[0].ID || page[0].AskedBy != 0 {
			t.Errorf("without counts, sorted by asked: %+v, want newest first without a count", page[0])
		}
	})
}
