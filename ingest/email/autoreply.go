package email

import (
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// autoHeaders mark a message a program sent: RFC 3834's X- predecessors, and what Exchange and
// Outlook add to out-of-office replies and messages their inbox rules send.
var autoHeaders = []string{"X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress",
	"X-MS-Exchange-Generated-Message-Source", "X-MS-Exchange-Inbox-Rules-Loop"}

// autoPrefixes begin the subjects of auto-replies and bounces, in lower case: Outlook ("Automatic
// reply:", older "Out of Office AutoReply:"), Lotus Notes ("AUTO:"), Japanese clients (自動返信:,
// 【自動応答】, 不在通知：). They count only at the start of a subject, before a colon or a bracket
// that closes: a customer may write about auto-replies ("自動返信メールが届きません").
var autoPrefixes = []string{"自動返信", "自動応答", "不在通知", "不在のお知らせ", "out of office autoreply", "out of office",
	"automatic reply", "auto", "autoreply", "auto-reply", "undeliverable", "undelivered mail", "returned mail",
	"mail delivery failed", "delivery status notification"}

// notFeedback recognises mail that is no customer's voice, from its headers first.
func notFeedback(h mail.Header, e *message.Entity, m *Message) string {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "auto-reply (Auto-Submitted: " + v + ")"
	}
	for _, k := range autoHeaders {
		if strings.TrimSpace(h.Get(k)) != "" {
			return "auto-reply (" + k + ")"
		}
	}
	ct, params, _ := e.Header.ContentType()
	from := strings.ToLower(m.FromEmail)
	if (ct == "multipart/report" && params["report-type"] == "delivery-status") || strings.HasPrefix(from, "mailer-daemon@") || strings.HasPrefix(from, "postmaster@") {
		return "bounce"
	}
	prec := strings.ToLower(strings.TrimSpace(h.Get("Precedence")))
	if prec == "auto_reply" {
		return "auto-reply (Precedence: auto_reply)"
	}
	if h.Get("List-Unsubscribe") != "" || h.Get("List-Id") != "" || prec == "bulk" || prec == "list" || prec == "junk" {
		return "newsletter or bulk mail (List-Unsubscribe / Precedence)"
	}
	if autoSubject(m.Subject) {
		return "auto-reply (subject " + m.Subject + ")"
	}
	return ""
}

// autoSubject reports whether subject starts with an auto-reply prefix.
func autoSubject(subject string) bool {
	s := strings.ToLower(strings.TrimSpace(subject))
	closing := ""
	for open, cl := range map[string]string{"【": "】", "[": "]", "(": ")", "（": "）", "「": "」", "<": ">"} {
		if strings.HasPrefix(s, open) {
			s, closing = strings.TrimSpace(s[len(open):]), cl
			break
		}
	}
	for _, p := range autoPrefixes {
		rest, ok := strings.CutPrefix(s, p)
		if !ok {
			continue
		}
		rest = strings.TrimSpace(rest)
		switch {
		case rest == "",
			strings.HasPrefix(rest, ":"), strings.HasPrefix(rest, "："),
			closing != "" && strings.HasPrefix(rest, closing),
			p == "delivery status notification" && strings.HasPrefix(rest, "("):
			return true
		}
	}
	return false
}
