package accounts

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/koehq/koe/feedback"
)

const jaCSV = "顧客ID,会社名,ドメイン,月額,プラン,従業員数,ライフサイクル,更新日,解約リスク,担当者メール\n" +
	"C-001,株式会社ＡＢＣ商事,abc-shoji.co.jp,\"120,000\",Business,１２０名,契約中,2026/4/1,高,山田 太郎 <taro@abc-shoji.co.jp>;hanako@abc-shoji.co.jp\n" +
	"C-002,髙橋工業㈱,takahashi.co.jp,￥30000,Starter,15,見込み,,0.3,\n"

func TestParseCSVJapaneseHeadersAndEncodings(t *testing.T) {
	sjis, err := japanese.ShiftJIS.NewEncoder().String(jaCSV)
	if err != nil {
		t.Fatal(err)
	}
	// EUC-JP has neither ㈱ nor 髙 (Windows-31J extensions).
	euc, err := japanese.EUCJP.NewEncoder().String(strings.NewReplacer("㈱", "(株)", "髙", "高").Replace(jaCSV))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, data, enc string
	}{
		{"utf8", jaCSV, "UTF-8"},
		{"utf8 bom", "\xEF\xBB\xBF" + jaCSV, "UTF-8 (BOM)"},
		{"shift_jis", sjis, "Shift_JIS"},
		{"euc-jp", euc, "EUC-JP"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCSV("accounts.csv", strings.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if got.Encoding != tt.enc {
				t.Errorf("encoding = %s, want %s", got.Encoding, tt.enc)
			}
			if len(got.Problems) != 0 || len(got.Records) != 2 {
				t.Fatalf("records = %d, problems = %v", len(got.Records), got.Problems)
			}
			a := got.Records[0].Account
			if a.ExternalID != "C-001" || a.Name != "株式会社ＡＢＣ商事" || a.NameKey != "abc商事" || a.MRR.Minor != 120000 ||
				a.MRR.Currency != "JPY" || *a.Employees != 120 || a.Lifecycle != feedback.Customer || *a.ChurnRisk != 0.8 ||
				a.RenewalDate.Format("2006-01-02") != "2026-04-01" || a.Domains[0] != "abc-shoji.co.jp" {
				t.Errorf("first account = %+v", a)
			}
			if c := got.Records[0].Contacts; len(c) != 2 || c[0].Email != "taro@abc-shoji.co.jp" || c[0].Name != "山田 太郎" {
				t.Errorf("contacts = %+v", c)
			}
			b := got.Records[1].Account
			if !strings.Contains(b.Name, "橋工業") || b.NameKey != NameKey(b.Name) || b.Lifecycle != feedback.Prospect || b.MRR.Minor != 30000 {
				t.Errorf("second account = %+v", b)
			}
		})
	}
}

func TestParseCSVBadRowsAreSkippedWithLine(t *testing.T) {
	data := "external_id,name,mrr,currency,lifecycle,renewal_date\n" +
		"A1,Acme Inc.,1200.50,usd,customer,2026-01-31\n" +
		"A2,Bad MRR,twelve,JPY,customer,\n" +
		"A3,Bad Lifecycle,100,JPY,zombie,\n" +
		"A1,Duplicate,100,JPY,customer,\n" +
		"A5,Too,many,columns,here,x,y\n" +
		"A6,,100,JPY,customer,\n" +
		"A7,Bad date,100,JPY,customer,31/01/2026\n" +
		"\n" +
		"A8,Fine KK,5000,JPY,churned,\n"
	got, err := ParseCSV("in.csv", strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Records) != 2 || got.Records[0].Account.MRR.Minor != 120050 || got.Records[1].Account.ExternalID != "A8" {
		t.Fatalf("records = %+v", got.Records)
	}
	wantLines := []string{"in.csv:3: mrr", "in.csv:4: unknown lifecycle", "in.csv:5: duplicate external_id \"A1\" (first on line 2)",
		"in.csv:6: has 7 columns", "in.csv:7: no company name", "in.csv:8: renewal_date"}
	if len(got.Problems) != len(wantLines) {
		t.Fatalf("problems = %v", got.Problems)
	}
	for i, want := range wantLines {
		if !strings.HasPrefix(got.Problems[i].String(), want) {
			t.Errorf("problem %d = %q, want it to start %q", i, got.Problems[i], want)
		}
	}
	if got.Rows != 8 {
		t.Errorf("rows = %d, want 8", got.Rows)
	}
}

