// Package file ingests voices from files: JSON Lines and CSV/TSV exports of any chat tool, an
// existing CS feedback sheet (with its triage columns), and ITreview review copies (--preset
// itreview). Columns map to fields by name, English or Japanese, or by an explicit --map.
package file

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Fields a column can map to.
const (
	FieldID          = "id"
	FieldText        = "text"
	FieldTitle       = "title"
	FieldEmail       = "email"
	FieldName        = "name"
	FieldCompany     = "company"
	FieldDate        = "date"
	FieldRating      = "rating"
	FieldURL         = "url"
	FieldContext     = "context"
	FieldPraise      = "praise"
	FieldRequest     = "request"
	FieldTag         = "tag"
	FieldInsight     = "insight"
	FieldWhoBenefits = "who_benefits"
)

// defaultAliases maps each field to the column names (English and Japanese) that mean it, in
// the form normKey leaves them.
var defaultAliases = map[string][]string{
	FieldID:          {"id", "sourceid", "messageid", "ticketid", "conversationid", "reviewid", "問い合わせid", "id番号", "番号"},
	FieldText:        {"text", "body", "message", "content", "feedback", "comment", "voice", "本文", "内容", "お問い合わせ内容", "問い合わせ内容", "メッセージ", "コメント", "ご意見", "顧客の声", "要望内容"},
	FieldTitle:       {"title", "subject", "タイトル", "件名", "表題"},
	FieldEmail:       {"email", "authoremail", "mail", "emailaddress", "メール", "メールアドレス"},
	FieldName:        {"name", "author", "authorname", "customername", "氏名", "名前", "お名前", "担当者名", "投稿者"},
	FieldCompany:     {"company", "companyname", "organization", "organisation", "会社名", "企業名", "社名", "組織名"},
	FieldDate:        {"date", "createdat", "receivedat", "timestamp", "time", "datetime", "日時", "日付", "受信日時", "作成日時", "投稿日", "投稿日時", "受付日"},
	FieldRating:      {"rating", "stars", "score", "評価", "満足度", "星"},
	FieldURL:         {"url", "link", "リンク"},
	FieldContext:     {"context", "reply", "agentreply", "回答", "返信", "対応内容"},
	FieldPraise:      {"praise", "pros", "良いポイント", "良い点"},
	FieldRequest:     {"request", "featurerequest", "linkedrequest", "要望", "リクエスト", "機能要望"},
	FieldTag:         {"tag", "category", "reason", "タグ", "分類"},
	FieldInsight:     {"insight", "need", "インサイト", "本当の課題", "課題"},
	FieldWhoBenefits: {"whobenefits", "beneficiary", "誰のため", "対象者", "受益者"},
}

// presets are mappings for well-known exports.
var presets = map[string]map[string][]string{
	// ITreview has no API: people copy their reviews into a sheet with the site's headings. The
	// improvement part is the voice; the good part is praise, kept as context.
	"itreview": {
		FieldID:      {"レビューid", "id"},
		FieldTitle:   {"タイトル"},
		FieldText:    {"改善してほしいポイント", "改善点"},
		FieldPraise:  {"良いポイント"},
		FieldContext: {"どのような課題解決に役立ちましたか", "課題解決"},
		FieldRating:  {"満足度", "総合評価"},
		FieldDate:    {"投稿日", "投稿日時", "レビュー日"},
		FieldCompany: {"会社名", "企業名"},
		FieldName:    {"投稿者", "氏名"},
		FieldURL:     {"url", "レビューurl"},
	},
}

// normKey folds a column name: NFKC, lower case, no spaces, underscores, hyphens or colons.
func normKey(s string) string {
	s = strings.ToLower(norm.NFKC.String(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', ':', '　', '?', '？':
			return -1
		}
		return r
	}, s)
}

// Mapping resolves columns (or JSON keys) to fields.
type Mapping struct {
	aliases map[string][]string
}

// NewMapping builds a mapping from a preset ("" for the defaults) and explicit overrides such as
// "text=本文,email=メール".
func NewMapping(preset, overrides string) (Mapping, error) {
	m := Mapping{aliases: map[string][]string{}}
	base := defaultAliases
	if preset != "" {
		p, ok := presets[preset]
		if !ok {
			return m, fmt.Errorf("unknown preset %q: the presets are itreview", preset)
		}
		base = p
	}
	for f, names := range base {
		m.aliases[f] = names
	}
	if strings.TrimSpace(overrides) == "" {
		return m, nil
	}
	for _, pair := range strings.Split(overrides, ",") {
		field, col, ok := strings.Cut(pair, "=")
		field = strings.TrimSpace(field)
		if !ok || col == "" {
			return m, fmt.Errorf("--map %q: write FIELD=COLUMN pairs, such as text=本文,email=メール", pair)
		}
		if _, known := defaultAliases[field]; !known {
			return m, fmt.Errorf("--map: unknown field %q: use id, text, title, email, name, company, date, rating, url, context, praise, request, tag, insight or who_benefits", field)
		}
		m.aliases[field] = []string{normKey(col)}
	}
	return m, nil
}

// Resolve maps column names to fields: the result gives, per field, the index of its column.
func (m Mapping) Resolve(columns []string) map[string]int {
	out := map[string]int{}
	for i, c := range columns {
		key := normKey(c)
		for f, names := range m.aliases {
			for _, n := range names {
				if key == n {
					if _, taken := out[f]; !taken {
						out[f] = i
					}
				}
			}
		}
	}
	return out
}

var dateLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006/01/02 15:04:05",
	"2006/01/02 15:04", "2006/1/2 15:04", "2006/1/2 15:04:05", "2006-01-02", "2006/01/02", "2006/1/2",
	"2006年1月2日 15:04", "2006年1月2日", time.RFC1123Z, time.RFC1123,
}

// ParseTime reads the dates exports carry: RFC 3339, "2026-04-01 10:00", "2026/4/1", "2026年4月1日",
// Unix seconds or milliseconds. Times without a zone are in loc.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	if s == "" {
		return time.Time{}, fmt.Errorf("no date")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 1e12 {
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Unix(n, 0).UTC(), nil
	}
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q: write it like 2026-04-01 10:00 or 2026-04-01T10:00:00+09:00", s)
}

// ParseRating reads a star rating 0–5 ("4", "4.5", "★★★★☆", "4/5"); 10-point scales are halved.
func ParseRating(s string) (*float64, error) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	if s == "" {
		return nil, nil
	}
	if strings.ContainsRune(s, '★') {
		v := float64(strings.Count(s, "★"))
		return &v, nil
	}
	scale := 5.0
	if num, den, ok := strings.Cut(s, "/"); ok {
		s = num
		d, err := strconv.ParseFloat(strings.TrimSpace(den), 64)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("rating %q is not a number", s)
		}
		scale = d
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "点")), 64)
	if err != nil || v < 0 {
		return nil, fmt.Errorf("rating %q is not a number from 0 to 5", s)
	}
	if scale == 5 && v > 5 && v <= 10 {
		scale = 10
	}
	v = v * 5 / scale
	if v > 5 {
		return nil, fmt.Errorf("rating %q is more than 5", s)
	}
	return &v, nil
}

// stableID derives an id for a record that has none, from what identifies it, so that importing
// the same file again finds the same ids.
func stableID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "h:" + hex.EncodeToString(h.Sum(nil))[:24]
}
