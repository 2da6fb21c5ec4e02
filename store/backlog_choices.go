package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/lib/pq"

	"github.com/koehq/koe/feedback"
)

// Choice is one value a backlog segment filter can take, as found in the data, and how many
// accounts have it (voices are not counted: Count is 0 for sources and languages).
type Choice struct {
	Value string `json:"value"`
	Count int64  `json:"count,omitempty"`
}

// SourceChoice is a kind of source voices came from, with the named sources of that kind.
type SourceChoice struct {
	Kind  feedback.SourceKind `json:"kind"`
	Names []string            `json:"names"`
}

// BacklogChoices are the values each segment filter of the backlog can take because the data
// has them: plans (one per plan whatever its case, written as most accounts write it), lifecycles,
// MRR bands (converted to the base currency) and employee bands that accounts are in, the source
// kinds and languages of voices. Lists are in the order people read them: plans alphabetically,
// bands from small to large, the rest in their domain order.
type BacklogChoices struct {
	Plans         []Choice       `json:"plans"`
	Lifecycles    []Choice       `json:"lifecycles"`
	MRRBands      []Choice       `json:"mrr_bands"`
	EmployeeBands []Choice       `json:"employee_bands"`
	Sources       []SourceChoice `json:"sources"`
	Languages     []Choice       `json:"languages"`
}

// BacklogChoices reads the filters' choices. It costs one pass over the accounts (tens of
// thousands of rows) and a skip scan down two indexes of the voices (a probe per distinct value),
// never a pass over the voices.
func (s *DB) BacklogChoices(ctx context.Context, rates feedback.Rates) (BacklogChoices, error) {
	var out BacklogChoices
	if err := s.accountChoices(ctx, rates, &out); err != nil {
		return out, fmt.Errorf("store: backlog choices: %w", err)
	}
	if err := s.voiceChoices(ctx, &out); err != nil {
		return out, fmt.Errorf("store: backlog choices: %w", err)
	}
	return out, nil
}

// ChoicesCache keeps the latest BacklogChoices and reads them again only when the backlog's
// data has changed since (BacklogVersion moved: a voice, account, request or rate), so a page
// view costs one small read. Its zero value is ready; safe for concurrent use, and views that
// ask at once share one reading. Correct with many replicas: the version is the database's.
type ChoicesCache struct {
	mu      sync.Mutex
	ok      bool
	version int64
	base    string
	c       BacklogChoices
}

// Get returns the choices for rates, read again from db when the data changed. The lists are
// shared with other callers: read them, never change them.
func (cc *ChoicesCache) Get(ctx context.Context, db *DB, rates feedback.Rates) (BacklogChoices, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	v, err := db.BacklogVersion(ctx)
	if err != nil {
		return BacklogChoices{}, err
	}
	if cc.ok && cc.version == v && cc.base == rates.Base {
		return cc.c, nil
	}
	c, err := db.BacklogChoices(ctx, rates)
	if err != nil {
		return c, err
	}
	cc.ok, cc.version, cc.base, cc.c = true, v, rates.Base, c
	return c, nil
}

// MRRBandOrder and EmployeeBandOrder are the bands from small to large.
var (
	MRRBandOrder      = bandOrder(feedback.MRRBands)
	EmployeeBandOrder = bandOrder(feedback.EmployeeBands)
)

func bandOrder(bands map[string][2]int64) []string {
	out := make([]string, 0, len(bands))
	for b := range bands {
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(bands[a][0], bands[b][0]) })
	return out
}

