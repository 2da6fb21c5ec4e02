// Package textproc reads customers' words: HTML to plain text, whitespace, language (ja / en /
// other, mixed text included) and sentiment for Japanese and English.
package textproc

import (
	"io"
	"strings"

	"golang.org/x/net/html"
)

// MaxText is the most text kept from one field; longer input is cut (see Clip).
const MaxText = 256 << 10

// blockTags end a line of text.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "tr": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "blockquote": true, "pre": true, "section": true, "article": true, "table": true,
	"ul": true, "ol": true, "hr": true, "header": true, "footer": true,
}

// HTMLToText turns an HTML fragment into plain text: tags dropped, entities decoded, block
// elements on their own lines, script and style content removed. It reads tokens one by one, so
// deep nesting costs nothing, and stops after MaxText bytes of output.
func HTMLToText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return Whitespace(s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	z.SetMaxBuf(4 << 20)
	var b strings.Builder
	skip := 0
	for b.Len() < MaxText {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				b.WriteString(" ")
			}
			return Whitespace(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tag == "script" || tag == "style" || tag == "head" {
				skip++
			}
			if blockTags[tag] {
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if (tag == "script" || tag == "style" || tag == "head") && skip > 0 {
				skip--
			}
			if blockTags[tag] {
				b.WriteByte('\n')
			}
		}
	}
	return Clip(Whitespace(b.String()), MaxText)
}

// Whitespace normalises spacing: CRLF to LF, runs of spaces and tabs to one space (ideographic
// spaces kept, they are part of Japanese text), at most one blank line, trimmed lines and ends.
func Whitespace(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = strings.ReplaceAll(s, "\u00a0", " ")
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, l := range lines {
		l = strings.Join(strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == '\t' || r == '\f' || r == '\v' }), " ")
		if l == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// Clip cuts s to at most n bytes on a character boundary, marking the cut with "…".
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !isBoundary(s, cut) {
		cut--
	}
	return s[:cut] + "…"
}

func isBoundary(s string, i int) bool { return i == len(s) || s[i]&0xC0 != 0x80 }
