package email

import (
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// TestJapaneseCharsetLabels: every label Japanese mail uses for Shift_JIS reads as CP932 — cp932
// was left as "=?cp932?B?…" in a subject and refused in a body — and in text from Shift_JIS a
// backslash before a digit is the yen sign Windows writes as 0x5C.
func TestJapaneseCharsetLabels(t *testing.T) {
	for _, label := range []string{"cp932", "CP932", "shift-jis", "x-sjis", "windows-31j", "Shift_JIS", "MS932"} {
		t.Run(label, func(t *testing.T) {
			subject := "=?" + label + "?B?" + base64.StdEncoding.EncodeToString([]byte(enc(t, japanese.ShiftJIS, "①料金の件"))) + "?="
			raw := "From: taro@abc.co.jp\nSubject: " + subject + "\nMessage-ID: <c@abc.co.jp>\nContent-Type: text/plain; charset=" + label +
				"\nContent-Transfer-Encoding: base64\n\n" + base64.StdEncoding.EncodeToString([]byte(enc(t, japanese.ShiftJIS, "月額が\\120,000から㈱髙橋"))) + "\n"
			m := parse(t, raw)
			if m.Subject != "①料金の件" || m.Text != "月額が¥120,000から㈱髙橋" || len(m.Notes) != 0 {
				t.Fatalf("subject %q text %q notes %v", m.Subject, m.Text, m.Notes)
			}
		})
	}
}

// TestEncodedWordsSplitMidCharacter: mailers split a long ISO-2022-JP subject into encoded words
// wherever the line ends, even inside a character or after the escape sequence; decoded one by
// one it read "見積書の再発行$r$*4j…". Adjacent words of one charset are decoded together.
func TestEncodedWordsSplitMidCharacter(t *testing.T) {
	whole := []byte(enc(t, japanese.ISO2022JP, "見積書の再発行をお願いします"))
	for _, cut := range []int{3 + 13, 3 + 14, 3} { // inside a character, between characters, right after ESC $ B
		a, b := whole[:cut], whole[cut:]
		subject := "=?ISO-2022-JP?B?" + base64.StdEncoding.EncodeToString(a) + "?=\n =?iso-2022-jp?B?" + base64.StdEncoding.EncodeToString(b) + "?="
		m := parse(t, "From: taro@abc.co.jp\nSubject: "+subject+"\nMessage-ID: <s@abc.co.jp>\n\nbody\n")
		if m.Subject != "見積書の再発行をお願いします" {
			t.Errorf("cut at %d: subject %q", cut, m.Subject)
		}
	}
	// Words of different charsets, and plain text between words, keep their own decoding.
	mixed := "Re: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("料金")) + "?= and =?ISO-2022-JP?B?" +
		base64.StdEncoding.EncodeToString([]byte(enc(t, japanese.ISO2022JP, "見積"))) + "?= =?UTF-8?Q?=E2=9C=93_ok?="
	if m := parse(t, "From: a@b.jp\nSubject: "+mixed+"\n\nx\n"); m.Subject != "Re: 料金 and 見積✓ ok" {
		t.Errorf("mixed subject %q", m.Subject)
	}
}

// TestBrokenFromHeader: a From header net/mail cannot parse was stored raw as the author's
// address ("a <a@x.jp> b <b@y.jp"), so no account could match. The first address in it is the
// author's, with the name before it.
func TestBrokenFromHeader(t *testing.T) {
	for _, tt := range []struct{ from, name, email string }{
		{"A <a@x.jp> B <b@y.jp>", "A", "a@x.jp"},
		{`"山田" <Taro@ABC.co.jp> <other@abc.co.jp>`, "山田", "taro@abc.co.jp"},
		{"=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("山田 太郎")) + "?= <taro@abc.co.jp> extra", "山田 太郎", "taro@abc.co.jp"},
		{"taro@abc.co.jp;", "", "taro@abc.co.jp"},
		{"undisclosed", "undisclosed", ""},
	} {
		m := parse(t, "From: "+tt.from+"\nSubject: x\nMessage-ID: <f@x>\n\nhi\n")
		if m.FromName != tt.name || m.FromEmail != tt.email {
			t.Errorf("From: %s read as %q <%s>, want %q <%s>", tt.from, m.FromName, m.FromEmail, tt.name, tt.email)
		}
	}
}

// TestBase64LabelOnPlainText: some mailers label a plain-text part base64 and send it as it is;
// decoded as base64 it was stored as gibberish ("\x1d馥") with a note blaming the charset. Text
// that is not base64 is read as the text it is, and the voice says so.
func TestBase64LabelOnPlainText(t *testing.T) {
	single := "From: a@b.jp\nSubject: x\nMessage-ID: <b1@b.jp>\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nHello, please add CSV export.\nThanks!\n"
	nested := "From: a@b.jp\nSubject: x\nMessage-ID: <b2@b.jp>\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: base64\n\n" +
		enc(t, japanese.ISO2022JP, "CSV出力をお願いします。") + "\n--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQ=\n--b--\n"
	for name, tt := range map[string]struct{ raw, text string }{
		"single part": {single, "Hello, please add CSV export.\nThanks!"},
		"nested":      {nested, "CSV出力をお願いします。"},
	} {
		m := parse(t, tt.raw)
		if m.Text != tt.text || len(m.Notes) != 1 || !strings.Contains(m.Notes[0], "base64") {
			t.Errorf("%s: text %q notes %q", name, m.Text, m.Notes)
		}
	}
}

// TestTextAttachmentWithoutDisposition: a text file attached with only a Content-Type name (no
// Content-Disposition, as some clients send logs and CSVs) was taken as part of the message.
func TestTextAttachmentWithoutDisposition(t *testing.T) {
	raw := "From: a@b.jp\nSubject: x\nMessage-ID: <t@b.jp>\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain; charset=utf-8\n\nログを添付します。\n--b\n" +
		"Content-Type: text/plain; charset=utf-8; name=\"error.log\"\n\n2026-10-01 ERROR timeout\n--b\nContent-Type: text/csv; charset=utf-8\n\na,b\n--b--\n"
	m := parse(t, raw)
	if m.Text != "ログを添付します。" || m.Attachments != 2 {
		t.Fatalf("text %q attachments %d", m.Text, m.Attachments)
	}
}
