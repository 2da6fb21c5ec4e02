package email

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte("From: a@b.jp\r\nSubject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\r\nMessage-ID: <x@b.jp>\r\n\r\nbody"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--x--"))
	f.Add([]byte("From: a@b.jp\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!"))
	f.Add([]byte("\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		if m.MessageID == "" {
			t.Fatal("a parsed message without an id")
		}
		if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Subject) {
			t.Fatalf("invalid UTF-8 out: %q %q", m.Subject, m.Text)
		}
		rec, p := Filter{OwnDomains: []string{"koe.example"}}.Record(m, "fuzz", time.Unix(1, 0))
		if p == nil && (rec.Item.Body == "" || rec.Item.SourceID == "") {
			t.Fatalf("a voice without words or id: %+v", rec.Item)
		}
	})
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"hi\n\nOn Mon wrote:\n> x", "本文\n━━━━━━━━━━\n株式会社X\nTEL 03-0000-0000", "-- \nsig", "> only quote"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, ctx := Split(s)
		if len(words)+len(ctx) > len(s)+4 {
			t.Fatalf("Split grew the text: %d + %d > %d", len(words), len(ctx), len(s))
		}
		if strings.TrimSpace(words) != words {
			t.Fatalf("words not trimmed: %q", words)
		}
	})
}
