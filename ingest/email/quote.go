package email

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Where the quoted earlier mail begins: the first matching line and everything after it are
// context, not the customer's new words.
var quoteHeaders = []*regexp.Regexp{
	regexp.MustCompile(`(?i)^\s*on\s.{4,200}\s(wrote|a écrit|schrieb)\s*:\s*$`), // On Mon, 1 Jan 2026, X <x@y> wrote:
	regexp.MustCompile(`(?i)^\s*-{2,}\s*(original message|forwarded message|元のメッセージ|転送メッセージ)\s*-{2,}\s*$`),
	regexp.MustCompile(`^\s*_{10,}\s*$`), // Outlook's rule above the quoted mail
	regexp.MustCompile(`^\s*(From|差出人|送信者)\s*[:：].+`),
	regexp.MustCompile(`^\s*(Sent|送信日時|日時)\s*[:：].+`),
	regexp.MustCompile(`^.{0,120}(のメッセージ|のメール|さんは書きました|wrote)\s*[:：]\s*$`),                    // 2026年4月1日(水) 10:00 山田 <a@b>:  のメッセージ: (iPhone: …のメール:)
	regexp.MustCompile(`^\s*\d{4}[年/-]\d{1,2}[月/-]\d{1,2}日?.{0,80}<[^>]+@[^>]+>\s*[:：]?\s*$`), // 2026/04/01 10:00、山田太郎 <taro@example.jp>:
}

// A Japanese block signature sits between ruled lines and carries company, phone or address.
var (
	ruleLine       = regexp.MustCompile(`^\s*([-=＝━─―_＿*＊~～#☆★◆■□◇]\s*){8,}\s*$`)
	signatureClues = regexp.MustCompile(`(?i)(株式会社|有限会社|合同会社|\(株\)|㈱|tel|phone|mobile|fax|〒|e-?mail|mail\s*[:：]|https?://|〒|部|課|事業部|inc\.|co\.,?\s*ltd|\d{2,4}-\d{2,4}-\d{3,4})`)
)

// Split separates the customer's new words from what surrounds them: quoted earlier mail (">"
// lines, "On … wrote:", "-----Original Message-----", "… のメッセージ:", "差出人:" blocks) and
// the signature ("-- " and the ruled Japanese signature blocks with company, phone, address).
func Split(text string) (words, context string) {
	lines := strings.Split(text, "\n")
	cut := len(lines)
	for i, l := range lines {
		if isQuoteHeader(l, lines, i) {
			cut = i
			break
		}
	}
	var kept, quoted []string
	for _, l := range lines[:cut] {
		if strings.HasPrefix(strings.TrimLeft(l, " "), ">") || strings.HasPrefix(l, "＞") {
			quoted = append(quoted, l)
			continue
		}
		kept = append(kept, l)
	}
	quoted = append(quoted, lines[cut:]...)
	kept, sig := splitSignature(kept)
	words = strings.TrimSpace(strings.Join(kept, "\n"))
	var ctx []string
	if s := strings.TrimSpace(strings.Join(sig, "\n")); s != "" {
		ctx = append(ctx, s)
	}
	if q := strings.TrimSpace(strings.Join(quoted, "\n")); q != "" {
		ctx = append(ctx, q)
	}
	return words, strings.Join(ctx, "\n\n")
}

func isQuoteHeader(l string, lines []string, i int) bool {
	if len(l) > 400 || strings.TrimSpace(l) == "" {
		return false
	}
	for k, re := range quoteHeaders {
		if !re.MatchString(l) {
			continue
		}
		// "From:"/"差出人:" and "Sent:" start a quoted block only as a header block: the next or
		// previous line is another header line.
		if k == 3 || k == 4 {
			return nextHeaderLike(lines, i)
		}
		return true
	}
	// Gmail wraps a long "On … wrote:" over two lines.
	if i+1 < len(lines) && onStart.MatchString(l) && wroteEnd.MatchString(lines[i+1]) {
		return true
	}
	return false
}

var (
	onStart  = regexp.MustCompile(`(?i)^\s*on\s.{4,200}$`)
	wroteEnd = regexp.MustCompile(`(?i)wrote\s*:\s*$`)
)

var headerLike = regexp.MustCompile(`^\s*(From|To|Cc|Sent|Date|Subject|差出人|宛先|送信日時|件名|日時|CC)\s*[:：]`)

func nextHeaderLike(lines []string, i int) bool {
	n := 0
	for j := i; j < len(lines) && j < i+4; j++ {
		if headerLike.MatchString(lines[j]) {
			n++
		}
	}
	return n >= 2
}

// sentFrom is the line a phone's mail app signs with ("iPhoneから送信", "Sent from my iPhone").
var sentFrom = regexp.MustCompile(`(?i)^\s*(sent from my \S.{0,40}|(iPhone|iPad|Android|Xperia|Galaxy|AQUOS|arrows)\S{0,20}から(の)?送信|(iPhone|iPad|Android)\s*から送信)\s*$`)

// splitSignature cuts the signature off the end of the customer's lines.
func splitSignature(lines []string) (kept, sig []string) {
	for i, l := range lines {
		if l == "-- " || l == "--" {
			return lines[:i], lines[i:]
		}
	}
	// A phone app's "sent from" line, with nothing but blank lines after it.
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) == "" {
			continue
		}
		if sentFrom.MatchString(lines[i]) {
			return lines[:i], lines[i:]
		}
		break
	}
	// A ruled block in the last 15 lines that looks like a signature.
	start := max(0, len(lines)-15)
	for i := start; i < len(lines); i++ {
		if !ruleLine.MatchString(lines[i]) || !isRuleOnly(lines[i]) {
			continue
		}
		rest := strings.Join(lines[i+1:], "\n")
		if signatureClues.MatchString(rest) && strings.TrimSpace(strings.Join(lines[:i], "")) != "" {
			return lines[:i], lines[i:]
		}
	}
	return lines, nil
}

// isRuleOnly reports whether a line holds nothing but ruling characters and spaces.
func isRuleOnly(l string) bool {
	n := 0
	for _, r := range l {
		if unicode.IsSpace(r) {
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
		n++
	}
	return n >= 8 && utf8.RuneCountInString(l) >= 8
}
