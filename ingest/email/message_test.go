package email

import (
	"encoding/base64"
	"mime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
)

func enc(t *testing.T, e encoding.Encoding, s string) string {
	t.Helper()
	out, err := e.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func parse(t *testing.T, raw string) *Message {
	t.Helper()
	m, err := Parse(strings.NewReader(strings.ReplaceAll(raw, "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseCharsets(t *testing.T) {
	body := "お世話になっております。①CSV出力の件、㈱髙橋の山田です。"
	subjectISO := "=?ISO-2022-JP?B?" + base64.StdEncoding.EncodeToString([]byte(enc(t, japanese.ISO2022JP, "CSV出力のご要望"))) + "?="
	tests := []struct {
		name, raw, subject string
		body               string
	}{
		{"iso-2022-jp", "From: =?ISO-2022-JP?B?" + base64.StdEncoding.EncodeToString([]byte(enc(t, japanese.ISO2022JP, "山田 太郎"))) + "?= <taro@abc.co.jp>\n" +
			"Subject: " + subjectISO + "\nMessage-ID: <a1@abc.co.jp>\nDate: Mon, 06 Oct 2026 10:00:00 +0900\nMIME-Version: 1.0\n" +
			"Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n" + enc(t, japanese.ISO2022JP, body) + "\n",
			"CSV出力のご要望", body},
		{"shift_jis (cp932)", "From: taro@abc.co.jp\nSubject: =?Shift_JIS?B?" + base64.StdEncoding.EncodeToString([]byte(enc(t, japanese.ShiftJIS, "①㈱髙"))) + "?=\nMessage-ID: <a2@abc.co.jp>\n" +
			"Content-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: base64\n\n" + base64.StdEncoding.EncodeToString([]byte(enc(t, japanese.ShiftJIS, body))) + "\n",
			"①㈱髙", body},
		{"windows-31j label", "From: taro@abc.co.jp\nSubject: x\nMessage-ID: <a3@abc.co.jp>\n" +
			"Content-Type: text/plain; charset=windows-31j\nContent-Transfer-Encoding: base64\n\n" + base64.StdEncoding.EncodeToString([]byte(enc(t, japanese.ShiftJIS, body))) + "\n",
			"x", body},
		{"euc-jp", "From: taro@abc.co.jp\nSubject: =?EUC-JP?B?" + base64.StdEncoding.EncodeToString([]byte(enc(t, japanese.EUCJP, "要望"))) + "?=\nMessage-ID: <a4@abc.co.jp>\n" +
			"Content-Type: text/plain; charset=EUC-JP\nContent-Transfer-Encoding: 8bit\n\n" + enc(t, japanese.EUCJP, "高橋です。CSV出力をお願いします。") + "\n",
			"要望", "高橋です。CSV出力をお願いします。"},
		{"utf-8 quoted-printable", "From: Emma <emma@globex.com>\nSubject: " + mime.QEncoding.Encode("utf-8", "Dark mode ✓") + "\nMessage-ID: <a5@globex.com>\n" +
			"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nPlease add dark mode =E2=9C=93 thanks=\n!\n",
			"Dark mode ✓", "Please add dark mode ✓ thanks!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := parse(t, tt.raw)
			if m.Subject != tt.subject || m.Text != tt.body || len(m.Notes) != 0 {
				t.Fatalf("subject %q text %q notes %v", m.Subject, m.Text, m.Notes)
			}
		})
	}
	m := parse(t, tests[0].raw)
	if m.FromName != "山田 太郎" || m.FromEmail != "taro@abc.co.jp" || m.MessageID != "a1@abc.co.jp" || m.Date.Unix() != 1791248400 {
		t.Fatalf("header = %+v", m)
	}
}

func TestParseStructure(t *testing.T) {
	raw := `From: taro@abc.co.jp
Subject: Re: CSV
Message-ID: <r2@abc.co.jp>
In-Reply-To: <r1@koe.example>
References: <r0@abc.co.jp> <r1@koe.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

プレーンテキストの本文です。
--alt
Content-Type: text/html; charset=utf-8

<p>HTMLの本文です。</p>
--alt--
--rel
Content-Type: image/png
Content-ID: <logo>
Content-Disposition: inline

iVBORw0KGgo=
--rel--
--outer
Content-Type: application/pdf; name="spec.pdf"
Content-Disposition: attachment; filename="spec.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQ=
--outer--
`
	m := parse(t, raw)
	if m.Text != "プレーンテキストの本文です。" || m.Attachments != 1 || m.ThreadID() != "r0@abc.co.jp" {
		t.Fatalf("text %q attachments %d thread %s notes %v", m.Text, m.Attachments, m.ThreadID(), m.Notes)
	}
	html := parse(t, "From: a@b.jp\nMessage-ID: <h@b.jp>\nContent-Type: text/html; charset=utf-8\n\n<div>HTMLだけ<br>2行目</div><script>x()</script>")
	if html.Text != "HTMLだけ\n2行目" {
		t.Fatalf("html-only text = %q", html.Text)
	}
}

func TestParseOddAndHostile(t *testing.T) {
	unknown := parse(t, "From: a@b.jp\nMessage-ID: <u@b.jp>\nContent-Type: text/plain; charset=x-klingon\n\nqapla\xe9 CSV\n")
	if !strings.Contains(unknown.Text, "CSV") || len(unknown.Notes) == 0 || !strings.Contains(unknown.Notes[0], "x-klingon") {
		t.Fatalf("unknown charset: text %q notes %v", unknown.Text, unknown.Notes)
	}
	var b strings.Builder
	b.WriteString("From: a@b.jp\nMessage-ID: <bomb@b.jp>\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n")
	for i := 0; i < 40; i++ {
		b.WriteString("--b" + itoa(i) + "\nContent-Type: multipart/mixed; boundary=\"b" + itoa(i+1) + "\"\n\n")
	}
	b.WriteString("--b40\nContent-Type: text/plain\n\ndeep\n")
	deep := parse(t, b.String())
	if len(deep.Notes) == 0 || !strings.Contains(deep.Notes[len(deep.Notes)-1], "nested deeper") {
		t.Fatalf("MIME bomb: notes %v", deep.Notes)
	}
	b.Reset()
	b.WriteString("From: a@b.jp\nMessage-ID: <many@b.jp>\nContent-Type: multipart/mixed; boundary=\"x\"\n\n")
	for i := 0; i < 2000; i++ {
		b.WriteString("--x\nContent-Type: text/plain\n\npart\n")
	}
	b.WriteString("--x--\n")
	many := parse(t, b.String())
	if !strings.Contains(strings.Join(many.Notes, ";"), "more than 500 MIME parts") {
		t.Fatalf("many parts: notes %v", many.Notes)
	}
	if _, err := Parse(strings.NewReader("From: a@b.jp\r\nX-Long: " + strings.Repeat("a", 3<<20) + "\r\n\r\nbody")); err == nil {
		t.Fatal("a 3 MB header line parsed")
	}
	bad := parse(t, "From: a@b.jp\nMessage-ID: <b64@b.jp>\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!not base64!!!\n")
	if bad.MessageID != "b64@b.jp" {
		t.Fatalf("invalid base64: %+v", bad)
	}
	huge := "From: a@b.jp\r\nMessage-ID: <big@b.jp>\r\nContent-Type: text/plain\r\n\r\nCSVがほしい\r\n" + strings.Repeat("x", 30<<20)
	big, err := Parse(strings.NewReader(huge))
	if err != nil || !strings.Contains(strings.Join(big.Notes, ";"), "cut at 25 MB") || !strings.HasPrefix(big.Text, "CSVがほしい") {
		t.Fatalf("30 MB mail: err %v notes %v", err, big.Notes)
	}
	truncated := parse(t, "From: a@b.jp\nMessage-ID: <tr@b.jp>\nContent-Type: multipart/mixed; boundary=\"z\"\n\n--z\nContent-Type: text/plain\n\nthe words that arrived\n--z\nContent-Type: text/pl")
	if !strings.Contains(truncated.Text, "the words that arrived") {
		t.Fatalf("truncated message: text %q notes %v", truncated.Text, truncated.Notes)
	}
	noID := parse(t, "From: a@b.jp\nSubject: hi\n\nhello")
	if !strings.HasSuffix(noID.MessageID, "@koe.invalid") {
		t.Fatalf("a message without Message-ID got id %q", noID.MessageID)
	}
}

func TestNotFeedback(t *testing.T) {
	tests := map[string]string{
		"From: a@b.jp\nAuto-Submitted: auto-replied\nSubject: Re: x\n\nI'm away":                                   "auto-reply",
		"From: a@b.jp\nX-Autoreply: yes\nSubject: x\n\naway":                                                       "auto-reply",
		"From: a@b.jp\nSubject: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("自動返信: 不在")) + "?=\n\n不在です": "auto-reply",
		"From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail\n\nfailed":                                      "bounce",
		"From: news@saas.example\nList-Unsubscribe: <mailto:u@saas.example>\nSubject: News\n\nhello":               "newsletter",
		"From: a@b.jp\nSubject: CSV\n\nplease":                                                                     "",
	}
	for raw, want := range tests {
		got := parse(t, raw).NotFeedback
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("NotFeedback(%q) = %q, want %q", raw[:30], got, want)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
