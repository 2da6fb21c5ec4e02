package file_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/config"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/file"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/slackbot"
	"github.com/koehq/koe/store"
)

// benchItems is the size of the ingest benchmark; KOE_BENCH_ITEMS overrides it.
func benchItems() int {
	if n, err := strconv.Atoi(os.Getenv("KOE_BENCH_ITEMS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

var benchTexts = []string{
	"レポートをCSVで出力できるようにしてほしいです。毎月の締め作業で時間がかかっています。",
	"We'd love to be able to export reports to CSV. Our finance team asks for it every month.",
	"SAMLでシングルサインオンできないので困っています。情報システム部門の基準を満たせません。",
	"Great product overall, but please let us set permissions per department.",
	"スマホから申請を承認できると助かります。外出の多い管理職の承認が止まってしまいます。",
}

// writeJSONL writes n voices, a third of them from known company domains.
func writeJSONL(tb testing.TB, n int) string {
	path := filepath.Join(tb.TempDir(), "voices.jsonl")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	enc := json.NewEncoder(w)
	for i := 0; i < n; i++ {
		email := fmt.Sprintf("user%d@gmail.com", i%5000)
		if i%3 == 0 {
			email = fmt.Sprintf("staff%d@c%d.co.jp", i%7, i%2000)
		}
		enc.Encode(map[string]any{"id": "v" + strconv.Itoa(i), "text": benchTexts[i%len(benchTexts)] + " #" + strconv.Itoa(i),
			"email": email, "date": base.Add(time.Duration(i) * time.Second).Format(time.RFC3339), "rating": i%5 + 1})
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return path
}

// BenchmarkIngestJSONL ingests a 1,000,000-voice JSON Lines file through the whole pipeline
// (parse, clean, language, sentiment, account match, staged upsert) and, on another empty
// database, COPYs the same rows straight into the feedback table; it reports both rates and their
// ratio (the goal is ≥ 0.5). The Slack rules run as in `koe ingest`: the file's voices are
// history (January 2026), so none is queued. KOE_BENCH_OUTBOX=all queues every one as if it had
// just arrived (the worst case); KOE_BENCH_OUTBOX=0 leaves the rules out.
func BenchmarkIngestJSONL(b *testing.B) {
	koe, err := config.Load(func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	bot := slackbot.NewConfig(koe)
	notify := bot.Messages
	switch os.Getenv("KOE_BENCH_OUTBOX") {
	case "all":
		bot.MaxAge = 100 * 365 * 24 * time.Hour
		notify = bot.Messages
	case "0":
		notify = nil
	}
	n := benchItems()
	path := writeJSONL(b, n)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		url := pgtest.URL(b)
		db, err := store.Open(ctx, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		var csv []byte
		csv = append(csv, "external_id,name,domains,mrr\n"...)
		for i := 0; i < 2000; i++ {
			csv = append(csv, fmt.Sprintf("c%d,Company %d,c%d.co.jp,%d\n", i, i, i, 10000+i)...)
		}
		if err := importAccounts(ctx, db, csv); err != nil {
			b.Fatal(err)
		}
		m, _ := file.NewMapping("", "")
		src := &file.Source{Path: path, Format: "jsonl", SourceKind: feedback.SourceChat, SourceName: "bench", Mapping: m, Location: time.UTC}
		b.StartTimer()
		start := time.Now()
		c, err := (&ingest.Pipeline{Store: db, Rules: notify}).Run(ctx, src)
		if err != nil || c.New != n {
			b.Fatalf("ingest: %+v %v", c, err)
		}
		pipeline := time.Since(start)
		b.StopTimer()
		db.Close()

		items := parseForCopy(b, path)
		raw := rawCopy(b, pgtest.URL(b), items)
		b.ReportMetric(float64(n)/pipeline.Seconds(), "ingest-items/s")
		b.ReportMetric(float64(n)/raw.Seconds(), "copy-items/s")
		b.ReportMetric(raw.Seconds()/pipeline.Seconds(), "ratio")
		b.StartTimer()
	}
}

type copyRow struct {
	id, text, email string
	at              time.Time
	rating          float64
	raw             string
}

func parseForCopy(tb testing.TB, path string) []copyRow {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var rows []copyRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v struct {
			ID, Text, Email, Date string
			Rating                float64
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			tb.Fatal(err)
		}
		at, _ := time.Parse(time.RFC3339, v.Date)
		rows = append(rows, copyRow{v.ID, v.Text, v.Email, at, v.Rating, sc.Text()})
	}
	return rows
}

// rawCopy is the yardstick: the same rows, already parsed, COPYed into feedback.
func rawCopy(tb testing.TB, url string, rows []copyRow) time.Duration {
	db, err := sql.Open("postgres", url)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	stmt, err := tx.Prepare("COPY feedback (source_kind, source_name, source_id, received_at, author_email, body, rating, raw) FROM STDIN")
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range rows {
		if _, err := stmt.Exec("chat", "bench", r.id, r.at, r.email, r.text, r.rating, r.raw); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := stmt.Exec(); err != nil {
		tb.Fatal(err)
	}
	stmt.Close()
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return time.Since(start)
}

func importAccounts(ctx context.Context, db *store.DB, csv []byte) error {
	_, err := accounts.ImportCSV(ctx, db, "accounts.csv", bytes.NewReader(csv), accounts.Options{})
	return err
}
