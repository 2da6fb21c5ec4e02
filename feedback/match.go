package feedback

import "time"

// How a voice's account was found, strongest first. MatchManual (a person set this voice's account
// by hand) is never re-matched; the others are re-derived when accounts or rules change.
const (
	MatchManual  = "manual"
	MatchRule    = "manual_rule"
	MatchContact = "contact"
	MatchDomain  = "domain"
	MatchCompany = "company_name"
)

// Rule kinds.
const (
	RuleEmail  = "email"
	RuleDomain = "domain"
)

// Rule is a person's decision from the unknown-account queue: this email, or anyone at this
// domain, speaks for this account.
type Rule struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`    // RuleEmail or RuleDomain
	Pattern   string    `json:"pattern"` // lower case
	AccountID int64     `json:"account_id"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// AccountKey is what matching needs of an account.
type AccountKey struct {
	ID      int64
	NameKey string
	Domains []string
}

// MatchData is everything matching looks at.
type MatchData struct {
	Rules    []Rule
	Contacts []Contact
	Accounts []AccountKey
}

// Sender is one author of voices: an email and the company name the source gave, with the
// account the voices are matched to now.
type Sender struct {
	Email     string `json:"email"`
	Company   string `json:"company"`
	AccountID *int64 `json:"account_id,omitempty"`
	Rule      string `json:"rule"`
	Voices    int    `json:"voices"`
	// LastAt is when the newest of the voices arrived.
	LastAt time.Time `json:"last_at"`
}

// AccountRecord is an account as a source describes it, with its contacts.
type AccountRecord struct {
	Account  Account
	Contacts []Contact
	// Where says where the record came from, for messages (file:line, a kintone record id).
	Where string
}

// SyncCounts are the counts of one account sync run.
type SyncCounts struct {
	Read      int `json:"read"`
	New       int `json:"new"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Skipped   int `json:"skipped"`
	Failed    int `json:"failed"`
}

// Add adds o to c.
func (c *SyncCounts) Add(o SyncCounts) {
	c.Read += o.Read
	c.New += o.New
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
	c.Skipped += o.Skipped
	c.Failed += o.Failed
}
