package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSuggestInWords: each suggestion carries its strength as a code for programs, and --format
// text says it in the reader's language, with "no good match" for a voice that fits no request.
func TestSuggestInWords(t *testing.T) {
	dir := t.TempDir()
	reqs := filepath.Join(dir, "r.jsonl")
	fb := filepath.Join(dir, "f.jsonl")
	os.WriteFile(reqs, []byte(`{"id":1,"title":"CSV出力","examples":["レポートをCSVで出力したい","CSVでエクスポートしたい"]}`+"\n"+
		`{"id":"sso","title":"SAML SSO","examples":["SSOしたい","single sign-on please"]}`+"\n"), 0o644)
	os.WriteFile(fb, []byte(`{"id":"a","text":"レポートをCSVでエクスポートしたい"}`+"\n"+`{"id":7,"text":"天気の話"}`+"\n"), 0o644)
	out, errOut, code := koe(t, nil, "suggest", "--requests", reqs, "--feedback", fb, "--top", "1")
	if code != 0 || !strings.Contains(out, `"strength":"strong"`) {
		t.Fatalf("suggest: %d %q %q", code, out, errOut)
	}
	for _, c := range []struct{ lang, strong, none string }{
		{"ja_JP.UTF-8", "a: #1 CSV出力 — ほぼ確実", "7: 該当なし（新しいリクエスト？）"},
		{"en_US.UTF-8", "a: #1 CSV出力 — strong match", "7: no good match — new request?"},
	} {
		out, errOut, code := koe(t, []string{"LANG=" + c.lang}, "suggest", "--requests", reqs, "--feedback", fb, "--format", "text")
		if code != 0 || !strings.Contains(out, c.strong) || !strings.Contains(out, c.none) {
			t.Errorf("%s: %d %q %q, want %q and %q", c.lang, code, out, errOut, c.strong, c.none)
		}
	}
}
