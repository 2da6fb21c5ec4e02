// Package scoring ranks requests by the revenue at stake behind them, with the working shown,
// and suggests which request a new voice belongs to (Japanese and English text similarity).
package scoring

import (
	"cmp"
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

// Reason codes of a part: what its amount was multiplied from. The dashboard and the CLI put
// them in words through the catalog (working.<reason>).
const (
	ReasonChurn             = "churn"              // MRR × p(churn)
	ReasonExpansion         = "expansion"          // MRR × uplift
	ReasonExpansionEstimate = "expansion_estimate" // the CRM's estimate, a month
	ReasonPipeline          = "pipeline"           // deal × win probability
	ReasonUsability         = "usability"          // MRR × usability weight
	ReasonEfficiency        = "internal_efficiency"
	ReasonUntagged          = "untagged"
)

// Factor is one term of a churn probability: base, signal (Signal × Value's weight), renewal
// (within Days), cancel.
type Factor struct {
	Code   string  `json:"code"`
	Value  float64 `json:"value"`
	Signal float64 `json:"signal,omitempty"`
	Days   int     `json:"days,omitempty"`
}

// Part is one account's share of a request's score: the working, shown to product owners, as
// numbers and codes (never words: the reader's catalog puts them in words).
type Part struct {
	AccountID int64  `json:"account_id"`
	Account   string `json:"account"`
	// MRR is what the account paid, in its own currency; MRRBase the same in the base currency.
	MRR       feedback.Money `json:"mrr"`
	MRRBase   float64        `json:"mrr_base"`
	Tag       string         `json:"tag"`
	Component string         `json:"component"`
	Reason    string         `json:"reason"`
	WinBack   bool           `json:"win_back,omitempty"`
	// Basis is the monthly amount the reason starts from (MRR, deal, CRM estimate) in the
	// account's currency, BasisBase in the base currency; Rate is the rate used (nil: the base
	// currency itself).
	Basis     feedback.Money `json:"basis"`
	BasisBase float64        `json:"basis_base"`
	Rate      *feedback.Rate `json:"rate,omitempty"`
	// Probability is p(churn), the uplift, the win probability or the soft weight (1 for a CRM
	// estimate); Factors are the terms of p(churn).
	Probability float64   `json:"probability"`
	Factors     []Factor  `json:"factors,omitempty"`
	Decay       float64   `json:"decay"`
	LastAt      time.Time `json:"last_voice_at"`
	Amount      float64   `json:"amount"` // per year, after decay, in the base currency
}

// Unconverted are the accounts in Currency, which has no exchange rate, left out of a sum.
type Unconverted struct {
	Currency string  `json:"currency"`
	Accounts []int64 `json:"accounts"`
}

// Ranked is a request with its revenue at stake per year and how it adds up, in the base
// currency.
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
	// Unconverted are the accounts left out of this request's sum: their currency has no rate.
	Unconverted []Unconverted `json:"unconverted,omitempty"`
	// Breakdown is filled in, strongest first, by Explain for the requests a caller shows.
	Breakdown []Part `json:"breakdown"`
	createdAt time.Time
	parts     []candidate
	mrrTotal  float64
}

// MissingRates gathers the unconverted accounts of rs by currency (each account once), by
// currency code: what a page, koe rank or the API warns about.
func MissingRates(rs []Ranked) []Unconverted {
	seen := map[string]map[int64]bool{}
	for _, r := range rs {
		for _, u := range r.Unconverted {
			if seen[u.Currency] == nil {
				seen[u.Currency] = map[int64]bool{}
			}
			for _, id := range u.Accounts {
				seen[u.Currency][id] = true
			}
		}
	}
	out := make([]Unconverted, 0, len(seen))
	for cur, ids := range seen {
		u := Unconverted{Currency: cur}
		for id := range ids {
			u.Accounts = append(u.Accounts, id)
		}
		slices.Sort(u.Accounts)
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b Unconverted) int { return strings.Compare(a.Currency, b.Currency) })
	return out
}

