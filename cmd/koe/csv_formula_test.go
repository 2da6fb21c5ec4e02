package main

import (
	"context"
	"encoding/csv"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/store"
)

// TestCSVExportsNeutraliseFormulas: no cell of `koe export feedback` or `koe rank --format csv`
// starts a formula, whichever column a customer's or a colleague's words land in.
func TestCSVExportsNeutraliseFormulas(t *testing.T) {
	dsn := pgtest.URL(t)
	env := []string{"DATABASE_URL=" + dsn}
	if _, errOut, code := koe(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acct, req, now := int64(1), int64(1), time.Now()
	mrr := feedback.Money{Minor: 500_000, Currency: "JPY"}
	if err := db.ImportDataset(ctx, feedback.Dataset{
		Accounts: []feedback.Account{{ID: 1, Source: "t", ExternalID: "1", Name: "@Acme", NameKey: "acme", MRR: mrr, Lifecycle: feedback.Customer}},
		Requests: []feedback.Request{{ID: 1, Title: `=HYPERLINK("http://evil.example","CSV")`, Status: feedback.UnderReview, CreatedAt: now, StatusChangedAt: now}},
		Items: []feedback.Item{{ID: 1, SourceKind: feedback.SourceChat, SourceName: "+widget", SourceID: "1", ReceivedAt: now,
			Body: "-1+1", URL: "=cmd|' /C calc'!A0", AccountID: &acct, RequestID: &req, Tag: feedback.TagChurnRisk,
			MRRAtReceipt: &mrr, Status: feedback.StatusTriaged}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"export", "feedback"}, {"rank", "--format", "csv"}} {
		out, errOut, code := koe(t, env, args...)
		if code != 0 {
			t.Fatalf("koe %s: %d %s", strings.Join(args, " "), code, errOut)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("koe %s: %d rows, %v\n%s", strings.Join(args, " "), len(rows), err, out)
		}
		for _, row := range rows[1:] {
			for i, cell := range row {
				if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) || strings.HasPrefix(cell, "-1+") {
					t.Errorf("koe %s: column %s starts a formula: %q", strings.Join(args, " "), rows[0][i], cell)
				}
			}
		}
	}
}
