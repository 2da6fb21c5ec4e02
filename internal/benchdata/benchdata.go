// Package benchdata generates the large datasets the benchmarks load.
package benchdata

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/koehq/koe/feedback"
)

// texts are the voices' words, taken in turn (not from the random source, so the rest of the
// data stays what it was when the ranking figures were measured).
var texts = []string{
	"レポートをCSVで出力できるようにしてほしいです。毎月の締め作業で時間がかかっています。",
	"We'd love to be able to export reports to CSV. Our finance team asks for it every month.",
	"SAMLでシングルサインオンできないので困っています。情報システム部門の基準を満たせません。",
	"The mobile app logs me out every day, which is annoying.",
	"請求書をPDFでダウンロードできるようにしてください。",
	"Please add an API for bulk updates; we have thousands of records.",
}

// Big is a benchmark dataset: voices from accounts on requests (1,000,000 / 50,000 / 20,000 in
// the benchmarks), 70 % of the voices linked, popular requests getting more; seeded, so every
// run loads the same data.
func Big(voices, accounts, requests int) feedback.Dataset {
	r := rand.New(rand.NewPCG(3, 4))
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var ds feedback.Dataset
	plans := []string{"Starter", "Standard", "Business", "Enterprise"}
	for i := 1; i <= accounts; i++ {
		m := int64(10_000 + r.IntN(40_000))
		if r.IntN(20) == 0 {
			m = int64(500_000 + r.IntN(1_500_000))
		}
		emp := 5 + r.IntN(2000)
		lc := feedback.Customer
		if r.IntN(12) == 0 {
			lc = feedback.Prospect
		}
		risk := r.Float64()
		ds.Accounts = append(ds.Accounts, feedback.Account{ID: int64(i), Source: "bench", ExternalID: fmt.Sprint(i),
			Name: fmt.Sprintf("Company %d", i), NameKey: fmt.Sprintf("company%d", i), MRR: feedback.Money{Minor: m, Currency: "JPY"},
			Plan: plans[r.IntN(4)], Employees: &emp, Lifecycle: lc, ChurnRisk: &risk})
	}
	for i := 1; i <= requests; i++ {
		ds.Requests = append(ds.Requests, feedback.Request{ID: int64(i), Title: fmt.Sprintf("Request %d", i), Status: feedback.UnderReview,
			CreatedAt: now.AddDate(0, 0, -r.IntN(700))})
	}
	tags := []feedback.Tag{feedback.TagChurnRisk, feedback.TagExpansion, feedback.TagUsability, feedback.TagInternalEfficiency, feedback.TagNone}
	kinds := []feedback.SourceKind{feedback.SourceChat, feedback.SourceReview, feedback.SourceEmail}
	for i := 1; i <= voices; i++ {
		acct := int64(1 + r.IntN(accounts))
		mrr := ds.Accounts[acct-1].MRR.Minor
		it := feedback.Item{ID: int64(i), SourceKind: kinds[r.IntN(3)], SourceName: "bench", SourceID: fmt.Sprint(i),
			ReceivedAt: now.Add(-time.Duration(r.IntN(700*24)) * time.Hour), Body: texts[i%len(texts)], Language: []string{"ja", "en"}[r.IntN(2)],
			AccountID: &acct, MRRAtReceipt: &feedback.Money{Minor: mrr, Currency: "JPY"}, Status: feedback.StatusNew}
		if r.IntN(10) < 7 {
			req := int64(1 + int(float64(requests)*r.Float64()*r.Float64())) // popular requests get more
			it.RequestID, it.Tag, it.Status = &req, tags[r.IntN(len(tags))], feedback.StatusTriaged
		}
		ds.Items = append(ds.Items, it)
	}
	return ds
}

// PublicRequests are n public requests numbered from firstID, in turn under review, planned, in
// progress and shipped, with an English public title and description and a last change an hour
// apart (every third the same): the public roadmap at a real company's size.
func PublicRequests(n int, firstID int64) []feedback.Request {
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	statuses := []feedback.RequestStatus{feedback.UnderReview, feedback.Planned, feedback.InProgress, feedback.Shipped}
	out := make([]feedback.Request, 0, n)
	for i := range int64(n) {
		out = append(out, feedback.Request{ID: firstID + i, Title: fmt.Sprintf("internal %d", i), PublicTitle: fmt.Sprintf("Public request %d", i),
			PublicDescription: "What it does, for whom, and why it matters to them.", Status: statuses[i%4], Public: true,
			CreatedAt: base, StatusChangedAt: base.Add(time.Duration(i/3) * time.Hour)})
	}
	return out
}
