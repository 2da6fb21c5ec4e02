package email

import (
	"encoding/base64"
	"strings"
	"testing"
)

func b64Subject(s string) string {
	return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
}

// TestAutoReplyFromHeadersAndPrefixes: auto-replies are known by their headers (RFC 3834
// Auto-Submitted, the X-Autoreply family, Exchange's and Precedence) and by subject prefixes only
// where they are prefixes. A customer who writes about auto-replies is a customer: these two were
// skipped because their subjects contained 自動返信 / Out of Office.
func TestAutoReplyFromHeadersAndPrefixes(t *testing.T) {
	for _, tt := range []struct {
		name, header, subject, want string
	}{
		{"customer writes about auto-replies", "", "自動返信メールが顧客に届きません", ""},
		{"customer asks for Out of Office status", "", "Feature request: show agents' Out of Office status", ""},
		{"customer replies to our auto-reply", "", "Re: 自動返信: お問い合わせありがとうございます", ""},
		{"customer mentions automatic reply", "", "Automatic replies are sent twice", ""},
		{"Auto-Submitted no", "Auto-Submitted: no\n", "hello", ""},
		{"RFC 3834 Auto-Submitted", "Auto-Submitted: auto-replied\n", "Re: CSV", "auto-reply"},
		{"X-Autoreply", "X-Autoreply: yes\n", "Re: CSV", "auto-reply"},
		{"X-Autorespond", "X-Autorespond: 1\n", "Re: CSV", "auto-reply"},
		// Outlook/Exchange out-of-office replies carry these (Exchange "Automatic replies" messages).
		{"Exchange X-Auto-Response-Suppress", "X-Auto-Response-Suppress: All\n", "Re: CSV", "auto-reply"},
		{"Exchange rules agent", "X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent\n", "Re: CSV", "auto-reply"},
		{"Exchange inbox rules loop", "X-MS-Exchange-Inbox-Rules-Loop: support@abc.co.jp\n", "Re: CSV", "auto-reply"},
		{"Precedence auto_reply", "Precedence: auto_reply\n", "Re: CSV", "auto-reply"},
		{"Precedence junk", "Precedence: junk\n", "CSV", "bulk"},
		{"Japanese prefix", "", "自動返信: お問い合わせありがとうございます", "auto-reply"},
		{"Japanese bracket prefix", "", "【自動応答】お問い合わせを受け付けました", "auto-reply"},
		{"Japanese full-width colon", "", "不在通知：12/28〜1/5", "auto-reply"},
		{"Outlook prefix", "", "Automatic reply: CSV export", "auto-reply"},
		{"Out of Office prefix", "", "Out of Office: CSV export", "auto-reply"},
		{"Lotus prefix", "", "AUTO: Taro Yamada is out of the office", "auto-reply"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := "From: taro@abc.co.jp\n" + tt.header + "Subject: " + b64Subject(tt.subject) + "\nMessage-ID: <x@abc.co.jp>\n\nbody\n"
			got := parse(t, raw).NotFeedback
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Fatalf("NotFeedback = %q, want %q", got, tt.want)
			}
		})
	}
}
