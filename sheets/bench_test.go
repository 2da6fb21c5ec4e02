package sheets_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/koehq/koe/internal/benchdata"
	"github.com/koehq/koe/internal/sheetstest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/sheets"
)

// BenchmarkFeedbackSheetPush50k pushes 50,000 voices to an empty feedback sheet on a local Sheets
// server (loopback), then pushes again with nothing changed. The real API adds its own latency
// and quota (60 write requests a minute per user): 50,000 rows are 10 append requests.
func BenchmarkFeedbackSheetPush50k(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	if err := db.ImportDataset(ctx, benchdata.Big(50_000, 5_000, 1_000)); err != nil {
		b.Fatal(err)
	}
	srv := sheetstest.Start(b)
	c, err := sheets.New(ctx, sheetsOptions(srv)...)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	var rerun time.Duration
	for b.Loop() {
		n++
		id := fmt.Sprintf("fb-%d", n)
		srv.AddSpreadsheet(id, "Sheet1")
		f := &sheets.Feedback{Client: c, Store: db, SpreadsheetID: id, Tab: "Feedback", Lang: "en", BaseURL: "https://koe.example"}
		res, err := f.Push(ctx, false)
		if err != nil || res.Appended != 50_000 {
			b.Fatalf("%+v %v", res, err)
		}
		b.StopTimer()
		start := time.Now()
		if res, err := f.Push(ctx, false); err != nil || res.Appended+res.Updated != 0 {
			b.Fatalf("rerun: %+v %v", res, err)
		}
		rerun += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(rerun.Milliseconds())/float64(n), "rerun-ms")
}
