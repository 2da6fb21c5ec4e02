package textproc

import "testing"

func TestLanguage(t *testing.T) {
	tests := map[string]string{
		"レポートをCSVで出力できるようにしてほしいです。":                            "ja",
		"CSV exportができないので困っています":                              "ja",
		"ｶﾀｶﾅだけのテキスト":                                          "ja",
		"We'd love to be able to export reports to CSV.":       "en",
		"Is there a way to sign in with SAML? 株式会社ABC商事 asks.": "en",
		"Great app": "en",
		"Nous aimerions exporter les rapports en CSV.": "other",
		"我们希望能够导出报表":                                   "other",
		"데이터를 내보내고 싶습니다":                               "other",
		"12345 !!!":                                    "und",
		"":                                             "und",
	}
	for in, want := range tests {
		if got := Language(in); got != want {
			t.Errorf("Language(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	tests := map[string]string{
		"<p>Hello&nbsp;<b>world</b></p><p>Second &amp; last</p>": "Hello world\n\nSecond & last",
		"<div>CSV出力<br>できません</div><script>alert(1)</script>":     "CSV出力\nできません",
		"plain   text\r\n\r\n\r\n\r\nmore":                       "plain text\n\nmore",
		"<style>p{}</style>x < y":                                "x < y",
	}
	for in, want := range tests {
		if got := HTMLToText(in); got != want {
			t.Errorf("HTMLToText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHTMLBombIsBounded(t *testing.T) {
	var b []byte
	for i := 0; i < 200000; i++ {
		b = append(b, "<div><span>"...)
	}
	b = append(b, "deep"...)
	if got := HTMLToText(string(b)); got != "deep" {
		t.Errorf("deep nesting: %q", got[:min(len(got), 50)])
	}
	long := make([]byte, 0, 3*MaxText)
	for len(long) < 3*MaxText {
		long = append(long, "<p>ab</p>"...)
	}
	if got := HTMLToText(string(long)); len(got) > MaxText+8 {
		t.Errorf("output %d bytes, want at most about %d", len(got), MaxText)
	}
}

func TestClip(t *testing.T) {
	if got := Clip("あいうえお", 7); got != "あ…" {
		t.Errorf("Clip = %q", got)
	}
}
