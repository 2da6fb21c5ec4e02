// Package scoring ranks requests by the revenue at stake behind them, with the working shown,
// and suggests which request a new voice belongs to (Japanese and English text similarity).
package scoring

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/koehq/koe/feedback"
)

// Weights are every assumption of the ranking, in one place. Defaults are DefaultWeights; the
// dashboard shows them and admins may change them.
type Weights struct {
	// ChurnBase is the probability an account tagged churn_risk leaves without the change.
	ChurnBase float64 `json:"churn_base"`
	// ChurnSignal is how much the account's own churn-risk signal (0–1) adds to it.
	ChurnSignal float64 `json:"churn_signal"`
	// RenewalWithinDays and RenewalBoost: a renewal that close adds RenewalBoost.
	RenewalWithinDays int     `json:"renewal_within_days"`
	RenewalBoost      float64 `json:"renewal_boost"`
	// CancelBoost is added when billing says the subscription ends at period end.
	CancelBoost float64 `json:"cancel_boost"`
	// ExpansionUplift is the share of MRR an expansion-tagged change may add, when the CRM gives
	// no expansion estimate.
	ExpansionUplift float64 `json:"expansion_uplift"`
	// WinProbability weighs a prospect's deal value.
	WinProbability float64 `json:"win_probability"`
	// UsabilityWeight, EfficiencyWeight and UntaggedWeight weigh MRR for the softer reasons.
	UsabilityWeight  float64 `json:"usability_weight"`
	EfficiencyWeight float64 `json:"efficiency_weight"`
	UntaggedWeight   float64 `json:"untagged_weight"`
	// HalfLifeDays halves the weight of a voice every so many days; 0 turns decay off.
	HalfLifeDays float64 `json:"half_life_days"`
	// CurrentMRR ranks by the account's MRR today instead of its MRR when the voice arrived.
	CurrentMRR bool `json:"current_mrr"`
	// WinBack counts churned accounts (at the MRR they had) as revenue to win back.
	WinBack bool `json:"win_back"`
}

// DefaultWeights are the documented defaults.
var DefaultWeights = Weights{
	ChurnBase: 0.3, ChurnSignal: 0.5, RenewalWithinDays: 90, RenewalBoost: 0.15, CancelBoost: 0.4,
	ExpansionUplift: 0.2, WinProbability: 0.2, UsabilityWeight: 0.05, EfficiencyWeight: 0.03,
	UntaggedWeight: 0.02, HalfLifeDays: 365,
}

// Validate checks the weights make sense.
func (w Weights) Validate() error {
	for name, v := range map[string]float64{"churn_base": w.ChurnBase, "churn_signal": w.ChurnSignal,
		"renewal_boost": w.RenewalBoost, "cancel_boost": w.CancelBoost, "expansion_uplift": w.ExpansionUplift,
		"win_probability": w.WinProbability, "usability_weight": w.UsabilityWeight,
		"efficiency_weight": w.EfficiencyWeight, "untagged_weight": w.UntaggedWeight} {
		if v < 0 || v > 1 || math.IsNaN(v) {
			return feedback.Errorf(feedback.EINVALID, "Weight %s = %v: use a number from 0 to 1.", name, v)
		}
	}
	if w.HalfLifeDays < 0 || w.RenewalWithinDays < 0 {
		return feedback.Errorf(feedback.EINVALID, "Half-life and renewal window cannot be negative.")
	}
	return nil
}

// Link is what ranking needs of the voices of one account on one request with one tag.
type Link = feedback.VoiceLink

// Components of revenue at stake.
const (
	Churn     = "churn"
	Expansion = "expansion"
	Pipeline  = "pipeline"
	Other     = "other"
)

// Part is one account's share of a request's score: the working, shown to product owners.
type Part struct {
	AccountID int64   `json:"account_id"`
	Account   string  `json:"account"`
	MRR       int64   `json:"mrr"`
	Tag       string  `json:"tag"`
	Component string  `json:"component"`
	Amount    float64 `json:"amount"` // per year, after decay
	// Why is the working in words, filled in by Explain for the requests shown.
	Why    string `json:"why,omitempty"`
	lastAt time.Time
}

