package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// linkSet is one moment's summaries, never changed once published (a refresh makes a new one
// sharing the unchanged requests' slices).
type linkSet struct {
	ids   []int64                 // requests with links, ascending
	links map[int64][]summaryLink // ordered by account, tag, source kind, language
	names []string                // tag, source kind and language values by code
	codes map[string]uint16       // names by value; only the refresh (under mu) adds to it
}

// summaryLink is one row of backlog_links without its request: the newest voice that counts of
// one account, tag, source kind and language (codes into linkSet.names).
type summaryLink struct {
	account         int64
	lastAt          int64 // unix microseconds
	mrr             int64
	tag, kind, lang uint16
	hasMRR          bool
}

// loadLinkSet reads the summaries of the requests changed (all of them when old is nil) into
// a new set that shares old's other requests.
func loadLinkSet(ctx context.Context, tx *sqlx.Tx, old *linkSet, changed []int64) (*linkSet, error) {
	next := &linkSet{links: map[int64][]summaryLink{}, codes: map[string]uint16{}}
	q := `SELECT request_id, account_id, tag, source_kind, language, last_at, mrr_at_receipt_minor FROM backlog_links`
	var args []any
	if old != nil {
		next.names, next.codes = old.names, old.codes
		next.links = make(map[int64][]summaryLink, len(old.links)+len(changed))
		for id, ls := range old.links {
			next.links[id] = ls
		}
		for _, id := range changed {
			delete(next.links, id)
		}
		q += ` WHERE request_id = ANY($1)`
		args = append(args, int64Array(changed))
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY request_id, account_id, tag, source_kind, language`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// One array for all the rows read, each request's rows a slice of it.
	var (
		all             []summaryLink
		req, acct       int64
		tag, kind, lang []byte
		at              time.Time
		mrr             sql.NullInt64
		starts          []int64 // request, first row, in turn
	)
	for rows.Next() {
		if err := rows.Scan(&req, &acct, &tag, &kind, &lang, &at, &mrr); err != nil {
			return nil, err
		}
		if n := len(starts); n == 0 || starts[n-2] != req {
			starts = append(starts, req, int64(len(all)))
		}
		all = append(all, summaryLink{account: acct, lastAt: at.UnixMicro(), mrr: mrr.Int64, hasMRR: mrr.Valid,
			tag: next.code(tag), kind: next.code(kind), lang: next.code(lang)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := 0; i < len(starts); i += 2 {
		end := int64(len(all))
		if i+2 < len(starts) {
			end = starts[i+3]
		}
		next.links[starts[i]] = all[starts[i+1]:end:end]
	}
	next.ids = make([]int64, 0, len(next.links))
	for id := range next.links {
		next.ids = append(next.ids, id)
	}
	slices.Sort(next.ids)
	return next, nil
}

// code is the code of value v, added when new. Codes are only added, so a published set's names
// stay valid; the map is written only under linkCache.mu and read by no reader.
func (ls *linkSet) code(v []byte) uint16 {
	if c, ok := ls.codes[string(v)]; ok {
		return c
	}
	c := uint16(len(ls.names))
	ls.names = append(ls.names, string(v))
	ls.codes[string(v)] = c
	return c
}

// lookup is the code of v in a published set, and whether any summary has it.
func (ls *linkSet) lookup(v string) (uint16, bool) {
	i := slices.Index(ls.names, v)
	return uint16(i), i >= 0
}

// eachSummaryLink is EachVoiceLink from the summaries: per request, account and tag, the newest
// summary the filter lets through (From keeps those at or after it: the newest voice since From
// is the newest voice, when that is since From).
func (s *DB) eachSummaryLink(ctx context.Context, f feedback.BacklogFilter, rates feedback.Rates, fn func(feedback.VoiceLink)) error {
	pass, err := accountFilter(f, rates)
	if err != nil {
		return err
	}
	d, err := s.backlogNow(ctx)
	if err != nil {
		return fmt.Errorf("store: voice links: %w", err)
	}
	passes := func(int64) bool { return true }
	if pass != nil {
		passes = passingAccounts(d.accounts, pass)
	}
	set := d.links
	// A value no summary has lets nothing through.
	match := func(v string) (code uint16, any bool, ok bool) {
		if v == "" {
			return 0, true, true
		}
		code, ok = set.lookup(v)
		return code, false, ok
	}
	tag, anyTag, ok1 := match(string(f.Tag))
	kind, anyKind, ok2 := match(string(f.SourceKind))
	lang, anyLang, ok3 := match(f.Language)
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	from := int64(-1 << 63)
	if f.From != nil {
		from = f.From.UnixMicro()
	}
	for _, req := range set.ids {
		ls := set.links[req]
		for i := 0; i < len(ls); {
			// One (account, tag) group: rows i..j-1.
			j, best := i, -1
			for ; j < len(ls) && ls[j].account == ls[i].account && ls[j].tag == ls[i].tag; j++ {
				l := &ls[j]
				if l.lastAt < from || !anyKind && l.kind != kind || !anyLang && l.lang != lang {
					continue
				}
				if best < 0 || l.lastAt > ls[best].lastAt {
					best = j
				}
			}
			l := &ls[i]
			i = j
			if best < 0 || !anyTag && l.tag != tag || !passes(l.account) {
				continue
			}
			b := &ls[best]
			fn(feedback.VoiceLink{RequestID: req, AccountID: b.account, Tag: feedback.Tag(set.names[b.tag]),
				LastAt: time.UnixMicro(b.lastAt).UTC(), MRRAtReceipt: b.mrr, HasMRR: b.hasMRR})
		}
	}
	return nil
}

// passingAccounts says which accounts pass: by id in a slice when ids are dense (as database ids
// are), else in a map; the filter runs once per account, the answer once per link.
func passingAccounts(accounts map[int64]feedback.Account, pass func(*feedback.Account) bool) func(int64) bool {
	var top int64
	for id := range accounts {
		top = max(top, id)
	}
	var a feedback.Account // one copy for every account: a pointer to the loop's would escape
	if top < int64(4*len(accounts)+1024) {
		dense := make([]bool, top+1)
		for id := range accounts {
			a = accounts[id]
			dense[id] = id >= 0 && pass(&a)
		}
		return func(id int64) bool { return id >= 0 && id < int64(len(dense)) && dense[id] }
	}
	sparse := make(map[int64]bool)
	for id := range accounts {
		if a = accounts[id]; pass(&a) {
			sparse[id] = true
		}
	}
	return func(id int64) bool { return sparse[id] }
}

// accountFilter is accountConds in Go, over the accounts in memory (nil: the filter asks nothing
// of the account). The MRR band is the same float arithmetic as the SQL's.
func accountFilter(f feedback.BacklogFilter, rates feedback.Rates) (func(*feedback.Account) bool, error) {
	var tests []func(*feedback.Account) bool
	if f.Plan != "" {
		// As lower(plan) = lower($1), without a string made per account.
		tests = append(tests, func(a *feedback.Account) bool { return strings.EqualFold(a.Plan, f.Plan) })
	}
	if f.Lifecycle != "" {
		tests = append(tests, func(a *feedback.Account) bool { return a.Lifecycle == f.Lifecycle })
	}
	if f.MRRBand != "" {
		b, ok := feedback.MRRBands[f.MRRBand]
		if !ok {
			return nil, feedback.Errorf(feedback.EINVALID, "Unknown MRR band %q.", f.MRRBand)
		}
		lo, hi := float64(b[0])*rates.MinorPerMajor(), float64(b[1])*rates.MinorPerMajor()
		curs, factors := rates.Factors()
		tests = append(tests, func(a *feedback.Account) bool {
			i := slices.Index(curs, a.MRR.Currency)
			if i < 0 {
				return false
			}
			m := float64(a.MRR.Minor) * factors[i]
			return m >= lo && m < hi
		})
	}
	if f.Employees != "" {
		b, ok := feedback.EmployeeBands[f.Employees]
		if !ok {
			return nil, feedback.Errorf(feedback.EINVALID, "Unknown employee band %q.", f.Employees)
		}
		tests = append(tests, func(a *feedback.Account) bool {
			return a.Employees != nil && int64(*a.Employees) >= b[0] && int64(*a.Employees) < b[1]
		})
	}
	if tests == nil {
		return nil, nil
	}
	return func(a *feedback.Account) bool {
		for _, t := range tests {
			if !t(a) {
				return false
			}
		}
		return true
	}, nil
}