// RankRequests scores every request: over the distinct accounts whose voices are linked to it,
// each account counted once with its strongest reason (churn, expansion, pipeline, other),
// annualised, decayed by the age of the account's newest voice. Ties go to more accounts, then
// the older request. Every amount is converted to rates.Base first; an account whose currency
// has no rate is left out of the sum and named in Unconverted. now is the clock. Explain writes
// out the parts of the requests a caller shows.
func RankRequests(reqs []feedback.Request, links []Link, accounts map[int64]feedback.Account, rates feedback.Rates, w Weights, now time.Time) []Ranked {
	if !sort.SliceIsSorted(links, func(i, j int) bool { return linkLess(links[i], links[j]) }) {
		links = append([]Link(nil), links...)
		sort.Slice(links, func(i, j int) bool { return linkLess(links[i], links[j]) })
	}
	r := NewRanker(reqs, accounts, rates, w, now)
	for i := range links {
		r.Add(links[i])
	}
	return r.Ranked()
}

// Ranker ranks links as they stream in, grouped by request and account (as the database reads
// them), so that ranking overlaps with reading. Not safe for concurrent use.
type Ranker struct {
	accts accountIndex
	index map[int64]int
	out   []Ranked
	w     Weights
	now   time.Time
	cur   candidate // the strongest part of the current (request, account) group
	key   [2]int64
	open  bool
	arena partArena
}

// ranked is what ranking reads of an account for every link, kept small (a few cache lines for
// thousands of accounts, read in no order): its money, its churn probability (which depends on
// the account and the clock only) and the factor that takes its currency's minor units to the
// base currency's, when it has a rate. Explain reads the whole account.
type ranked struct {
	id, mrr, expansion, deal     int64
	factor, pChurn               float64
	currency                     string
	hasExpansion, hasDeal        bool
	prospect, churned, converted bool
}

func newRanked(a *feedback.Account, rates feedback.Rates, w Weights, now time.Time) ranked {
	r := ranked{id: a.ID, mrr: a.MRR.Minor, currency: a.MRR.Currency, pChurn: churnProb(a, w, now),
		prospect: a.Lifecycle == feedback.Prospect, churned: a.Lifecycle == feedback.Churned}
	r.factor, r.converted = rates.Factor(a.MRR.Currency)
	if a.Expansion != nil {
		r.expansion, r.hasExpansion = *a.Expansion, true
	}
	if a.Deal != nil {
		r.deal, r.hasDeal = *a.Deal, true
	}
	return r
}

// accountIndex finds an account by id without a map lookup per link when ids are dense (as
// database ids are): Add runs once per link, hundreds of thousands of times a ranking.
type accountIndex struct {
	list  []ranked
	dense []int32 // by id: position in list + 1, 0 for none
	byID  map[int64]int32
}

func newAccountIndex(accounts map[int64]feedback.Account, rates feedback.Rates, w Weights, now time.Time) accountIndex {
	x := accountIndex{list: make([]ranked, 0, len(accounts))}
	var top int64
	for id := range accounts {
		top = max(top, id)
	}
	if top < int64(4*len(accounts)+1024) {
		x.dense = make([]int32, top+1)
	} else {
		x.byID = make(map[int64]int32, len(accounts))
	}
	for id, a := range accounts {
		x.list = append(x.list, newRanked(&a, rates, w, now))
		if x.dense != nil && id >= 0 {
			x.dense[id] = int32(len(x.list))
		} else if x.byID != nil {
			x.byID[id] = int32(len(x.list))
		}
	}
	return x
}

func (x *accountIndex) get(id int64) (*ranked, bool) {
	var i int32
	if x.dense != nil {
		if id < 0 || id >= int64(len(x.dense)) {
			return nil, false
		}
		i = x.dense[id]
	} else {
		i = x.byID[id]
	}
	if i == 0 {
		return nil, false
	}
	return &x.list[i-1], true
}

// partArena hands out the candidate parts of requests from shared blocks, so that ranking does
// not grow a slice per request: a request's parts come together when links come by request.
type partArena struct {
	block []candidate
	last  int // the index of the request whose parts end the block, -1 for none
}

const arenaBlock = 16 << 10

// add appends c to the parts of request k.
func (a *partArena) add(rk *Ranked, k int, c candidate) {
	n := len(rk.parts)
	switch {
	case n > 0 && a.last != k: // its parts are elsewhere: grow them on their own
		rk.parts = append(rk.parts, c)
		return
	case len(a.block) == cap(a.block): // a new block, with the request's parts so far moved in
		a.block = make([]candidate, 0, max(arenaBlock, 2*(n+1)))
		a.block = append(a.block, rk.parts...)
	}
	a.block = append(a.block, c)
	a.last = k
	rk.parts = a.block[len(a.block)-n-1 : len(a.block) : len(a.block)]
}