func TestParseCSVFileErrors(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"no name":   []byte("id,mrr\n1,100\n"),
		"not text":  {0x81, 0x20, 0xff, 0xfe, 0x00, 0x81},
		"dup alias": []byte("name,会社名\nx,y\n"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseCSV("x.csv", bytes.NewReader(data)); err == nil || !strings.HasPrefix(err.Error(), "x.csv") {
				t.Fatalf("err = %v, want one naming the file", err)
			}
		})
	}
}

func TestParseCSVTabsAndUnknownColumns(t *testing.T) {
	got, err := ParseCSV("x.tsv", strings.NewReader("name\tmrr\tnotes\nA\t100\thello\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Records) != 1 || got.Records[0].Account.ExternalID != "name:a" {
		t.Fatalf("records = %+v", got.Records)
	}
	if len(got.Problems) != 1 || !strings.Contains(got.Problems[0].Why, "notes") {
		t.Fatalf("problems = %v, want the unused column named", got.Problems)
	}
	if strings.Join(got.Fields, ",") != "name,mrr" && strings.Join(got.Fields, ",") != "mrr,name" {
		t.Fatalf("fields = %v", got.Fields)
	}
}

func TestParseValues(t *testing.T) {
	amounts := []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"¥1,200,000", "JPY", 1200000, true}, {"１２０００円", "JPY", 12000, true}, {"99.99", "USD", 9999, true},
		{"1.5", "JPY", 0, false}, {"-5", "JPY", 0, false}, {"", "JPY", 0, true}, {"abc", "USD", 0, false},
	}
	for _, a := range amounts {
		got, err := ParseAmount(a.in, a.cur)
		if (err == nil) != a.ok || got != a.want {
			t.Errorf("ParseAmount(%q, %s) = %d, %v", a.in, a.cur, got, err)
		}
	}
	for in, want := range map[string]float64{"0.25": 0.25, "80%": 0.8, "low": 0.2, "中": 0.5} {
		got, err := ParseChurnRisk(in)
		if err != nil || *got != want {
			t.Errorf("ParseChurnRisk(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseChurnRisk("1.5"); err == nil {
		t.Error("churn risk 1.5 accepted")
	}
	d, err := ParseDomains("https://www.Example.co.jp/about; foo.com")
	if err != nil || strings.Join(d, ",") != "example.co.jp,foo.com" {
		t.Errorf("ParseDomains = %v, %v", d, err)
	}
	if _, err := ParseDomains("not a domain"); err == nil {
		t.Error("bad domain accepted")
	}
	if l, err := ParseLifecycle("解約済み"); err != nil || l != feedback.Churned {
		t.Errorf("ParseLifecycle = %v, %v", l, err)
	}
	if dt, err := ParseDate("2026年4月1日"); err != nil || dt.Format("2006-01-02") != "2026-04-01" {
		t.Errorf("ParseDate = %v, %v", dt, err)
	}
}

// TestExcelYenSign: Japanese Excel writes ¥ as the byte 0x5C, which reads as a backslash;
// "\1,250,000" was refused as an amount and the biggest account was skipped.
func TestExcelYenSign(t *testing.T) {
	for in, want := range map[string]int64{`\1,250,000`: 1250000, `\ 120,000`: 120000, `＼98,000`: 98000, `JPY \5,000`: 5000} {
		if got, err := ParseAmount(in, "JPY"); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := ParseAmount(`12\34`, "JPY"); err == nil {
		t.Errorf(`ParseAmount("12\34") took a backslash that is no yen sign`)
	}
}
