package textenc

import (
	"slices"
	"testing"
	"unicode/utf8"
)

func FuzzDecode(f *testing.F) {
	f.Add([]byte("会社名,本文\n"))
	f.Add([]byte{0x82, 0xa0, 0x0a, 0x87, 0x40})
	f.Add([]byte{0xFF, 0xFE, 'a', 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		text, enc, err := Decode(b)
		if err == nil && (!utf8.ValidString(text) || enc == "") {
			t.Fatalf("Decode gave %q in %q", text, enc)
		}
		// Sniff names one of the encodings NewReader reads (or fails).
		if enc, err := Sniff(b); err == nil && !slices.Contains([]string{"UTF-8", "UTF-8 (BOM)", "UTF-16", "UTF-16LE", "UTF-16BE", "Shift_JIS", "EUC-JP"}, enc) {
			t.Fatalf("Sniff named %q", enc)
		}
	})
}
