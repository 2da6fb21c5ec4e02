// Package textenc turns the bytes of a file people exported (Excel, a CRM, a mail client) into
// UTF-8 text, detecting the encoding rather than guessing: UTF-8 with or without BOM, UTF-16 with
// or without BOM (PowerShell's and Excel's "Unicode text"), Shift_JIS (Windows-31J, with ① ㈱ 髙,
// and 0x5C before a digit read as ¥) and EUC-JP.
package textenc

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	unicodeenc "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Decode returns b as UTF-8 text and the name of the encoding it was in. It fails, naming the
// line, when b is not text in any of the encodings it knows.
func Decode(b []byte) (text, enc string, err error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
		if !utf8.Valid(b) {
			return "", "", fmt.Errorf("line %d: starts with a UTF-8 byte-order mark but is not valid UTF-8: save it again as UTF-8", badLine(b))
		}
		return string(b), "UTF-8 (BOM)", nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		out, err := unicodeenc.UTF16(unicodeenc.LittleEndian, unicodeenc.UseBOM).NewDecoder().Bytes(b)
		if err != nil {
			return "", "", fmt.Errorf("not valid UTF-16: %w", err)
		}
		return string(out), "UTF-16", nil
	case utf16NoBOM(b) != "":
		enc := utf16NoBOM(b)
		order := unicodeenc.LittleEndian
		if enc == "UTF-16BE" {
			order = unicodeenc.BigEndian
		}
		out, err := unicodeenc.UTF16(order, unicodeenc.IgnoreBOM).NewDecoder().Bytes(b)
		if err != nil {
			return "", "", fmt.Errorf("not valid UTF-16: %w", err)
		}
		return string(out), enc, nil
	case utf8.Valid(b):
		return string(b), "UTF-8", nil
	}
	// Not UTF-8: a legacy Japanese encoding. Both decoders turn invalid bytes into U+FFFD, so the
	// one that needs no replacement — and reads as more Japanese — wins.
	type cand struct {
		name  string
		enc   encoding.Encoding
		text  string
		bad   int
		score int
	}
	var best *cand
	for _, c := range []cand{{name: "Shift_JIS", enc: japanese.ShiftJIS}, {name: "EUC-JP", enc: japanese.EUCJP}} {
		out, err := c.enc.NewDecoder().Bytes(b)
		if err != nil {
			continue
		}
		c.text = string(out)
		c.bad = strings.Count(c.text, "\uFFFD")
		c.score = japaneseScore(c.text)
		if best == nil || c.bad < best.bad || (c.bad == best.bad && c.score > best.score) {
			cc := c
			best = &cc
		}
	}
	if best == nil || best.bad > 0 {
		return "", "", fmt.Errorf("line %d: not text in UTF-8, Shift_JIS or EUC-JP: save the file as UTF-8 (CSV UTF-8 in Excel) and try again", badLine(b))
	}
	if best.name == "Shift_JIS" {
		best.text = YenSign(best.text)
	}
	return best.text, best.name, nil
}

// japaneseScore counts common Japanese letters and penalises half-width katakana and unusual
// symbols, which a wrong decoding of the other encoding produces.
func japaneseScore(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Hiragana), r >= 0x30A0 && r <= 0x30FF, unicode.In(r, unicode.Han):
			n++
		case r >= 0xFF61 && r <= 0xFF9F:
			n -= 2
		case r > 0x7F && !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsPunct(r) && !unicode.IsSpace(r):
			n -= 2
		}
	}
	return n
}

// badLine returns the 1-based line of the first byte that is not valid UTF-8.
func badLine(b []byte) int {
	line := 1
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		b = b[size:]
	}
	return line
}