// NewRanker starts a ranking of reqs, in rates.Base.
func NewRanker(reqs []feedback.Request, accounts map[int64]feedback.Account, rates feedback.Rates, w Weights, now time.Time) *Ranker {
	r := &Ranker{accts: newAccountIndex(accounts, rates, w, now), index: make(map[int64]int, len(reqs)),
		out: make([]Ranked, len(reqs)), w: w, now: now, arena: partArena{last: -1}}
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
	a, ok := r.accts.get(l.AccountID)
	if !ok {
		return
	}
	if !a.converted {
		if !a.churned || r.w.WinBack {
			r.unconverted(l.RequestID, a)
		}
		return
	}
	comp, amount, mrr, ok := value(&l, a, r.w, r.now)
	if ok && (!r.open || amount > r.cur.amount || amount == r.cur.amount && comp < r.cur.comp) {
		r.cur = candidate{account: l.AccountID, lastAt: l.LastAt.UnixNano(), tag: tagCode(l.Tag), comp: comp,
			amount: amount, mrr: mrr, factor: a.factor}
		r.open = true
	}
}

// unconverted notes on its request that account a, whose currency has no rate, was left out.
func (r *Ranker) unconverted(request int64, a *ranked) {
	k, ok := r.index[request]
	if !ok {
		return
	}
	rk := &r.out[k]
	for i := range rk.Unconverted {
		if u := &rk.Unconverted[i]; u.Currency == a.currency {
			if !slices.Contains(u.Accounts, a.id) {
				u.Accounts = append(u.Accounts, a.id)
			}
			return
		}
	}
	rk.Unconverted = append(rk.Unconverted, Unconverted{Currency: a.currency, Accounts: []int64{a.id}})
}

