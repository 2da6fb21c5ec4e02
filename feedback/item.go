package feedback

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// SourceKind is the kind of channel a voice came through.
type SourceKind string

const (
	SourceChat   SourceKind = "chat"
	SourceReview SourceKind = "review"
	SourceEmail  SourceKind = "email"
	SourceSlack  SourceKind = "slack"
	SourceManual SourceKind = "manual"
	SourceSheet  SourceKind = "sheet"
)

// SourceKinds lists every kind, in display order.
var SourceKinds = []SourceKind{SourceChat, SourceReview, SourceEmail, SourceSlack, SourceManual, SourceSheet}

// Valid reports whether k is a known kind.
func (k SourceKind) Valid() bool {
	for _, v := range SourceKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Status is where a voice stands in triage.
type Status string

const (
	StatusNew     Status = "new"
	StatusTriaged Status = "triaged"
	StatusIgnored Status = "ignored"
	StatusSpam    Status = "spam"
)

// Statuses lists every status of a voice, in the order work goes.
var Statuses = []Status{StatusNew, StatusTriaged, StatusIgnored, StatusSpam}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Tag says why a change matters to the account that asked for it.
type Tag string

const (
	TagNone               Tag = ""
	TagChurnRisk          Tag = "churn_risk"
	TagExpansion          Tag = "expansion"
	TagUsability          Tag = "usability"
	TagInternalEfficiency Tag = "internal_efficiency"
)

// Tags lists every tag, strongest reason first.
var Tags = []Tag{TagChurnRisk, TagExpansion, TagUsability, TagInternalEfficiency}

// Valid reports whether t is a known tag or no tag.
func (t Tag) Valid() bool {
	if t == TagNone {
		return true
	}
	for _, v := range Tags {
		if t == v {
			return true
		}
	}
	return false
}

// tagAliases are the other words CS sheets use for a tag (an imported sheet's タグ column),
// lower-case.
var tagAliases = map[string]Tag{
	"churn": TagChurnRisk, "チャーン": TagChurnRisk, "解約": TagChurnRisk,
	"upsell": TagExpansion, "アップセル": TagExpansion, "追加契約": TagExpansion,
	"ux": TagUsability, "ユーザビリティ": TagUsability,
	"efficiency": TagInternalEfficiency, "業務効率": TagInternalEfficiency, "効率化": TagInternalEfficiency,
}

// ParseTag reads a tag by its code or one of the words CS sheets use for it (churn, アップセル, ux,
// 業務効率 …; case does not matter); an empty string is no tag. Labels are words of the catalog:
// locale.ParseTag reads those too.
func ParseTag(s string) (Tag, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return TagNone, true
	}
	for _, t := range Tags {
		if strings.EqualFold(s, string(t)) {
			return t, true
		}
	}
	if t, ok := tagAliases[strings.ToLower(s)]; ok {
		return t, true
	}
	return "", false
}

// Item is one voice: one row of the feedback sheet.
type Item struct {
	ID int64 `json:"id"`
	// SourceKind, SourceName and SourceID identify the voice at its source; together they are
	// unique, which is what makes re-ingesting a no-op.
	SourceKind  SourceKind `json:"source_kind"`
	SourceName  string     `json:"source_name"`
	SourceID    string     `json:"source_id"`
	ReceivedAt  time.Time  `json:"received_at"`
	AuthorName  string     `json:"author_name"`
	AuthorEmail string     `json:"author_email"`
	// CompanyName is the company as the source gave it.
	CompanyName string `json:"company_name"`
	AccountID   *int64 `json:"account_id,omitempty"`
	// MatchRule says how AccountID was found (manual_rule, contact, domain, company_name).
	MatchRule string `json:"match_rule,omitempty"`
	// MRRAtReceipt is the account's MRR when the voice arrived.
	MRRAtReceipt *Money `json:"mrr_at_receipt,omitempty"`
	Title        string `json:"title"`
	// Body is the customer's own words; Context holds what surrounds them (agent replies, quoted
	// mail), kept apart.
	Body     string `json:"body"`
	Context  string `json:"context"`
	Language string `json:"language"`
	// Rating is a star rating 0–5 from a review; Sentiment, in [-1, 1], is read from the words.
	Rating    *float64        `json:"rating,omitempty"`
	Sentiment *float64        `json:"sentiment,omitempty"`
	URL       string          `json:"url"`
	Raw       json.RawMessage `json:"raw,omitempty"`

	Status      Status     `json:"status"`
	RequestID   *int64     `json:"request_id,omitempty"`
	Tag         Tag        `json:"tag,omitempty"`
	Insight     string     `json:"insight"`
	WhoBenefits string     `json:"who_benefits"`
	TriagedBy   *int64     `json:"triaged_by,omitempty"`
	TriagedAt   *time.Time `json:"triaged_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}