// Sniff names the encoding of a file from its first bytes (pass a generous prefix, say 1 MB):
// "UTF-8", "UTF-8 (BOM)", "UTF-16" (with a byte-order mark), "UTF-16LE" or "UTF-16BE" (without
// one), "Shift_JIS" or "EUC-JP". Unlike Decode it tolerates a few
// damaged lines: it picks the encoding under which the fewest lines are broken, so that a UTF-8
// export with one bad line is read as UTF-8 and only that line is refused.
func Sniff(prefix []byte) (string, error) {
	if bytes.HasPrefix(prefix, []byte{0xFF, 0xFE}) || bytes.HasPrefix(prefix, []byte{0xFE, 0xFF}) {
		return "UTF-16", nil
	}
	if enc := utf16NoBOM(prefix); enc != "" {
		return enc, nil
	}
	utf8Name := "UTF-8"
	if bytes.HasPrefix(prefix, []byte{0xEF, 0xBB, 0xBF}) {
		utf8Name = "UTF-8 (BOM)"
	}
	// Judge whole lines only: the prefix may end inside a character.
	if i := bytes.LastIndexByte(prefix, '\n'); i > 0 {
		prefix = prefix[:i+1]
	}
	if utf8.Valid(prefix) {
		return utf8Name, nil
	}
	best, bestBad := utf8Name, badLines(prefix, func(l []byte) bool { return !utf8.Valid(l) })
	for name, enc := range map[string]encoding.Encoding{"Shift_JIS": japanese.ShiftJIS, "EUC-JP": japanese.EUCJP} {
		out, err := enc.NewDecoder().Bytes(prefix)
		if err != nil {
			continue
		}
		bad := badLines(out, func(l []byte) bool { return bytes.Contains(l, []byte("\uFFFD")) })
		if bad < bestBad || bad == bestBad && best != utf8Name && name == "Shift_JIS" {
			best, bestBad = name, bad
		}
	}
	if bestBad*2 > bytes.Count(prefix, []byte("\n"))+1 {
		return "", fmt.Errorf("line %d: not text in UTF-8, Shift_JIS or EUC-JP: save the file as UTF-8 (CSV UTF-8 in Excel) and try again", badLine(prefix))
	}
	return best, nil
}

// utf16NoBOM names UTF-16 written without a byte-order mark, "UTF-16LE" or "UTF-16BE", by its
// zero bytes: text in Latin letters and digits (CSV headers, JSON keys) has one in every other
// byte, on one side. Text in UTF-8 or a legacy encoding has none.
func utf16NoBOM(prefix []byte) string {
	prefix = prefix[:min(len(prefix), 4096)]
	if len(prefix) < 4 {
		return ""
	}
	var even, odd int
	for i, c := range prefix {
		if c == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	half := len(prefix) / 2
	switch {
	case odd*10 > half*3 && even*10 < half:
		return "UTF-16LE"
	case even*10 > half*3 && odd*10 < half:
		return "UTF-16BE"
	}
	return ""
}

func badLines(b []byte, bad func([]byte) bool) int {
	n := 0
	for _, l := range bytes.Split(b, []byte("\n")) {
		if bad(l) {
			n++
		}
	}
	return n
}

// NewReader returns r decoded from enc (a name Sniff or Decode returns) into UTF-8, with a UTF-8
// byte-order mark removed.
func NewReader(r io.Reader, enc string) io.Reader {
	switch enc {
	case "Shift_JIS":
		return transform.NewReader(r, transform.Chain(japanese.ShiftJIS.NewDecoder(), yenSign{}))
	case "EUC-JP":
		return transform.NewReader(r, japanese.EUCJP.NewDecoder())
	case "UTF-16":
		return transform.NewReader(r, unicodeenc.UTF16(unicodeenc.LittleEndian, unicodeenc.UseBOM).NewDecoder())
	case "UTF-16LE":
		return transform.NewReader(r, unicodeenc.UTF16(unicodeenc.LittleEndian, unicodeenc.IgnoreBOM).NewDecoder())
	case "UTF-16BE":
		return transform.NewReader(r, unicodeenc.UTF16(unicodeenc.BigEndian, unicodeenc.IgnoreBOM).NewDecoder())
	case "UTF-8 (BOM)":
		return transform.NewReader(r, unicodeenc.BOMOverride(unicodeenc.UTF8.NewDecoder()))
	}
	return r
}

// YenSign turns a backslash before a digit into ¥ in text decoded from Shift_JIS or CP932, where
// Japanese Windows and Excel write the yen sign as 0x5C (`\120,000` is ¥120,000).
func YenSign(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	out, _, _ := transform.String(yenSign{}, s)
	return out
}

// yenSign is YenSign as a transformer, for streams.
type yenSign struct{ transform.NopResetter }

func (yenSign) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		c := src[nSrc]
		if c == '\\' {
			if nSrc+1 == len(src) && !atEOF {
				return nDst, nSrc, transform.ErrShortSrc // the next byte decides
			}
			if nSrc+1 < len(src) && src[nSrc+1] >= '0' && src[nSrc+1] <= '9' {
				if nDst+2 > len(dst) {
					return nDst, nSrc, transform.ErrShortDst
				}
				dst[nDst], dst[nDst+1] = 0xC2, 0xA5 // ¥
				nDst, nSrc = nDst+2, nSrc+1
				continue
			}
		}
		if nDst >= len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		dst[nDst] = c
		nDst, nSrc = nDst+1, nSrc+1
	}
	return nDst, nSrc, nil
}