// Ranked is a request with its revenue at stake per year and how it adds up.
type Ranked struct {
	Rank      int                    `json:"rank"`
	RequestID int64                  `json:"request_id"`
	Title     string                 `json:"title"`
	Status    feedback.RequestStatus `json:"status"`
	Score     float64                `json:"score"`
	Accounts  int                    `json:"accounts"`
	MRRTotal  int64                  `json:"mrr_total"`
	Churn     float64                `json:"churn"`
	Expansion float64                `json:"expansion"`
	Pipeline  float64                `json:"pipeline"`
	Other     float64                `json:"other"`
	// Breakdown is filled in, strongest first, by Explain for the requests a caller shows.
	Breakdown []Part `json:"breakdown"`
	createdAt time.Time
	parts     []candidate
}

// RankRequests scores every request: over the distinct accounts whose voices are linked to it,
// each account counted once with its strongest reason (churn, expansion, pipeline, other),
// annualised, decayed by the age of the account's newest voice. Ties go to more accounts, then
// the older request. now is the clock. The parts carry numbers; Explain adds their working in
// words for the requests a caller shows.
func RankRequests(reqs []feedback.Request, links []Link, accounts map[int64]feedback.Account, w Weights, now time.Time) []Ranked {
	if !sort.SliceIsSorted(links, func(i, j int) bool { return linkLess(links[i], links[j]) }) {
		links = append([]Link(nil), links...)
		sort.Slice(links, func(i, j int) bool { return linkLess(links[i], links[j]) })
	}
	r := NewRanker(reqs, accounts, w, now)
	for i := range links {
		r.Add(links[i])
	}
	return r.Ranked()
}

// Ranker ranks links as they stream in, grouped by request and account (as the database reads
// them), so that ranking overlaps with reading. Not safe for concurrent use.
type Ranker struct {
	accts map[int64]*feedback.Account
	index map[int64]int
	out   []Ranked
	w     Weights
	now   time.Time
	cur   candidate // the strongest part of the current (request, account) group
	key   [2]int64
	open  bool
}

// NewRanker starts a ranking of reqs.
func NewRanker(reqs []feedback.Request, accounts map[int64]feedback.Account, w Weights, now time.Time) *Ranker {
	r := &Ranker{accts: make(map[int64]*feedback.Account, len(accounts)), index: make(map[int64]int, len(reqs)),
		out: make([]Ranked, len(reqs)), w: w, now: now}
	// Pointers: an Account is a large struct, and Add runs once per link.
	for id := range accounts {
		a := accounts[id]
		r.accts[id] = &a
	}
	for i, q := range reqs {
		r.index[q.ID] = i
		r.out[i] = Ranked{RequestID: q.ID, Title: q.Title, Status: q.Status, createdAt: q.CreatedAt}
	}
	return r
}

// Add takes the next link; links of one request and account must come together.
func (r *Ranker) Add(l Link) {
	key := [2]int64{l.RequestID, l.AccountID}
	if r.open && key != r.key {
		r.flush()
	}
	r.key = key
	a, ok := r.accts[l.AccountID]
	if !ok {
		return
	}
	c, ok := value(&l, a, r.w, r.now)
	if ok && (!r.open || c.amount > r.cur.amount || c.amount == r.cur.amount && c.component < r.cur.component) {
		r.cur, r.open = c, true
	}
}

// flush books the finished group's strongest part on its request.
func (r *Ranker) flush() {
	best := r.cur
	r.open = false
	k, ok := r.index[best.link.RequestID]
	if !ok {
		return
	}
	rk := &r.out[k]
	rk.parts = append(rk.parts, best)
	rk.MRRTotal += best.mrr
	switch best.component {
	case Churn:
		rk.Churn += best.amount
	case Expansion:
		rk.Expansion += best.amount
	case Pipeline:
		rk.Pipeline += best.amount
	default:
		rk.Other += best.amount
	}
}

