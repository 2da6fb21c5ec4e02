package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/benchdata"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
)

// BenchmarkVoiceLinks: where a ranking's reading goes, over 1,000,000 voices (50,000 accounts,
// 20,000 requests): the links from the summaries (unchanged, and after a voice was tagged), from
// every voice (the scan the summaries replaced), and the accounts and requests read beside them.
func BenchmarkVoiceLinks(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	start := time.Now()
	if err := db.ImportDataset(ctx, benchdata.Big(1_000_000, 50_000, 20_000)); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded 1,000,000 voices (and their summaries) in %s", time.Since(start).Round(time.Second))
	if err := db.Vacuum(ctx); err != nil {
		b.Fatal(err)
	}
	rates := feedback.Rates{Base: "JPY"}
	count := func(each func(context.Context, feedback.BacklogFilter, feedback.Rates, func(feedback.VoiceLink)) error, f feedback.BacklogFilter) int {
		n := 0
		if err := each(ctx, f, rates, func(feedback.VoiceLink) { n++ }); err != nil {
			b.Fatal(err)
		}
		return n
	}
	b.Logf("%d links from the summaries, %d from every voice", count(db.EachVoiceLink, feedback.BacklogFilter{}), count(db.EachVoiceLinkScan, feedback.BacklogFilter{}))
	// Where the rest of the time goes: a tag changed (the trigger works out one request ×
	// account again), the refresh's question, and the migration's backfill.
	for _, q := range []string{
		`UPDATE feedback SET tag = 'expansion' WHERE id = 2`,
		`SELECT request_id FROM backlog_link_requests WHERE changed_by >= pg_snapshot_xmin(pg_current_snapshot())`,
		`SELECT tbl, id FROM backlog_row_changes WHERE changed_by >= pg_snapshot_xmin(pg_current_snapshot())`,
		`SELECT DISTINCT ON (f.request_id, f.account_id, COALESCE(f.tag, ''), f.source_kind, f.language)
		       f.request_id, f.account_id, COALESCE(f.tag, ''), f.source_kind, f.language, f.received_at, f.mrr_at_receipt_minor
		FROM feedback f
		WHERE f.request_id IS NOT NULL AND f.account_id IS NOT NULL AND f.status NOT IN ('ignored', 'spam')
		ORDER BY f.request_id, f.account_id, COALESCE(f.tag, ''), f.source_kind, f.language, f.received_at DESC, f.id DESC`,
		// The backlog page's other questions: the plans, and the trends of the 50 shown.
		`SELECT min(plan) FROM accounts WHERE plan <> '' GROUP BY lower(plan) ORDER BY lower(plan)`,
		`SELECT request_id, floor(extract(epoch FROM now() - received_at) / 604800)::int AS ago, count(*) AS voices
		FROM feedback
		WHERE request_id = ANY('{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50}'::bigint[])
			AND received_at > now() - make_interval(weeks => 12) AND received_at <= now()
			AND status NOT IN ('ignored', 'spam')
		GROUP BY 1, 2`,
	} {
		plan, err := db.ExplainForTest(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%s\n%s", q, plan)
	}
	n := 0
	for _, c := range []struct {
		name string
		run  func()
	}{
		{"summaries", func() { count(db.EachVoiceLink, feedback.BacklogFilter{}) }},
		{"summaries-after-change", func() {
			n++
			tag := []feedback.Tag{feedback.TagChurnRisk, feedback.TagUsability}[n%2]
			if err := db.TagFeedback(ctx, 1, tag, store.Triager{Actor: "bench"}); err != nil {
				b.Fatal(err)
			}
			count(db.EachVoiceLink, feedback.BacklogFilter{})
		}},
		{"summaries-filtered", func() { count(db.EachVoiceLink, feedback.BacklogFilter{Tag: feedback.TagChurnRisk, Plan: "business"}) }},
		{"scan", func() { count(db.EachVoiceLinkScan, feedback.BacklogFilter{}) }},
		{"accounts", func() {
			if _, err := db.RankedAccounts(ctx, nil); err != nil {
				b.Fatal(err)
			}
		}},
		{"requests", func() {
			if _, err := db.RankedRequests(ctx); err != nil {
				b.Fatal(err)
			}
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.run()
			}
		})
	}
}
