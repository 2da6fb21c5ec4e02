package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/koehq/koe/feedback"
)

// VoiceLinks returns, per request, account and tag, the newest linked voice (not ignored or
// spam) and the account's MRR when it arrived (merged requests hold no voices: a merge moves
// them) — what ranking needs — for the voices the filter
// lets through. Filter conditions come only from the fixed set below, with their values as
// parameters.
func (s *DB) VoiceLinks(ctx context.Context, f feedback.BacklogFilter, rates feedback.Rates) ([]feedback.VoiceLink, error) {
	var out []feedback.VoiceLink
	err := s.EachVoiceLink(ctx, f, rates, func(l feedback.VoiceLink) { out = append(out, l) })
	return out, err
}

// EachVoiceLink is VoiceLinks as a stream: fn gets each link as it is read, ordered by request,
// account and tag, so that ranking can run while the rows arrive. An MRR band is one of the
// account's MRR converted with rates (an account whose currency has no rate is in no band); the
// plan matches whatever its case.
//
// Links come from the summaries migration 00025 keeps (backlog_links, held in memory and read
// again only where they changed), except under a filter with an end date (To): the newest voice
// before a date is not in the summaries, so that filter reads every voice (eachVoiceLinkScan).
func (s *DB) EachVoiceLink(ctx context.Context, f feedback.BacklogFilter, rates feedback.Rates, fn func(feedback.VoiceLink)) error {
	if f.To != nil {
		return s.eachVoiceLinkScan(ctx, f, rates, fn)
	}
	return s.eachSummaryLink(ctx, f, rates, fn)
}

// conds gathers SQL conditions with their values as numbered parameters.
type conds struct {
	list []string
	args []any
}

func (c *conds) add(cond string, v any) {
	c.args = append(c.args, v)
	c.list = append(c.list, fmt.Sprintf(cond, len(c.args)))
}

// accountConds adds the filter's conditions on the account (as a), and says whether there were any.
func accountConds(c *conds, f feedback.BacklogFilter, rates feedback.Rates) (bool, error) {
	n := len(c.list)
	if f.Plan != "" {
		c.add("lower(a.plan) = lower($%d)", f.Plan)
	}
	if f.Lifecycle != "" {
		c.add("a.lifecycle = $%d", string(f.Lifecycle))
	}
	if f.MRRBand != "" {
		b, ok := feedback.MRRBands[f.MRRBand]
		if !ok {
			return false, feedback.Errorf(feedback.EINVALID, "Unknown MRR band %q.", f.MRRBand)
		}
		curs, factors := rates.Factors()
		c.args = append(c.args, pq.StringArray(curs), pq.Float64Array(factors))
		mrr := fmt.Sprintf("a.mrr_minor * (SELECT r.f FROM unnest($%d::text[], $%d::float8[]) AS r(c, f) WHERE r.c = a.currency)", len(c.args)-1, len(c.args))
		c.add(mrr+" >= $%d", float64(b[0])*rates.MinorPerMajor())
		c.add(mrr+" < $%d", float64(b[1])*rates.MinorPerMajor())
	}
	if f.Employees != "" {
		b, ok := feedback.EmployeeBands[f.Employees]
		if !ok {
			return false, feedback.Errorf(feedback.EINVALID, "Unknown employee band %q.", f.Employees)
		}
		c.add("a.employees >= $%d", b[0])
		c.add("a.employees < $%d", b[1])
	}
	return len(c.list) > n, nil
}

