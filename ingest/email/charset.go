package email

import (
	"bytes"
	"encoding/base64"
	"io"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"

	"github.com/koehq/koe/internal/textenc"
)

// japaneseLabels are charset labels Japanese mail uses that go-message's table (IANA and WHATWG
// names) lacks: Microsoft's CP932, and ISO-2022-JP's extended variants, read as well as the
// base encoding reads them.
var japaneseLabels = map[string]encoding.Encoding{
	"cp932": japanese.ShiftJIS, "x-ms-cp932": japanese.ShiftJIS,
	"iso-2022-jp-ms": japanese.ISO2022JP, "iso-2022-jp-3": japanese.ISO2022JP, "iso-2022-jp-2004": japanese.ISO2022JP,
	"x-windows-iso2022jp": japanese.ISO2022JP,
}

// registerLabels adds japaneseLabels to go-message's charset table, which is global by its design
// (message.CharsetReader), once, before the first message is parsed.
var registerLabels = sync.OnceFunc(func() {
	for label, enc := range japaneseLabels {
		charset.RegisterEncoding(label, enc)
	}
})

// shiftJIS reports whether a charset label names Shift_JIS or CP932, where Windows writes the
// yen sign as 0x5C.
func shiftJIS(label string) bool {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "shift_jis", "shift-jis", "sjis", "x-sjis", "cp932", "x-ms-cp932", "ms932", "ms_kanji", "windows-31j", "csshiftjis", "cswindows31j":
		return true
	}
	return false
}

var encodedWord = regexp.MustCompile(`=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=`)

// decodeHeader decodes the RFC 2047 encoded words of a header value. Adjacent words of one charset
// are joined before they are decoded: mailers split ISO-2022-JP (a stateful encoding) and
// multibyte characters across words wherever the line ends. ok is false when a charset is not
// known; the caller then falls back.
func decodeHeader(v string) (s string, ok bool) {
	v = strings.NewReplacer("\r\n", "", "\n", "").Replace(v)
	matches := encodedWord.FindAllStringSubmatchIndex(v, -1)
	if len(matches) == 0 {
		return v, true
	}
	var out strings.Builder
	ok = true
	var run []byte
	runCharset := ""
	flush := func() {
		if runCharset == "" {
			return
		}
		text, err := decodeCharset(runCharset, run)
		if err != nil {
			ok = false
		}
		out.WriteString(text)
		run, runCharset = run[:0], ""
	}
	last := 0
	for _, m := range matches {
		between := v[last:m[0]]
		cs, kind, data := strings.ToLower(v[m[2]:m[3]]), v[m[4]:m[5]], v[m[6]:m[7]]
		if i := strings.IndexByte(cs, '*'); i >= 0 { // RFC 2231 language: =?iso-2022-jp*ja?B?…?=
			cs = cs[:i]
		}
		// White space between two encoded words is not part of the text (RFC 2047 §6.2).
		if strings.TrimSpace(between) != "" || last == 0 || cs != runCharset {
			flush()
			if last > 0 && strings.TrimSpace(between) == "" {
				between = "" // between words of different charsets: still not text
			}
			out.WriteString(between)
		}
		runCharset = cs
		run = append(run, wordBytes(kind, data)...)
		last = m[1]
	}
	flush()
	out.WriteString(v[last:])
	return out.String(), ok
}

// wordBytes are the bytes an encoded word carries: base64 (padding optional, as mailers send it)
// or Q (underscore for space, =XX for a byte).
func wordBytes(kind, data string) []byte {
	if kind == "b" || kind == "B" {
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			b, _ = base64.RawStdEncoding.DecodeString(strings.TrimRight(data, "="))
		}
		return b
	}
	var out []byte
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(data) && isHex(data[i+1]) && isHex(data[i+2]):
			out = append(out, unhex(data[i+1])<<4|unhex(data[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// decodeCharset turns b in the named charset into text; an unknown charset is decoded as best
// possible, with the error.
func decodeCharset(label string, b []byte) (string, error) {
	switch label {
	case "utf-8", "us-ascii":
		return strings.ToValidUTF8(string(b), "\uFFFD"), nil
	case "":
		return bestEffort(b), nil
	}
	registerLabels()
	r, err := message.CharsetReader(label, bytes.NewReader(b))
	if err != nil {
		return bestEffort(b), err
	}
	out, err := io.ReadAll(r)
	if err != nil || !utf8.Valid(out) {
		return bestEffort(b), err
	}
	text := string(out)
	if shiftJIS(label) {
		text = textenc.YenSign(text)
	}
	return text, nil
}

var (
	angleAddr = regexp.MustCompile(`<\s*([^<>@\s]+@[^<>\s]+?)\s*>`)
	bareAddr  = regexp.MustCompile(`[^<>@\s,;:"]+@[^<>@\s,;:"]+\.[^<>@\s,;:"]+`)
)

// firstAddress reads the author from a From header net/mail refuses ("A <a@x> B <b@y>", stray
// text or punctuation): the first address, and the name written before it. Nothing that is no
// address is taken for one: a header with none ("undisclosed") is the author's name, so the
// message still lands.
func firstAddress(raw string) (name, addr string) {
	if m := angleAddr.FindStringSubmatchIndex(raw); m != nil {
		name, _ = decodeHeader(strings.TrimSpace(raw[:m[0]]))
		return strings.Trim(strings.TrimSpace(name), `"`), strings.ToLower(raw[m[2]:m[3]])
	}
	if addr := bareAddr.FindString(raw); addr != "" {
		return "", strings.ToLower(addr)
	}
	name, _ = decodeHeader(strings.TrimSpace(raw))
	return name, ""
}
