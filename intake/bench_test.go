package intake_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/internal/benchdata"
	"github.com/koehq/koe/internal/storetest"
)

// generated is a source of n voices in batches of 1,000, received over the last two years (an
// import of history) or all in the last day (recent).
type generated struct {
	name   string
	n      int
	recent bool
}

func (g generated) Kind() feedback.SourceKind { return feedback.SourceChat }
func (g generated) Name() string              { return g.name }
func (g generated) Pull(_ context.Context, _ string, emit func(ingest.Batch) error) error {
	words := []string{"CSVで出力したい", "export reports to CSV", "SAMLでシングルサインオン", "the mobile app logs me out", "請求書をPDFで", "bulk update API"}
	now := time.Now()
	var b ingest.Batch
	for i := range g.n {
		at := now.Add(-time.Duration(i%(2*365*24)) * time.Hour)
		if g.recent {
			at = now.Add(-time.Duration(i%1440) * time.Minute)
		}
		b.Records = append(b.Records, ingest.Record{Where: strconv.Itoa(i), Item: feedback.Item{SourceKind: feedback.SourceChat, SourceName: g.name,
			SourceID: strconv.Itoa(i), ReceivedAt: at, Body: fmt.Sprintf("%s (%d)", words[i%len(words)], i)}})
		if len(b.Records) == 1000 {
			if err := emit(b); err != nil {
				return err
			}
			b = ingest.Batch{}
		}
	}
	return emit(b)
}

// BenchmarkIngestWithRequests times a command's ingest (no Start: what `koe ingest` does) of
// KOE_BENCH_VOICES voices (20,000 by default; the issue measured 200,000) with 10,000 requests in
// the database, and reports how many got their suggestions before it returned.
func BenchmarkIngestWithRequests(b *testing.B) {
	n := 20_000
	if v, err := strconv.Atoi(os.Getenv("KOE_BENCH_VOICES")); err == nil {
		n = v
	}
	ctx := context.Background()
	db := storetest.Open(b)
	if err := db.ImportDataset(ctx, benchdata.Big(50_000, 1_000, 10_000)); err != nil {
		b.Fatal(err)
	}
	for _, recent := range []bool{false, true} {
		b.Run(fmt.Sprintf("recent=%v", recent), func(b *testing.B) {
			run := 0
			for b.Loop() {
				run++
				in := &intake.Service{DB: db}
				before, err := db.UnsuggestedVoices(ctx, time.Time{}, 10_000_000)
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				c, err := in.Ingest(ctx, generated{name: fmt.Sprintf("bench-%v-%d", recent, run), n: n, recent: recent}, intake.Run{SourceType: "bench"})
				if err != nil || c.New != n {
					b.Fatalf("%+v %v", c, err)
				}
				b.ReportMetric(time.Since(start).Seconds(), "s/import")
				left, err := db.UnsuggestedVoices(ctx, time.Time{}, 10_000_000)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(before)+n-len(left)), "suggested")
			}
		})
	}
}
