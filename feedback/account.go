package feedback

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Lifecycle is where an account stands with us.
type Lifecycle string

const (
	Prospect Lifecycle = "prospect"
	Customer Lifecycle = "customer"
	Churned  Lifecycle = "churned"
)

// Valid reports whether l is a known lifecycle.
func (l Lifecycle) Valid() bool { return l == Prospect || l == Customer || l == Churned }

// Money is an amount in a currency's minor units (yen for JPY, cents for USD).
type Money struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
}

// zeroDecimal lists ISO 4217 currencies without minor units (Stripe's list of the common ones).
var zeroDecimal = map[string]bool{
	"BIF": true, "CLP": true, "DJF": true, "GNF": true, "JPY": true, "KMF": true, "KRW": true,
	"MGA": true, "PYG": true, "RWF": true, "UGX": true, "VND": true, "VUV": true, "XAF": true,
	"XOF": true, "XPF": true,
}

// ZeroDecimal reports whether currency has no minor unit.
func ZeroDecimal(currency string) bool { return zeroDecimal[currency] }

// Major returns the amount in major units (yen, dollars).
func (m Money) Major() float64 {
	if ZeroDecimal(m.Currency) {
		return float64(m.Minor)
	}
	return float64(m.Minor) / 100
}

// String formats m for people: "¥1,200,000", "$1,250.00", "1,000 EUR".
func (m Money) String() string {
	switch m.Currency {
	case "JPY":
		return "¥" + groupThousands(m.Minor)
	case "USD":
		return fmt.Sprintf("$%s.%02d", groupThousands(m.Minor/100), m.Minor%100)
	}
	if ZeroDecimal(m.Currency) {
		return groupThousands(m.Minor) + " " + m.Currency
	}
	return fmt.Sprintf("%s.%02d %s", groupThousands(m.Minor/100), m.Minor%100, m.Currency)
}

// Coded formats m with its currency's code first, for amounts shown beside a conversion:
// "USD 1,250.00", "JPY 1,200,000".
func (m Money) Coded() string {
	if ZeroDecimal(m.Currency) {
		return m.Currency + " " + groupThousands(m.Minor)
	}
	return fmt.Sprintf("%s %s.%02d", m.Currency, groupThousands(m.Minor/100), m.Minor%100)
}