// eachVoiceLinkScan is EachVoiceLink worked out from every voice: for filters with an end date,
// and as the reference the summaries are checked against.
func (s *DB) eachVoiceLinkScan(ctx context.Context, f feedback.BacklogFilter, rates feedback.Rates, fn func(feedback.VoiceLink)) error {
	var c conds
	if f.From != nil {
		c.add("f.received_at >= $%d", *f.From)
	}
	if f.To != nil {
		c.add("f.received_at < $%d", *f.To)
	}
	if f.Tag != feedback.TagNone {
		c.add("f.tag = $%d", string(f.Tag))
	}
	if f.SourceKind != "" {
		c.add("f.source_kind = $%d", string(f.SourceKind))
	}
	if f.Language != "" {
		c.add("f.language = $%d", f.Language)
	}
	byAccount, err := accountConds(&c, f, rates)
	if err != nil {
		return err
	}
	where := ""
	if len(c.list) > 0 {
		where = " AND " + strings.Join(c.list, " AND ")
	}
	join := ""
	if byAccount {
		join = " JOIN accounts a ON a.id = f.account_id"
	}
	args := c.args
	// DISTINCT ON walks feedback_links_idx in order: no sort, no aggregate.
	rows, err := s.db.QueryContext(ctx, `
		SELECT DISTINCT ON (f.request_id, f.account_id, f.tag)
		       f.request_id, f.account_id, COALESCE(f.tag, ''), f.received_at, f.mrr_at_receipt_minor
		FROM feedback f`+join+`
		WHERE f.request_id IS NOT NULL AND f.account_id IS NOT NULL AND f.status NOT IN ('ignored', 'spam')`+where+`
		ORDER BY f.request_id, f.account_id, f.tag, f.received_at DESC`, args...)
	if err != nil {
		return fmt.Errorf("store: voice links: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l feedback.VoiceLink
		var tag string
		var mrr sql.NullInt64
		if err := rows.Scan(&l.RequestID, &l.AccountID, &tag, &l.LastAt, &mrr); err != nil {
			return err
		}
		l.Tag = feedback.Tag(tag)
		l.MRRAtReceipt, l.HasMRR = mrr.Int64, mrr.Valid
		fn(l)
	}
	return rows.Err()
}

// RankedAccounts returns what ranking needs of the accounts with the given ids, or of every
// account for nil ids: name, MRR, plan, employees, lifecycle and signals, as of now. The map of
// every account is shared (held in memory and read again only where accounts changed, see
// linkCache): read it, never change it.
func (s *DB) RankedAccounts(ctx context.Context, ids []int64) (map[int64]feedback.Account, error) {
	d, err := s.backlogNow(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: accounts for ranking: %w", err)
	}
	if ids == nil {
		return d.accounts, nil
	}
	out := make(map[int64]feedback.Account, len(ids))
	for _, id := range ids {
		if a, ok := d.accounts[id]; ok {
			out[id] = a
		}
	}
	return out, nil
}

// RankedRequests returns what ranking needs of every unmerged request (id, title, status, age),
// by id, as of now; the slice is the caller's.
func (s *DB) RankedRequests(ctx context.Context) ([]feedback.Request, error) {
	d, err := s.backlogNow(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: requests for ranking: %w", err)
	}
	return slices.Clone(d.requests), nil
}

// MergeRequest moves every voice and suggestion of request from into request into, marks from
// merged, and writes the audit log, in one transaction.
func (s *DB) MergeRequest(ctx context.Context, from, into int64, actor string) (moved int, err error) {
	if from == into {
		return 0, feedback.Errorf(feedback.EINVALID, "A request cannot be merged into itself.")
	}
	err = s.inTx(ctx, "merge requests", func(tx *sqlx.Tx) error {
		var states []struct {
			ID     int64  `db:"id"`
			Merged *int64 `db:"merged_into"`
		}
		if err := tx.SelectContext(ctx, &states, `SELECT id, merged_into FROM requests WHERE id IN ($1, $2) FOR UPDATE`, from, into); err != nil {
			return err
		}
		if len(states) != 2 {
			return feedback.Errorf(feedback.ENOTFOUND, "Request %d or %d does not exist.", from, into)
		}
		for _, st := range states {
			if st.Merged != nil {
				return feedback.Errorf(feedback.ECONFLICT, "Request %d was already merged into %d.", st.ID, *st.Merged)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE feedback SET request_id = $2, updated_at = now() WHERE request_id = $1`, from, into)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		moved = int(n)
		if _, err := tx.ExecContext(ctx, `DELETE FROM feedback_suggestions WHERE request_id = $1`, from); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET merged_into = $2, updated_at = now() WHERE id = $1`, from, into); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "request", from, "merge", map[string]any{"id": from}, map[string]any{"merged_into": into, "voices_moved": moved})
	})
	return moved, err
}

// Plans returns the plans accounts are on, each once whatever its case (as the backlog's plan
// filter matches them), in alphabetical order: the choices of that filter.
func (s *DB) Plans(ctx context.Context) ([]string, error) {
	var out []string
	// The first spelling of each plan (min), grouped by hash: sorting every account's plan, as
	// DISTINCT ON did, took 100 ms of each backlog page at 50,000 accounts.
	err := s.db.SelectContext(ctx, &out, `SELECT min(plan) FROM accounts WHERE plan <> '' GROUP BY lower(plan) ORDER BY lower(plan)`)
	if err != nil {
		return nil, fmt.Errorf("store: plans: %w", err)
	}
	return out, nil
}

// BacklogVersion is a number that moves whenever voices, accounts, requests or exchange rates
// change (migration 00022's triggers count every writing statement, in its transaction): a
// ranking made after reading version v reflects at least every change counted in v.
func (s *DB) BacklogVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.GetContext(ctx, &v, `SELECT COALESCE(sum(n), 0)::bigint FROM backlog_changes`); err != nil {
		return 0, fmt.Errorf("store: backlog version: %w", err)
	}
	return v, nil
}