// accountChoices counts the accounts by plan as written, lifecycle, employee band and MRR band
// in one hash aggregate (a few hundred groups; width_bucket finds a band from the bands' lower
// bounds, 0 below the first: no band), then folds the plans' cases here.
func (s *DB) accountChoices(ctx context.Context, rates feedback.Rates, out *BacklogChoices) error {
	curs, factors := rates.Factors()
	var mrrLo []float64
	for _, b := range MRRBandOrder {
		mrrLo = append(mrrLo, float64(feedback.MRRBands[b][0])*rates.MinorPerMajor())
	}
	var empLo []int64
	for _, b := range EmployeeBandOrder {
		empLo = append(empLo, feedback.EmployeeBands[b][0])
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT a.plan, a.lifecycle, COALESCE(width_bucket(a.employees, $1::int[]), 0),
		       COALESCE(width_bucket(a.mrr_minor * r.f, $2::float8[]), 0), count(*)
		FROM accounts a LEFT JOIN unnest($3::text[], $4::float8[]) AS r(c, f) ON r.c = a.currency
		GROUP BY 1, 2, 3, 4`, pq.Int64Array(empLo), pq.Float64Array(mrrLo), pq.StringArray(curs), pq.Float64Array(factors))
	if err != nil {
		return err
	}
	defer rows.Close()
	// plans: per plan folded, how many accounts write it each way.
	plans := map[string]map[string]int64{}
	lifecycles := map[feedback.Lifecycle]int64{}
	emp, mrr := make([]int64, len(EmployeeBandOrder)+1), make([]int64, len(MRRBandOrder)+1)
	for rows.Next() {
		var plan, lc string
		var e, m int
		var n int64
		if err := rows.Scan(&plan, &lc, &e, &m, &n); err != nil {
			return err
		}
		if plan != "" {
			key := strings.ToLower(plan)
			if plans[key] == nil {
				plans[key] = map[string]int64{}
			}
			plans[key][plan] += n
		}
		lifecycles[feedback.Lifecycle(lc)] += n
		emp[e] += n
		mrr[m] += n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ways := range plans {
		c := Choice{}
		for written, n := range ways { // the most written way; among equals, the first in order
			if n > ways[c.Value] || n == ways[c.Value] && written < c.Value {
				c.Value = written
			}
			c.Count += n
		}
		out.Plans = append(out.Plans, c)
	}
	slices.SortFunc(out.Plans, func(a, b Choice) int { return cmp.Compare(strings.ToLower(a.Value), strings.ToLower(b.Value)) })
	for _, l := range []feedback.Lifecycle{feedback.Customer, feedback.Prospect, feedback.Churned} {
		if n := lifecycles[l]; n > 0 {
			out.Lifecycles = append(out.Lifecycles, Choice{Value: string(l), Count: n})
		}
	}
	for i, b := range MRRBandOrder {
		if n := mrr[i+1]; n > 0 {
			out.MRRBands = append(out.MRRBands, Choice{Value: b, Count: n})
		}
	}
	for i, b := range EmployeeBandOrder {
		if n := emp[i+1]; n > 0 {
			out.EmployeeBands = append(out.EmployeeBands, Choice{Value: b, Count: n})
		}
	}
	return nil
}

// voiceChoices skips down the (source_kind, source_name, source_id) key and the language index:
// each step is the next value after the last one found, so the cost is a probe per distinct value
// however many voices there are.
func (s *DB) voiceChoices(ctx context.Context, out *BacklogChoices) error {
	var sources []struct {
		Kind string `db:"source_kind"`
		Name string `db:"source_name"`
	}
	if err := s.db.SelectContext(ctx, &sources, `
		WITH RECURSIVE s AS (
			(SELECT source_kind, source_name FROM feedback ORDER BY source_kind, source_name LIMIT 1)
			UNION ALL
			SELECT n.source_kind, n.source_name FROM s, LATERAL (
				SELECT f.source_kind, f.source_name FROM feedback f
				WHERE (f.source_kind, f.source_name) > (s.source_kind, s.source_name)
				ORDER BY f.source_kind, f.source_name LIMIT 1) n)
		SELECT source_kind, source_name FROM s`); err != nil {
		return err
	}
	names := map[feedback.SourceKind][]string{}
	for _, x := range sources {
		names[feedback.SourceKind(x.Kind)] = append(names[feedback.SourceKind(x.Kind)], x.Name)
	}
	for _, k := range feedback.SourceKinds {
		if n, ok := names[k]; ok {
			out.Sources = append(out.Sources, SourceChoice{Kind: k, Names: n})
		}
	}
	var langs []string
	if err := s.db.SelectContext(ctx, &langs, `
		WITH RECURSIVE l AS (
			(SELECT language FROM feedback ORDER BY language LIMIT 1)
			UNION ALL
			SELECT n.language FROM l, LATERAL (
				SELECT f.language FROM feedback f WHERE f.language > l.language ORDER BY f.language LIMIT 1) n)
		SELECT language FROM l`); err != nil {
		return err
	}
	for _, l := range langs {
		out.Languages = append(out.Languages, Choice{Value: l})
	}
	return nil
}

// Check answers EINVALID, naming the values there are, when f asks for a plan or a language no
// voice or account has, or an employee band that does not exist; name gives a value's name in
// the message ("--plan", "plan"). Plans compare without case, as the ranking matches them;
// Canonical writes them as the choices do.
func (c BacklogChoices) Check(f feedback.BacklogFilter, name func(key string) string) error {
	if f.Plan != "" && !slices.ContainsFunc(c.Plans, func(x Choice) bool { return strings.EqualFold(x.Value, f.Plan) }) {
		return feedback.Errorf(feedback.EINVALID, "%s %q: no account is on that plan; use %s.", name("plan"), f.Plan, oneOf(values(c.Plans)))
	}
	if f.Language != "" && !slices.ContainsFunc(c.Languages, func(x Choice) bool { return x.Value == f.Language }) {
		return feedback.Errorf(feedback.EINVALID, "%s %q: no voice is in that language; use %s.", name("language"), f.Language, oneOf(values(c.Languages)))
	}
	if f.Employees != "" {
		if _, ok := feedback.EmployeeBands[strings.TrimSpace(f.Employees)]; !ok {
			return feedback.Errorf(feedback.EINVALID, "%s %q: use %s.", name("employees"), f.Employees, oneOf(EmployeeBandOrder))
		}
	}
	return nil
}

// Canonical is f with its plan written as the choices write it ("enterprise" is "Enterprise"),
// so a page shows the choice selected and a link carries one spelling.
func (c BacklogChoices) Canonical(f feedback.BacklogFilter) feedback.BacklogFilter {
	for _, p := range c.Plans {
		if strings.EqualFold(p.Value, f.Plan) {
			f.Plan = p.Value
		}
	}
	f.Employees = strings.TrimSpace(f.Employees)
	return f
}

func values(cs []Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Value
	}
	return out
}

// oneOf lists vs as "a, b or c" ("none yet" for none).
func oneOf(vs []string) string {
	switch len(vs) {
	case 0:
		return "none yet"
	case 1:
		return vs[0]
	}
	return strings.Join(vs[:len(vs)-1], ", ") + " or " + vs[len(vs)-1]
}
