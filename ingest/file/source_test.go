package file_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/file"
	"github.com/koehq/koe/ingest/sourcetest"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func openDB(t *testing.T) *store.DB {
	t.Helper()
	return storetest.Open(t)
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t *testing.T, db *store.DB, src ingest.Source) (ingest.Counts, []string) {
	t.Helper()
	var problems []string
	p := &ingest.Pipeline{Store: db, Problem: func(pr ingest.Problem) { problems = append(problems, pr.String()) }}
	c, err := p.Run(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	return c, problems
}

func mapping(t *testing.T, preset, overrides string) file.Mapping {
	m, err := file.NewMapping(preset, overrides)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestJSONLIngestIsIdempotentAndEnriches(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if _, err := accounts.ImportCSV(ctx, db, "a.csv", strings.NewReader("external_id,name,mrr,domains\nA,株式会社ＡＢＣ商事,120000,abc.co.jp\nG,Globex Inc.,50000,globex.com\n"), accounts.Options{}); err != nil {
		t.Fatal(err)
	}
	path := write(t, "voices.jsonl", strings.Join([]string{
		`{"id":"c1","text":"<p>CSVで出力できないので<b>困っています</b></p>","email":"Taro@ABC.co.jp","date":"2026-11-01 10:00"}`,
		`{"id":"c2","text":"Love the app, but please add SSO!","email":"someone@gmail.com","company":"GLOBEX","date":"2026-11-02T10:00:00Z","rating":4}`,
		`not json`,
		`{"id":"c3","text":"   ","email":"x@y.z"}`,
		`{"id":"c4","text":"日付","date":"yesterday"}`,
		`{"text":"no id here","date":"2026-11-03"}`,
		`[1,2]`,
		``,
	}, "\n"))
	src := &file.Source{Path: path, Format: "jsonl", SourceKind: feedback.SourceChat, SourceName: "widget", Mapping: mapping(t, "", ""), Location: time.UTC}
	c, problems := run(t, db, src)
	if c.Read != 7 || c.New != 3 || c.Skipped != 1 || c.Failed != 3 {
		t.Fatalf("counts = %+v, problems %v", c, problems)
	}
	for i, want := range []string{"voices.jsonl:3: not valid JSON", "voices.jsonl:4: no text", "voices.jsonl:5: date \"yesterday\"", "voices.jsonl:7: not valid JSON"} {
		if !strings.Contains(problems[i], want) {
			t.Errorf("problem %d = %q, want %q", i, problems[i], want)
		}
	}
	c, _ = run(t, db, src)
	if c.New != 0 || c.Duplicate != 3 {
		t.Fatalf("rerun counts = %+v, want new=0 duplicate=3", c)
	}
	items, err := db.FeedbackItems(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]feedback.Item{}
	for _, it := range items {
		byID[it.SourceID] = it
	}
	c1 := byID["c1"]
	if c1.Body != "CSVで出力できないので困っています" || c1.Language != "ja" || c1.Sentiment == nil || *c1.Sentiment >= 0 {
		t.Errorf("c1 = body %q lang %s sentiment %v", c1.Body, c1.Language, c1.Sentiment)
	}
	if c1.AccountID == nil || c1.MatchRule != feedback.MatchDomain || c1.MRRAtReceipt == nil || c1.MRRAtReceipt.Minor != 120000 {
		t.Errorf("c1 match = %v %s %v", c1.AccountID, c1.MatchRule, c1.MRRAtReceipt)
	}
	c2 := byID["c2"]
	if c2.Language != "en" || c2.Rating == nil || *c2.Rating != 4 || c2.MatchRule != feedback.MatchCompany || c2.SourceKind != feedback.SourceChat || c2.SourceName != "widget" {
		t.Errorf("c2 = %+v", c2)
	}
}

func TestEditedVoiceKeepsTriage(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	path := write(t, "sheet.csv", "id,本文,要望,タグ,インサイト,対象者\n1,CSV出力がほしい,CSV出力,業務効率,月次資料を手で作っている,経理\n2,SSOがほしい,,,,\n")
	src := &file.Source{Path: path, Format: "csv", SourceKind: feedback.SourceSheet, SourceName: "old-sheet", Mapping: mapping(t, "", ""), Location: time.UTC}
	if c, p := run(t, db, src); c.New != 2 {
		t.Fatalf("counts = %+v %v", c, p)
	}
	items, _ := db.FeedbackItems(ctx, 10)
	it := items[0]
	if it.Status != feedback.StatusTriaged || it.RequestID == nil || it.Tag != feedback.TagInternalEfficiency || it.Insight != "月次資料を手で作っている" || it.WhoBenefits != "経理" {
		t.Fatalf("imported triage = %+v", it)
	}
	if items[1].Status != feedback.StatusNew {
		t.Fatalf("a row without triage columns was triaged: %+v", items[1])
	}
	reqs, _ := db.RankedRequests(ctx)
	if len(reqs) != 1 || reqs[0].Title != "CSV出力" {
		t.Fatalf("requests = %+v", reqs)
	}
	// The sheet's row 1 is edited at the source: the words change, the triage work stays.
	edited := write(t, "sheet.csv", "id,本文,要望,タグ,インサイト,対象者\n1,CSV出力が今月中にほしい,別の要望,使いやすさ,,\n2,SSOがほしい,,,,\n")
	src.Path = edited
	c, _ := run(t, db, src)
	if c.New != 0 || c.Updated != 1 || c.Duplicate != 1 {
		t.Fatalf("edit counts = %+v", c)
	}
	items, _ = db.FeedbackItems(ctx, 10)
	if items[0].Body != "CSV出力が今月中にほしい" || items[0].Tag != feedback.TagInternalEfficiency || *items[0].RequestID != *it.RequestID {
		t.Fatalf("after the edit = %+v", items[0])
	}
}

func TestITreviewPresetShiftJIS(t *testing.T) {
	db := openDB(t)
	tsv := "タイトル\t良いポイント\t改善してほしいポイント\t満足度\t投稿日\t会社名\n" +
		"使いやすい\t画面がシンプル\t①CSV出力を増やしてほしい\t★★★★☆\t2026/10/01\t髙橋工業株式会社\n" +
		"惜しい\tサポートが早い\t動作が重い\t2\t2026/10/02\t\n"
	sjis, err := japanese.ShiftJIS.NewEncoder().String(tsv)
	if err != nil {
		t.Fatal(err)
	}
	path := write(t, "itreview.tsv", sjis)
	src := &file.Source{Path: path, Format: "csv", SourceKind: feedback.SourceReview, SourceName: "itreview", Mapping: mapping(t, "itreview", ""), Location: time.UTC}
	c, problems := run(t, db, src)
	if c.New != 2 || len(problems) != 0 {
		t.Fatalf("counts = %+v, problems %v", c, problems)
	}
	items, _ := db.FeedbackItems(context.Background(), 10)
	it := items[0]
	if it.Body != "①CSV出力を増やしてほしい" || it.Context != "良いポイント: 画面がシンプル" || *it.Rating != 4 ||
		it.Title != "使いやすい" || it.CompanyName != "髙橋工業株式会社" || !strings.HasPrefix(it.SourceID, "h:") {
		t.Fatalf("review = %+v", it)
	}
	if c, _ := run(t, db, src); c.New != 0 || c.Duplicate != 2 {
		t.Fatalf("rerun = %+v", c)
	}
}

func TestBadInputCostsOnlyItself(t *testing.T) {
	db := openDB(t)
	big := strings.Repeat("あ", file.MaxLine/3+10)
	bomb := strings.Repeat("<div>", 100000) + "deep"
	path := write(t, "bad.jsonl", strings.Join([]string{
		`{"id":"ok1","text":"fine","date":"2026-01-01"}`,
		`{"id":"huge","text":"` + big + `"}`,
		`{"id":"bomb","text":"` + bomb + `","date":"2026-01-01"}`,
		`{"id":"ok2","text":"also fine","date":"2026-01-01"}`,
	}, "\n"))
	src := &file.Source{Path: path, Format: "jsonl", SourceKind: feedback.SourceChat, SourceName: "bad", Mapping: mapping(t, "", ""), Location: time.UTC}
	c, problems := run(t, db, src)
	if c.New != 3 || c.Failed != 1 || !strings.Contains(problems[0], "bad.jsonl:2: line longer than") {
		t.Fatalf("counts = %+v, problems %v", c, problems)
	}

	csvPath := write(t, "bad.csv", "id,text\n1,good\n2,he said \"hi\" badly\n3,a,b,c\n4,\xff\xfe bad bytes\n5,last good\n")
	src = &file.Source{Path: csvPath, Format: "csv", SourceKind: feedback.SourceChat, SourceName: "badcsv", Mapping: mapping(t, "", ""), Location: time.UTC}
	c, problems = run(t, db, src)
	if c.Read != 5 || c.New != 3 || c.Failed != 2 {
		t.Fatalf("csv counts = %+v, problems %v", c, problems)
	}
	for i, want := range []string{"bad.csv:3: not valid CSV", "bad.csv:4: has 4 columns", "bad.csv:5: bytes that are not UTF-8 text in text were replaced"} {
		if !strings.Contains(problems[i], want) {
			t.Errorf("problem %d = %q, want %q", i, problems[i], want)
		}
	}
}

// TestSameVoiceTwiceInABatch: the later row wins, its words and its triage together; and the
// problem and progress callbacks never run at once (they share a slice here, unlocked, under -race).
func TestSameVoiceTwiceInABatch(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	path := write(t, "sheet.csv", "id,本文,要望,タグ,インサイト,対象者\n1,最初の行,CSV出力,業務効率,最初,経理\n3,,,,,\n1,あとの行,SSO,使いやすさ,あと,情シス\n2,二件目,,,,\n")
	src := &file.Source{Path: path, Format: "csv", SourceKind: feedback.SourceSheet, SourceName: "dup", Mapping: mapping(t, "", ""), Location: time.UTC, BatchSize: 3}
	var events []string
	p := &ingest.Pipeline{Store: db,
		Problem:  func(pr ingest.Problem) { events = append(events, "problem") },
		Progress: func(c ingest.Counts) { events = append(events, "progress") }}
	if _, err := p.Run(ctx, src); err != nil {
		t.Fatal(err)
	}
	items, _ := db.FeedbackItems(ctx, 10)
	byID := map[string]feedback.Item{}
	for _, it := range items {
		byID[it.SourceID] = it
	}
	one := byID["1"]
	if one.Body != "あとの行" || one.Tag != feedback.TagUsability || one.Insight != "あと" || one.WhoBenefits != "情シス" {
		t.Fatalf("voice 1 = %+v", one)
	}
	if len(events) == 0 || !slices.Contains(events, "problem") {
		t.Fatalf("events = %v", events)
	}
}

// TestUnknownTagIsThatRecordsProblem: a tag is read by feedback.ParseTag (code, label in Japanese
// or English, or a word CS sheets use); one it does not know is reported as FILE:LINE: WHY, and the voice still
// lands, without a tag.
func TestUnknownTagIsThatRecordsProblem(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	path := write(t, "tags.csv", "id,本文,タグ\n1,解約を検討しています,解約リスク\n2,画面が見づらい,要確認\n3,追加で契約したい,expansion\n4,英語のラベル,Internal efficiency\n5,見づらい画面,UX\n")
	src := &file.Source{Path: path, Format: "csv", SourceKind: feedback.SourceSheet, SourceName: "tags", Mapping: mapping(t, "", ""), Location: time.UTC}
	var problems []string
	p := &ingest.Pipeline{Store: db, Problem: func(pr ingest.Problem) { problems = append(problems, pr.String()) }}
	c, err := p.Run(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if c.New != 5 || c.Failed != 0 || c.Skipped != 0 {
		t.Fatalf("counts = %+v, want 5 new and nothing failed or skipped", c)
	}
	if len(problems) != 1 || !strings.HasPrefix(problems[0], path+":3: \"要確認\" is not a tag") {
		t.Fatalf("problems = %q, want one for line 3's tag", problems)
	}
	items, _ := db.FeedbackItems(ctx, 10)
	got := map[string]feedback.Tag{}
	for _, it := range items {
		got[it.SourceID] = it.Tag
	}
	want := map[string]feedback.Tag{"1": feedback.TagChurnRisk, "2": feedback.TagNone, "3": feedback.TagExpansion, "4": feedback.TagInternalEfficiency, "5": feedback.TagUsability}
	for id, tag := range want {
		if got[id] != tag {
			t.Errorf("voice %s tag = %q, want %q", id, got[id], tag)
		}
	}
}

// TestBadBytesCostOnlyTheirRecord: an invalid UTF-8 byte or a NUL (a \u0000 escape in JSON, a NUL
// byte in a CSV cell) once made PostgreSQL refuse the whole batch. Now the record lands with the
// bytes replaced (U+FFFD) or dropped, the line is named as FILE:LINE, and a rerun adds nothing.
func TestBadBytesCostOnlyTheirRecord(t *testing.T) {
	db := openDB(t)
	jsonl := write(t, "bytes.jsonl", strings.Join([]string{
		`{"id":"g1","text":"fine","date":"2026-01-01"}`,
		`{"id":"nul","text":"CSV\u0000出力がほしい","name":"N\u0000ame","date":"2026-01-01"}`,
		"{\"id\":\"ff\",\"text\":\"bad \xff byte\",\"date\":\"2026-01-01\"}",
		`{"id":"esc","text":"a literal \\u0000 stays","date":"2026-01-01"}`,
		`{"id":"g2","text":"also fine","date":"2026-01-01"}`,
	}, "\n"))
	csvPath := write(t, "bytes.csv", "id,text,name\n1,good,A\n2,NUL\x00 in a cell,B\x00\n3,\xff bad byte,C\n4,last good,D\n")
	for _, tt := range []struct {
		path, format string
		new          int
		bad          []string
	}{
		{jsonl, "jsonl", 5, []string{"bytes.jsonl:2:", "bytes.jsonl:3:"}},
		{csvPath, "csv", 4, []string{"bytes.csv:3:", "bytes.csv:4:"}},
	} {
		t.Run(tt.format, func(t *testing.T) {
			src := &file.Source{Path: tt.path, Format: tt.format, SourceKind: feedback.SourceChat, SourceName: tt.format, Mapping: mapping(t, "", ""), Location: time.UTC}
			c, problems, err := sourcetest.Run(t, db, src)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if c.New != tt.new || c.Failed != 0 {
				t.Fatalf("counts = %+v, want new=%d failed=0; problems %q", c, tt.new, problems)
			}
			if got, want := len(problems), len(tt.bad); got != want {
				t.Fatalf("problems = %q, want %d", problems, want)
			}
			for i, want := range tt.bad {
				if !strings.HasPrefix(problems[i], tt.path[:len(tt.path)-len(filepath.Base(tt.path))]) || !strings.Contains(problems[i], want) {
					t.Errorf("problem %d = %q, want it to name %s", i, problems[i], want)
				}
			}
			if c, _, err := sourcetest.Run(t, db, src); err != nil || c.New != 0 || c.Duplicate != tt.new {
				t.Fatalf("rerun = %+v %v, want nothing new", c, err)
			}
		})
	}
	items := sourcetest.Items(t, db)
	if got, want := items["nul"].Body, "CSV出力がほしい"; got != want {
		t.Errorf("NUL voice body = %q, want %q", got, want)
	}
	if got, want := items["ff"].Body, "bad \uFFFD byte"; got != want {
		t.Errorf("0xFF voice body = %q, want %q", got, want)
	}
	if got, want := items["esc"].Body, `a literal \u0000 stays`; got != want {
		t.Errorf("escaped backslash voice body = %q, want %q", got, want)
	}
	if got, want := items["2"].Body, "NUL in a cell"; got != want {
		t.Errorf("CSV NUL body = %q, want %q", got, want)
	}
	if got, want := items["3"].Body, "\uFFFD bad byte"; got != want {
		t.Errorf("CSV 0xFF body = %q, want %q", got, want)
	}
}

// TestJSONLEncodings: a JSONL file with a UTF-8 byte-order mark lost its first line ("not valid
// JSON"), and a UTF-16 one (PowerShell's default for `>`) failed with no hint. JSONL is now read
// as CSV is, through the encoding it is in; UTF-16 without a byte-order mark too.
func TestJSONLEncodings(t *testing.T) {
	db := openDB(t)
	lines := `{"id":"1","text":"CSV出力がほしい","date":"2026-01-01"}` + "\r\n" + `{"id":"2","text":"SSO please","date":"2026-01-02"}` + "\r\n"
	utf16le := func(s string, bom bool) string {
		var b []byte
		if bom {
			b = append(b, 0xFF, 0xFE)
		}
		for _, r := range s { // every rune here is in the BMP
			b = append(b, byte(r), byte(r>>8))
		}
		return string(b)
	}
	for _, tt := range []struct{ name, content string }{
		{"utf-8 bom", "\xEF\xBB\xBF" + lines},
		{"utf-16 bom", utf16le(lines, true)},
		{"utf-16 without bom", utf16le(lines, false)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := write(t, "v.jsonl", tt.content)
			src := &file.Source{Path: path, Format: "jsonl", SourceKind: feedback.SourceChat, SourceName: tt.name, Mapping: mapping(t, "", ""), Location: time.UTC}
			c, problems, err := sourcetest.Run(t, db, src)
			if err != nil || c.New != 2 || len(problems) != 0 {
				t.Fatalf("counts %+v problems %q err %v", c, problems, err)
			}
		})
	}
	items := sourcetest.Items(t, db)
	if items["1"].Body != "CSV出力がほしい" {
		t.Fatalf("voice 1 = %q", items["1"].Body)
	}
}

// TestUnterminatedQuoteCostsOnlyItsLine: a cell that opens a quote and never closes it read the
// whole rest of the file as one cell; every later voice was lost behind one "not valid CSV". The
// broken line is reported, and reading resumes at the line after it.
func TestUnterminatedQuoteCostsOnlyItsLine(t *testing.T) {
	db := openDB(t)
	path := write(t, "quote.csv", "id,text\n1,good\n2,\"never closed\n3,after the break\n4,\"a real\nmultiline cell\"\n5,\"closes \"\"late\n6,\"x\"\n7,last\n")
	src := &file.Source{Path: path, Format: "csv", SourceKind: feedback.SourceChat, SourceName: "quote", Mapping: mapping(t, "", ""), Location: time.UTC}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil {
		t.Fatal(err)
	}
	items := sourcetest.Items(t, db)
	for _, id := range []string{"1", "3", "4", "7"} {
		if _, ok := items[id]; !ok {
			t.Errorf("voice %s lost; counts %+v problems %q", id, c, problems)
		}
	}
	if got := items["4"].Body; got != "a real\nmultiline cell" {
		t.Errorf("multiline cell = %q", got)
	}
	if len(problems) < 1 || !strings.Contains(problems[0], "quote.csv:3: ") {
		t.Fatalf("problems = %q, want line 3 named first", problems)
	}
}
