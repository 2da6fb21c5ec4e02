package accounts

import (
	"fmt"
	"math"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/koehq/koe/feedback"
)

// clean folds full-width digits and signs (１２，０００) and trims.
func clean(s string) string { return strings.TrimSpace(norm.NFKC.String(s)) }

// ParseCurrency accepts an ISO 4217 code (any case) or 円, ¥ and $.
func ParseCurrency(s string) (string, error) {
	s = clean(s)
	switch s {
	case "円", "¥", "￥":
		return "JPY", nil
	case "$":
		return "USD", nil
	}
	u := strings.ToUpper(s)
	if len(u) != 3 || strings.Trim(u, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", fmt.Errorf("currency %q is not an ISO 4217 code such as JPY or USD", s)
	}
	return u, nil
}

// ParseAmount reads a money amount in major units ("12,000", "¥12,000", "12000円", "1,250.50",
// Excel's Shift_JIS yen "\12,000")
// and returns minor units of currency. Empty means 0.
func ParseAmount(s, currency string) (int64, error) { return parseAmount(s, currency, false) }

// RoundAmount is ParseAmount for a number a program computed (a kintone calculated field gives
// 12345.67 for yen): more decimals than the currency has are rounded to its minor unit.
func RoundAmount(s, currency string) (int64, error) { return parseAmount(s, currency, true) }

func parseAmount(s, currency string, round bool) (int64, error) {
	orig := s
	s = clean(s)
	for _, cut := range []string{"¥", "$", "円", ",", " ", "JPY", "USD", "EUR"} {
		s = strings.ReplaceAll(s, cut, "")
	}
	// Japanese Excel's Shift_JIS writes ¥ as 0x5C, which every other reader takes for "\".
	if rest, ok := strings.CutPrefix(s, `\`); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		s = rest
	}
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not an amount: write digits, like 120000 or ¥120,000", orig)
	}
	if f < 0 {
		return 0, fmt.Errorf("%q is negative", orig)
	}
	scale := 100.0
	if feedback.ZeroDecimal(currency) {
		scale = 1
	}
	minor := f * scale
	if !round && math.Abs(minor-math.Round(minor)) > 1e-6 {
		return 0, fmt.Errorf("%q has more decimals than %s has", orig, currency)
	}
	if minor > 1e15 {
		return 0, fmt.Errorf("%q is too large", orig)
	}
	return int64(math.Round(minor)), nil
}

// ParseCount reads a whole number such as "1,200", "120名" or "120人"; empty means unknown.
func ParseCount(s string) (*int, error) {
	orig := s
	s = strings.TrimRight(strings.ReplaceAll(clean(s), ",", ""), "名人")
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%q is not a whole number", orig)
	}
	return &n, nil
}

// ParseLifecycle accepts prospect / customer / churned and the usual Japanese words.
func ParseLifecycle(s string) (feedback.Lifecycle, error) {
	switch strings.ToLower(clean(s)) {
	case "prospect", "lead", "trial", "見込み", "見込", "商談中", "トライアル", "見込み客":
		return feedback.Prospect, nil
	case "customer", "active", "契約中", "顧客", "利用中", "既存顧客":
		return feedback.Customer, nil
	case "churned", "canceled", "cancelled", "解約", "解約済み", "解約済", "退会":
		return feedback.Churned, nil
	}
	return "", fmt.Errorf("unknown lifecycle %q: use prospect, customer or churned (見込み / 契約中 / 解約)", s)
}

var dateLayouts = []string{"2006-01-02", "2006/01/02", "2006/1/2", "2006-1-2", "2006.01.02", "2006年1月2日", time.RFC3339}

// ParseDate reads a date such as 2026-04-01, 2026/4/1 or 2026年4月1日; empty means unknown.
func ParseDate(s string) (*time.Time, error) {
	s = clean(s)
	if s == "" {
		return nil, nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			return &d, nil
		}
	}
	return nil, fmt.Errorf("%q is not a date: write it like 2026-04-01", s)
}

// ParseChurnRisk reads 0–1, a percentage, or low / medium / high (低 / 中 / 高).
func ParseChurnRisk(s string) (*float64, error) {
	s = strings.ToLower(clean(s))
	var v float64
	switch s {
	case "":
		return nil, nil
	case "low", "低", "低い":
		v = 0.2
	case "medium", "mid", "中":
		v = 0.5
	case "high", "高", "高い":
		v = 0.8
	default:
		pct := strings.HasSuffix(s, "%")
		f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if pct {
			f /= 100
		}
		if err != nil || f < 0 || f > 1 {
			return nil, fmt.Errorf("churn_risk %q: use a number from 0 to 1, a percentage, or low / medium / high", s)
		}
		v = f
	}
	return &v, nil
}

// ParseDomains splits a list of domains (;, comma or space) and normalises each: lower case, no
// scheme, www or path. "https://www.Example.co.jp/about" gives "example.co.jp".
func ParseDomains(s string) ([]string, error) {
	var out []string
	for _, d := range splitList(s) {
		orig := d
		d = strings.ToLower(d)
		if i := strings.Index(d, "://"); i >= 0 {
			d = d[i+3:]
		}
		d, _, _ = strings.Cut(d, "/")
		d = strings.TrimPrefix(strings.TrimPrefix(d, "@"), "www.")
		if !strings.Contains(d, ".") || strings.ContainsAny(d, "@ ") {
			return nil, fmt.Errorf("domain %q is not a domain such as example.co.jp", orig)
		}
		out = append(out, d)
	}
	return out, nil
}

// ParseEmails splits a list of addresses (separated by ;, a comma, 、 or new lines — not spaces,
// which display names have), each bare or with a display name ("山田 太郎 <taro@example.co.jp>").
func ParseEmails(s string) ([]feedback.Contact, error) {
	var out []feedback.Contact
	for _, part := range strings.FieldsFunc(clean(s), func(r rune) bool { return r == ';' || r == ',' || r == '\n' || r == '、' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		addr, err := mail.ParseAddress(part)
		if err != nil {
			return nil, fmt.Errorf("contact email %q is not an email address", part)
		}
		out = append(out, feedback.Contact{Email: strings.ToLower(addr.Address), Name: addr.Name})
	}
	return out, nil
}

func splitList(s string) []string {
	return strings.FieldsFunc(clean(s), func(r rune) bool {
		return r == ';' || r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '、'
	})
}