// Ranked ends the ranking and returns it, best first.
func (r *Ranker) Ranked() []Ranked {
	if r.open {
		r.flush()
	}
	out := r.out
	for i := range out {
		rk := &out[i]
		rk.Breakdown = []Part{}
		rk.Accounts = len(rk.parts)
		rk.Churn, rk.Expansion, rk.Pipeline, rk.Other = round(rk.Churn), round(rk.Expansion), round(rk.Pipeline), round(rk.Other)
		rk.Score = round(rk.Churn + rk.Expansion + rk.Pipeline + rk.Other)
	}
	slices.SortFunc(out, func(a, b Ranked) int {
		switch {
		case a.Score != b.Score:
			return cmp.Compare(b.Score, a.Score)
		case a.Accounts != b.Accounts:
			return cmp.Compare(b.Accounts, a.Accounts)
		case !a.createdAt.Equal(b.createdAt):
			return a.createdAt.Compare(b.createdAt)
		}
		return cmp.Compare(a.RequestID, b.RequestID)
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

func linkLess(a, b Link) bool {
	if a.RequestID != b.RequestID {
		return a.RequestID < b.RequestID
	}
	return a.AccountID < b.AccountID
}

// Explain fills in the breakdown of the given requests: each account's part, strongest first,
// with its working in words.
func Explain(rs []Ranked, accounts map[int64]feedback.Account, w Weights, now time.Time) {
	for i := range rs {
		rk := &rs[i]
		rk.Breakdown = make([]Part, 0, len(rk.parts))
		for _, c := range rk.parts {
			a := accounts[c.link.AccountID]
			p := Part{AccountID: a.ID, Account: a.Name, MRR: c.mrr, Tag: string(c.link.Tag), Component: c.component,
				Amount: c.amount, lastAt: c.link.LastAt}
			p.Why = why(p, a, w, now)
			rk.Breakdown = append(rk.Breakdown, p)
		}
		slices.SortFunc(rk.Breakdown, func(a, b Part) int {
			if a.Amount != b.Amount {
				return cmp.Compare(b.Amount, a.Amount)
			}
			return cmp.Compare(a.AccountID, b.AccountID)
		})
	}
}

func round(x float64) float64 { return math.Round(x*100) / 100 }

// candidate is one link's value before the strongest per account is chosen.
type candidate struct {
	link      Link
	component string
	amount    float64
	mrr       int64
}

// value is one account's candidate share for one link, in numbers.
func value(l *Link, a *feedback.Account, w Weights, now time.Time) (candidate, bool) {
	if a.Lifecycle == feedback.Churned && !w.WinBack {
		return candidate{}, false
	}
	mrr := a.MRR.Minor
	if (!w.CurrentMRR || a.Lifecycle == feedback.Churned) && l.HasMRR {
		mrr = l.MRRAtReceipt // a churned account pays nothing today: win-back is what it paid
	}
	c := candidate{link: *l, mrr: mrr}
	var monthly float64
	switch {
	case a.Lifecycle == feedback.Prospect:
		c.component = Pipeline
		monthly = float64(deal(*a, mrr)) * w.WinProbability
	case l.Tag == feedback.TagChurnRisk:
		c.component = Churn
		monthly = float64(mrr) * churnProb(a, w, now)
	case l.Tag == feedback.TagExpansion:
		c.component = Expansion
		if a.Expansion != nil {
			monthly = float64(*a.Expansion)
		} else {
			monthly = float64(mrr) * w.ExpansionUplift
		}
	default:
		c.component = Other
		monthly = float64(mrr) * softWeight(l.Tag, w)
	}
	c.amount = round(monthly * 12 * decay(l.LastAt, w, now))
	return c, true
}

// churnProb is churnProbability without the words, for the hot loop.
func churnProb(a *feedback.Account, w Weights, now time.Time) float64 {
	p := w.ChurnBase
	if a.ChurnRisk != nil && *a.ChurnRisk > 0 {
		p += w.ChurnSignal * *a.ChurnRisk
	}
	if a.RenewalDate != nil && w.RenewalWithinDays > 0 {
		days := a.RenewalDate.Sub(now).Hours() / 24
		if days >= 0 && days <= float64(w.RenewalWithinDays) {
			p += w.RenewalBoost
		}
	}
	if a.CancelAtPeriodEnd {
		p += w.CancelBoost
	}
	return math.Min(p, 1)
}

func deal(a feedback.Account, mrr int64) int64 {
	if a.Deal != nil {
		return *a.Deal
	}
	return mrr
}

func softWeight(t feedback.Tag, w Weights) float64 {
	switch t {
	case feedback.TagUsability:
		return w.UsabilityWeight
	case feedback.TagInternalEfficiency:
		return w.EfficiencyWeight
	}
	return w.UntaggedWeight
}

func decay(last time.Time, w Weights, now time.Time) float64 {
	if w.HalfLifeDays <= 0 {
		return 1
	}
	age := now.Sub(last).Hours() / 24
	return math.Exp2(-math.Max(age, 0) / w.HalfLifeDays)
}

// why is a part's working in words.
func why(p Part, a feedback.Account, w Weights, now time.Time) string {
	var s string
	switch p.Component {
	case Pipeline:
		s = fmt.Sprintf("prospect: deal %s × win probability %.2f", money(deal(a, p.MRR), a), w.WinProbability)
	case Churn:
		s = fmt.Sprintf("churn: MRR %s × p(churn) %.2f (%s)", money(p.MRR, a), churnProb(&a, w, now), churnWords(a, w, now))
	case Expansion:
		if a.Expansion != nil {
			s = fmt.Sprintf("expansion: CRM estimate %s a month", money(*a.Expansion, a))
		} else {
			s = fmt.Sprintf("expansion: MRR %s × uplift %.2f", money(p.MRR, a), w.ExpansionUplift)
		}
	default:
		reason := map[string]string{string(feedback.TagUsability): "usability", string(feedback.TagInternalEfficiency): "internal efficiency"}[p.Tag]
		if reason == "" {
			reason = "untagged"
		}
		s = fmt.Sprintf("%s: MRR %s × %.2f", reason, money(p.MRR, a), softWeight(feedback.Tag(p.Tag), w))
	}
	if a.Lifecycle == feedback.Churned {
		s = "win-back, " + s
	}
	s += " × 12 months"
	if d := decay(p.lastAt, w, now); d < 0.9999 {
		s += fmt.Sprintf(" × decay %.2f (newest voice %s)", d, p.lastAt.Format("2006-01-02"))
	}
	return s
}

// churnWords says how the churn probability of an account was reached.
func churnWords(a feedback.Account, w Weights, now time.Time) string {
	parts := []string{fmt.Sprintf("base %.2f", w.ChurnBase)}
	if a.ChurnRisk != nil && *a.ChurnRisk > 0 {
		parts = append(parts, fmt.Sprintf("signal %.2f×%.2f", *a.ChurnRisk, w.ChurnSignal))
	}
	if a.RenewalDate != nil && w.RenewalWithinDays > 0 {
		days := a.RenewalDate.Sub(now).Hours() / 24
		if days >= 0 && days <= float64(w.RenewalWithinDays) {
			parts = append(parts, fmt.Sprintf("renewal in %.0f days %.2f", days, w.RenewalBoost))
		}
	}
	if a.CancelAtPeriodEnd {
		parts = append(parts, fmt.Sprintf("cancels at period end %.2f", w.CancelBoost))
	}
	return strings.Join(parts, " + ")
}

func money(minor int64, a feedback.Account) string {
	return feedback.Money{Minor: minor, Currency: a.MRR.Currency}.String()
}
