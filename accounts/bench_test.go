package accounts_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/store"
)

// accountsCSV builds an n-row account CSV with Japanese headers, a domain and two contacts a row.
func accountsCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("顧客ID,会社名,ドメイン,月額,プラン,従業員数,ライフサイクル,更新日,解約リスク,担当者メール\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "C%06d,株式会社テスト%06d,t%06d.co.jp,%d,Standard,%d,契約中,2027-03-31,0.%d,a@t%06d.co.jp;b@t%06d.co.jp\n",
			i, i, i, 10000+i%990000, 10+i%500, i%10, i, i)
	}
	return b.Bytes()
}

// BenchmarkImportCSV50k imports a 50,000-row CSV into an empty database, then again unchanged.
func BenchmarkImportCSV50k(b *testing.B) {
	const rows = 50_000
	data := accountsCSV(rows)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db, err := store.Open(ctx, pgtest.URL(b), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		res, err := accounts.ImportCSV(ctx, db, "bench.csv", bytes.NewReader(data), accounts.Options{})
		if err != nil || res.Counts.New != rows {
			b.Fatalf("import: %+v, %v", res.Counts, err)
		}
		first := time.Since(start)
		start = time.Now()
		res, err = accounts.ImportCSV(ctx, db, "bench.csv", bytes.NewReader(data), accounts.Options{})
		if err != nil || res.Counts.Unchanged != rows {
			b.Fatalf("re-import: %+v, %v", res.Counts, err)
		}
		again := time.Since(start)
		b.ReportMetric(rows/first.Seconds(), "rows/s")
		b.ReportMetric(rows/again.Seconds(), "rows/s-unchanged")
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}
