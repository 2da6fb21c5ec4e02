package scoring

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

var fixture = []RequestText{
	{ID: "csv", Title: "レポートのCSV出力", Examples: []string{"レポートをCSVで出力したい", "Export reports to CSV please", "月次レポートをエクスポートできますか"}},
	{ID: "sso", Title: "SAML SSO", Examples: []string{"SAMLでシングルサインオンしたい", "We need single sign-on with Okta", "SSO対応の予定はありますか"}},
	{ID: "mobile", Title: "スマホでの承認", Examples: []string{"スマホから申請を承認したい", "Approve requests from my phone"}},
	{ID: "dark", Title: "Dark mode", Examples: []string{"Please add a dark theme", "ダークモードにしてほしい"}},
}

func TestSuggestJapaneseEnglishMixed(t *testing.T) {
	s := NewSuggester(fixture, nil)
	tests := map[string]string{
		"ＣＳＶでレポートを出力できるようにしてください":            "csv", // full width
		"exporting the reports as csv files": "csv", // stemming
		"Oktaでシングルサインオンできますか":                "sso", // mixed
		"シングルサインオン":                          "sso", // katakana
		"しんぐるさいんおん":                          "sso", // hiragana spelling of the same
		"approval on a phone":                "mobile",
		"ダークテーマ":                             "dark",
	}
	for text, want := range tests {
		got := s.Suggest(text, 3)
		if len(got) == 0 || got[0].RequestID != want {
			t.Errorf("Suggest(%q) = %+v, want %s first", text, got, want)
		}
	}
	if got := s.Suggest("全く関係のない天気の話", 3); len(got) > 0 && got[0].Score > 0.3 {
		t.Errorf("an unrelated voice scored %v", got[0].Score)
	}
}

func TestSimilarity(t *testing.T) {
	m := NewModel([]string{"レポートをCSVで出力したい", "SSOに対応してほしい", "ダークモード", "CSVエクスポート"})
	same := m.Similarity("レポートをCSVで出力したい", "レポートをCSVで出力したい")
	near := m.Similarity("レポートをCSVで出力したい", "CSVでレポートを出力してほしい")
	far := m.Similarity("レポートをCSVで出力したい", "ダークモードがほしい")
	if !(same > 0.99 && near > far && far < 0.3) {
		t.Fatalf("same %.3f near %.3f far %.3f", same, near, far)
	}
}

// BenchmarkSuggest20k times top-5 suggestions among 20,000 requests of 50 linked voices each
// (1,000,000 texts) and reports the index's memory.
func BenchmarkSuggest20k(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 30000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%dx", i)
	}
	jp := []rune("出力申請承認権限検索通知連携請求契約画面操作設定帳票管理部署表示速度削除復元一括編集")
	text := func() string {
		var sb strings.Builder
		for j := 0; j < 8; j++ {
			sb.WriteString(vocab[int(r.ExpFloat64()*3000)%len(vocab)] + " ")
		}
		for j := 0; j < 6; j++ {
			sb.WriteRune(jp[r.IntN(len(jp))])
		}
		return sb.String()
	}
	reqs := make([]RequestText, 20000)
	for i := range reqs {
		reqs[i] = RequestText{ID: fmt.Sprint(i), Title: text()}
		for j := 0; j < 50; j++ {
			reqs[i].Examples = append(reqs[i].Examples, text())
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := NewSuggester(reqs, nil)
	runtime.GC()
	runtime.ReadMemStats(&after)
	queries := make([]string, 100)
	for i := range queries {
		queries[i] = text()
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		s.Suggest(queries[i%len(queries)], 5)
		i++
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "index-MiB")
}

// TestNilSuggesterSuggestsNothing: with no request nothing is built, and callers may still ask.
func TestNilSuggesterSuggestsNothing(t *testing.T) {
	var s *Suggester
	if got := s.Suggest("CSV", 3); len(got) != 0 || s.Len() != 0 {
		t.Fatalf("nil suggester: %v, %d", got, s.Len())
	}
}

// TestLearn: a linked voice becomes an example of its request in place, a request first seen
// through a link is added, and suggestions may run while it learns.
func TestLearn(t *testing.T) {
	corpus := []string{"画面を黒くしてほしい", "夜に画面がまぶしい", "invoice PDF download", "請求書のPDF"}
	s := NewSuggester(fixture, corpus)
	if got := s.Suggest("夜に画面がまぶしい", 1); len(got) > 0 && got[0].RequestID == "dark" && got[0].Score >= NoMatchScore {
		t.Fatalf("before the link: %+v", got)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 200 {
			s.Suggest("夜に画面がまぶしい", 3)
		}
	}()
	s.Learn("dark", "", "夜に画面がまぶしいので黒くしてほしい")
	s.Learn("pdf", "請求書のPDF", "invoice PDF download")
	<-done
	if got := s.Suggest("夜に画面がまぶしい", 1); len(got) == 0 || got[0].RequestID != "dark" {
		t.Errorf("after the link: %+v, want dark", got)
	}
	if got := s.Suggest("請求書のPDFをダウンロード", 1); len(got) == 0 || got[0].RequestID != "pdf" || s.Len() != len(fixture)+1 {
		t.Errorf("a request first seen through a link: %+v (%d requests)", got, s.Len())
	}
}