// flush books the finished group's strongest part on its request.
func (r *Ranker) flush() {
	best := r.cur
	r.open = false
	k, ok := r.index[r.key[0]]
	if !ok {
		return
	}
	rk := &r.out[k]
	r.arena.add(rk, k, best)
	rk.mrrTotal += float64(best.mrr) * best.factor
	switch components[best.comp] {
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
		rk.MRRTotal = int64(math.Round(rk.mrrTotal))
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
// with its working in numbers and codes. rates must be those the ranking was made with.
func Explain(rs []Ranked, accounts map[int64]feedback.Account, rates feedback.Rates, w Weights, now time.Time) {
	for i := range rs {
		rk := &rs[i]
		rk.Breakdown = make([]Part, 0, len(rk.parts))
		for _, c := range rk.parts {
			rk.Breakdown = append(rk.Breakdown, part(c, accounts[c.account], rates, w, now))
		}
		slices.SortFunc(rk.Breakdown, func(a, b Part) int {
			if a.Amount != b.Amount {
				return cmp.Compare(b.Amount, a.Amount)
			}
			return cmp.Compare(a.AccountID, b.AccountID)
		})
	}
}

// part is the working of one account's candidate.
func part(c candidate, a feedback.Account, rates feedback.Rates, w Weights, now time.Time) Part {
	tag, last := candidateTags[c.tag], time.Unix(0, c.lastAt).UTC()
	cur := a.MRR.Currency
	p := Part{AccountID: a.ID, Account: a.Name, MRR: feedback.Money{Minor: c.mrr, Currency: cur}, MRRBase: round(float64(c.mrr) * c.factor),
		Tag: string(tag), Component: components[c.comp], WinBack: a.Lifecycle == feedback.Churned,
		Decay: decay(last, w, now), LastAt: last, Amount: c.amount}
	if r, ok := rates.Lookup(cur); ok && cur != rates.Base {
		p.Rate = &r
	}
	basis := c.mrr
	switch components[c.comp] {
	case Pipeline:
		p.Reason, basis, p.Probability = ReasonPipeline, deal(a, c.mrr), w.WinProbability
	case Churn:
		p.Reason, p.Probability, p.Factors = ReasonChurn, churnProb(&a, w, now), churnFactors(a, w, now)
	case Expansion:
		if a.Expansion != nil {
			p.Reason, basis, p.Probability = ReasonExpansionEstimate, *a.Expansion, 1
		} else {
			p.Reason, p.Probability = ReasonExpansion, w.ExpansionUplift
		}
	default:
		p.Probability = softWeight(tag, w)
		switch tag {
		case feedback.TagUsability:
			p.Reason = ReasonUsability
		case feedback.TagInternalEfficiency:
			p.Reason = ReasonEfficiency
		default:
			p.Reason = ReasonUntagged
		}
	}
	p.Basis, p.BasisBase = feedback.Money{Minor: basis, Currency: cur}, round(float64(basis)*c.factor)
	return p
}

// Release drops what only Explain needs (every account's candidate part) from rs, so that a
// ranking kept for reuse holds its totals and the breakdowns already written out.
func Release(rs []Ranked) {
	for i := range rs {
		rs[i].parts = nil
	}
}

func round(x float64) float64 { return math.Round(x*100) / 100 }

// candidate is one account's strongest part on a request before the sum: mrr is in the
// account's currency, amount in the base currency (factor converts). It holds no pointer: a
// ranking keeps hundreds of thousands of them, which the collector then need not scan.
type candidate struct {
	account int64
	lastAt  int64 // the newest voice, unix nanoseconds
	amount  float64
	mrr     int64
	factor  float64
	tag     uint8 // in candidateTags
	comp    uint8 // in components
}

// components are the components by code, in the order of their names (a tie goes to the first).
var components = [...]string{Churn, Expansion, Other, Pipeline}

const (
	compChurn uint8 = iota
	compExpansion
	compOther
	compPipeline
)

// candidateTags are the tags by code.
var candidateTags = [...]feedback.Tag{feedback.TagNone, feedback.TagChurnRisk, feedback.TagExpansion, feedback.TagUsability, feedback.TagInternalEfficiency}

func tagCode(t feedback.Tag) uint8 {
	switch t {
	case feedback.TagChurnRisk:
		return 1
	case feedback.TagExpansion:
		return 2
	case feedback.TagUsability:
		return 3
	case feedback.TagInternalEfficiency:
		return 4
	}
	return 0
}

// value is one account's share for one link, in numbers: its component (code), its amount in the base
// currency and the MRR (in the account's currency) it starts from; ok is false for a churned
// account when win-back is off.
func value(l *Link, a *ranked, w Weights, now time.Time) (comp uint8, amount float64, mrr int64, ok bool) {
	if a.churned && !w.WinBack {
		return 0, 0, 0, false
	}
	mrr = a.mrr
	if (!w.CurrentMRR || a.churned) && l.HasMRR {
		mrr = l.MRRAtReceipt // a churned account pays nothing today: win-back is what it paid
	}
	var monthly float64
	switch {
	case a.prospect:
		comp = compPipeline
		d := mrr
		if a.hasDeal {
			d = a.deal
		}
		monthly = float64(d) * w.WinProbability
	case l.Tag == feedback.TagChurnRisk:
		comp = compChurn
		monthly = float64(mrr) * a.pChurn
	case l.Tag == feedback.TagExpansion:
		comp = compExpansion
		if a.hasExpansion {
			monthly = float64(a.expansion)
		} else {
			monthly = float64(mrr) * w.ExpansionUplift
		}
	default:
		comp = compOther
		monthly = float64(mrr) * softWeight(l.Tag, w)
	}
	return comp, round(monthly * a.factor * 12 * decay(l.LastAt, w, now)), mrr, true
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

// churnFactors are the terms churnProb adds up, before the cap at 1.
func churnFactors(a feedback.Account, w Weights, now time.Time) []Factor {
	out := []Factor{{Code: "base", Value: w.ChurnBase}}
	if a.ChurnRisk != nil && *a.ChurnRisk > 0 {
		out = append(out, Factor{Code: "signal", Value: w.ChurnSignal, Signal: *a.ChurnRisk})
	}
	if a.RenewalDate != nil && w.RenewalWithinDays > 0 {
		days := a.RenewalDate.Sub(now).Hours() / 24
		if days >= 0 && days <= float64(w.RenewalWithinDays) {
			out = append(out, Factor{Code: "renewal", Value: w.RenewalBoost, Days: int(math.Round(days))})
		}
	}
	if a.CancelAtPeriodEnd {
		out = append(out, Factor{Code: "cancel", Value: w.CancelBoost})
	}
	return out
}
