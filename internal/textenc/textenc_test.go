package textenc

import (
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

func TestDecodeAndSniff(t *testing.T) {
	text := "会社名,本文\n株式会社ＡＢＣ,①髙橋さんのご要望です\n"
	sjis, _ := japanese.ShiftJIS.NewEncoder().String(text)
	euc, _ := japanese.EUCJP.NewEncoder().String("会社名,本文\n株式会社ＡＢＣ,高橋さんのご要望です\n")
	for _, tt := range []struct{ in, enc string }{
		{text, "UTF-8"}, {"\xEF\xBB\xBF" + text, "UTF-8 (BOM)"}, {sjis, "Shift_JIS"}, {euc, "EUC-JP"},
	} {
		got, enc, err := Decode([]byte(tt.in))
		if err != nil || enc != tt.enc || !strings.Contains(got, "株式会社ＡＢＣ") {
			t.Errorf("Decode(%s) = %q, %s, %v", tt.enc, got, enc, err)
		}
		sniffed, err := Sniff([]byte(tt.in)[:len(tt.in)-3]) // cut mid-character
		if err != nil || sniffed != tt.enc {
			t.Errorf("Sniff(%s) = %s, %v", tt.enc, sniffed, err)
		}
		b, _ := io.ReadAll(NewReader(strings.NewReader(tt.in), sniffed))
		if !strings.HasPrefix(string(b), "会社名,本文") {
			t.Errorf("NewReader(%s) = %q", tt.enc, b)
		}
	}
	if _, _, err := Decode([]byte{'a', '\n', 0x81, 0x20, 0xff}); err == nil || !strings.HasPrefix(err.Error(), "line 2") {
		t.Errorf("garbage: err = %v, want it to name line 2", err)
	}
}