func groupThousands(n int64) string {
	if n < 0 {
		return "-" + groupThousands(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// AccountSources are where an account may come from (Account.Source): an import from a CSV
// file, kintone or Stripe, made by hand, or the demo data.
var AccountSources = []string{"csv", "kintone", "stripe", "manual", "demo"}

// Account is a company that pays us, may pay us, or used to.
type Account struct {
	ID         int64     `json:"id"`
	Source     string    `json:"source"` // where the account came from: one of AccountSources
	ExternalID string    `json:"external_id"`
	Name       string    `json:"name"`
	NameKey    string    `json:"name_key"`
	Domains    []string  `json:"domains"`
	MRR        Money     `json:"mrr"`
	Plan       string    `json:"plan"`
	Employees  *int      `json:"employees,omitempty"`
	Lifecycle  Lifecycle `json:"lifecycle"`
	// RenewalDate is the next contract renewal, if known.
	RenewalDate *time.Time `json:"renewal_date,omitempty"`
	// ChurnRisk is the CRM's or billing's signal, 0 (safe) to 1 (leaving).
	ChurnRisk         *float64 `json:"churn_risk,omitempty"`
	CancelAtPeriodEnd bool     `json:"cancel_at_period_end"`
	// Expansion is the extra MRR the account could add, where the CRM estimates it.
	Expansion *int64 `json:"expansion_minor,omitempty"`
	// Deal is a prospect's expected MRR.
	Deal *int64 `json:"deal_minor,omitempty"`
	// ManualFields names the fields a person set by hand; syncs leave them alone.
	ManualFields []string  `json:"manual_fields,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Account fields, as syncs declare what they provide and people override.
const (
	FieldName              = "name"
	FieldDomains           = "domains"
	FieldMRR               = "mrr"
	FieldCurrency          = "currency"
	FieldPlan              = "plan"
	FieldEmployees         = "employees"
	FieldLifecycle         = "lifecycle"
	FieldRenewalDate       = "renewal_date"
	FieldChurnRisk         = "churn_risk"
	FieldCancelAtPeriodEnd = "cancel_at_period_end"
	FieldExpansion         = "expansion"
	FieldDeal              = "deal"
)

// AccountFields lists every field a sync may provide.
var AccountFields = []string{FieldName, FieldDomains, FieldMRR, FieldCurrency, FieldPlan, FieldEmployees, FieldLifecycle,
	FieldRenewalDate, FieldChurnRisk, FieldCancelAtPeriodEnd, FieldExpansion, FieldDeal}

// Contact is a person at an account, known by email.
type Contact struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	AccountID int64  `json:"account_id"`
}

// Yen formats an amount of yen (a float from the ranking) as money, rounded to the yen.
func Yen(x float64) string { return Money{Minor: int64(math.Round(x)), Currency: "JPY"}.String() }

// MRRBand buckets a monthly amount in major units of the base currency (Rates.MRRBand converts
// to it) for segments and for showing revenue without the exact figure.
func MRRBand(major float64) string {
	switch {
	case major <= 0:
		return "none"
	case major < 50_000:
		return "<50k"
	case major < 200_000:
		return "50k-200k"
	case major < 500_000:
		return "200k-500k"
	case major < 1_000_000:
		return "500k-1M"
	default:
		return "1M+"
	}
}

// AccountPatch is a person's edit of an account; nil fields stay as they are. Every field it sets
// becomes manual: later syncs leave it alone.
type AccountPatch struct {
	// Name goes with NameKey, its normalised form (accounts.NameKey).
	Name        *string
	NameKey     *string
	Domains     *[]string
	MRR         *Money
	Plan        *string
	Employees   *int
	Lifecycle   *Lifecycle
	RenewalDate *time.Time
	ChurnRisk   *float64
	Expansion   *int64
	Deal        *int64
}

// Apply sets p's fields on a and returns the names of the fields it set.
func (p AccountPatch) Apply(a *Account) []string {
	var set []string
	if p.Name != nil {
		a.Name, set = *p.Name, append(set, FieldName)
		a.NameKey = ""
		if p.NameKey != nil {
			a.NameKey = *p.NameKey
		}
	}
	if p.Domains != nil {
		a.Domains, set = *p.Domains, append(set, FieldDomains)
	}
	if p.MRR != nil {
		a.MRR, set = *p.MRR, append(set, FieldMRR, FieldCurrency)
	}
	if p.Plan != nil {
		a.Plan, set = *p.Plan, append(set, FieldPlan)
	}
	if p.Employees != nil {
		a.Employees, set = p.Employees, append(set, FieldEmployees)
	}
	if p.Lifecycle != nil {
		a.Lifecycle, set = *p.Lifecycle, append(set, FieldLifecycle)
	}
	if p.RenewalDate != nil {
		a.RenewalDate, set = p.RenewalDate, append(set, FieldRenewalDate)
	}
	if p.ChurnRisk != nil {
		a.ChurnRisk, set = p.ChurnRisk, append(set, FieldChurnRisk)
	}
	if p.Expansion != nil {
		a.Expansion, set = p.Expansion, append(set, FieldExpansion)
	}
	if p.Deal != nil {
		a.Deal, set = p.Deal, append(set, FieldDeal)
	}
	return set
}

// Validate checks an account's values.
func (a Account) Validate() error {
	switch {
	case a.Name == "":
		return Errorf(EINVALID, "An account needs a name.")
	case a.NameKey == "":
		return Errorf(EINVALID, "Account %q has no name key.", a.Name)
	case a.MRR.Minor < 0:
		return Errorf(EINVALID, "MRR cannot be negative.")
	case len(a.MRR.Currency) != 3 || strings.ToUpper(a.MRR.Currency) != a.MRR.Currency:
		return Errorf(EINVALID, "Currency %q is not an ISO 4217 code such as JPY.", a.MRR.Currency)
	case !a.Lifecycle.Valid():
		return Errorf(EINVALID, "Lifecycle %q: use prospect, customer or churned.", a.Lifecycle)
	case a.Employees != nil && *a.Employees < 0:
		return Errorf(EINVALID, "Employees cannot be negative.")
	case a.ChurnRisk != nil && (*a.ChurnRisk < 0 || *a.ChurnRisk > 1):
		return Errorf(EINVALID, "Churn risk must be between 0 and 1.")
	case a.Expansion != nil && *a.Expansion < 0, a.Deal != nil && *a.Deal < 0:
		return Errorf(EINVALID, "Amounts cannot be negative.")
	}
	return nil
}
