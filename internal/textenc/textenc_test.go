package textenc

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"

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

// TestShiftJISYenSign: Japanese Excel and Windows write ¥ as 0x5C in Shift_JIS/CP932, which a
// Shift_JIS decoder reads as "\": voices read "月額が\120,000から". Before a digit it is ¥.
func TestShiftJISYenSign(t *testing.T) {
	text := "本文\n月額が\\120,000から\\1,250,000に\nC:\\temp は\\のまま\n"
	want := "本文\n月額が¥120,000から¥1,250,000に\nC:\\temp は\\のまま\n"
	sjis, _ := japanese.ShiftJIS.NewEncoder().String(text)
	if got, enc, err := Decode([]byte(sjis)); err != nil || enc != "Shift_JIS" || got != want {
		t.Errorf("Decode = %q, %s, %v; want %q", got, enc, err, want)
	}
	// A 0x5C at the end of one read must wait for the next byte.
	for name, r := range map[string]io.Reader{"whole": strings.NewReader(sjis), "byte by byte": iotest.OneByteReader(strings.NewReader(sjis))} {
		if b, err := io.ReadAll(NewReader(r, "Shift_JIS")); err != nil || string(b) != want {
			t.Errorf("NewReader (%s) = %q, %v; want %q", name, b, err, want)
		}
	}
	if got, _, _ := Decode([]byte("UTF-8 keeps \\120")); got != "UTF-8 keeps \\120" {
		t.Errorf("UTF-8 text changed: %q", got)
	}
}

// TestDecodeUTF16WithoutBOM: an accounts CSV saved as UTF-16 without a byte-order mark was
// refused as "not text in UTF-8, Shift_JIS or EUC-JP"; Decode reads it as Sniff does.
func TestDecodeUTF16WithoutBOM(t *testing.T) {
	text := "name,mrr\n株式会社ＡＢＣ,120000\n"
	var le, be []byte
	for _, r := range text { // all in the BMP
		le = append(le, byte(r), byte(r>>8))
		be = append(be, byte(r>>8), byte(r))
	}
	for name, b := range map[string][]byte{"UTF-16LE": le, "UTF-16BE": be} {
		if got, enc, err := Decode(b); err != nil || got != text || enc != name {
			t.Errorf("Decode(%s) = %q, %s, %v", name, got, enc, err)
		}
	}
}
