package store

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// linkCache holds in memory what a ranking reads — the summaries of migration 00025, the
// accounts and the unmerged requests — so that a view reads again only what changed since the
// last one. Before each use it reads, in one snapshot, which requests' summaries and which
// accounts and requests were changed by a transaction not finished at the last read
// (backlog_link_requests, backlog_row_changes: xid >= that snapshot's xmin) and only those rows:
// whatever any replica committed before a view began is in it, and nothing is trusted longer
// than the database says. Its size follows the data (about 32 bytes a summary), however many
// views run at once: they all read the same immutable backlogData. The zero value is ready.
type linkCache struct {
	mu      sync.Mutex // one refresh at a time
	horizon uint64     // the xmin of the last refresh's snapshot
	cur     atomic.Pointer[backlogData]
}

// backlogData is one moment's data, never changed once published: a refresh makes a new one
// that shares what did not change.
type backlogData struct {
	links    *linkSet
	accounts map[int64]feedback.Account
	requests []feedback.Request // unmerged, by id
}

// backlogNow returns the data as of now.
func (s *DB) backlogNow(ctx context.Context) (*backlogData, error) {
	c := &s.links
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.cur.Load()
	var next backlogData
	var horizon uint64
	err := s.inSnapshot(ctx, "backlog data", func(tx *sqlx.Tx) error {
		var xmin string
		if err := tx.QueryRowContext(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text`).Scan(&xmin); err != nil {
			return err
		}
		h, err := strconv.ParseUint(xmin, 10, 64)
		if err != nil {
			return err
		}
		horizon = h
		if old == nil {
			return loadAll(ctx, tx, &next)
		}
		next = *old
		since := strconv.FormatUint(c.horizon, 10)
		// Transactions from the last snapshot's xmin on may have committed since: theirs are the
		// rows to read again (some a second time: harmless, rows are read whole).
		var reqs []int64
		if err := tx.SelectContext(ctx, &reqs, `SELECT request_id FROM backlog_link_requests WHERE changed_by >= $1::text::xid8 ORDER BY request_id`, since); err != nil {
			return err
		}
		var rows []struct {
			Tbl string `db:"tbl"`
			ID  int64  `db:"id"`
		}
		if err := tx.SelectContext(ctx, &rows, `SELECT tbl, id FROM backlog_row_changes WHERE changed_by >= $1::text::xid8 ORDER BY tbl, id`, since); err != nil {
			return err
		}
		var accts, rqs []int64
		for _, r := range rows {
			if r.Tbl == "accounts" {
				accts = append(accts, r.ID)
			} else {
				rqs = append(rqs, r.ID)
			}
		}
		if len(reqs) > 0 {
			base := old.links
			if reqs[0] == 0 { // feedback was truncated
				base = nil
			}
			if next.links, err = loadLinkSet(ctx, tx, base, reqs); err != nil {
				return err
			}
		}
		if len(accts) > 0 {
			base := old.accounts
			if accts[0] == 0 {
				base = nil
			}
			if next.accounts, err = loadAccounts(ctx, tx, base, accts); err != nil {
				return err
			}
		}
		if len(rqs) > 0 {
			if next.requests, err = loadRequests(ctx, tx, old.requests, rqs, rqs[0] == 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.horizon = horizon
	c.cur.Store(&next)
	return &next, nil
}

func loadAll(ctx context.Context, tx *sqlx.Tx, d *backlogData) (err error) {
	if d.links, err = loadLinkSet(ctx, tx, nil, nil); err != nil {
		return err
	}
	if d.accounts, err = loadAccounts(ctx, tx, nil, nil); err != nil {
		return err
	}
	d.requests, err = loadRequests(ctx, tx, nil, nil, true)
	return err
}

const rankedAccountCols = `SELECT id, name, mrr_minor, currency, plan, employees, lifecycle, churn_risk, renewal_date,
	cancel_at_period_end, expansion_minor, deal_minor FROM accounts`

// loadAccounts reads the changed accounts (all when old is nil) into a copy of old.
func loadAccounts(ctx context.Context, tx *sqlx.Tx, old map[int64]feedback.Account, changed []int64) (map[int64]feedback.Account, error) {
	q, args := rankedAccountCols, []any(nil)
	out := make(map[int64]feedback.Account, len(old))
	if old != nil {
		maps.Copy(out, old)
		for _, id := range changed {
			delete(out, id)
		}
		q += ` WHERE id = ANY($1)`
		args = append(args, int64Array(changed))
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	if err := scanRankedAccounts(rows, out); err != nil {
		return nil, err
	}
	return out, nil
}

// scanRankedAccounts reads rankedAccountCols' rows into out, by hand: this runs over tens of
// thousands of rows.
func scanRankedAccounts(rows *sql.Rows, out map[int64]feedback.Account) error {
	defer rows.Close()
	for rows.Next() {
		var a feedback.Account
		var lc string
		var emp sql.NullInt64
		var risk sql.NullFloat64
		var renewal sql.NullTime
		var exp, deal sql.NullInt64
		if err := rows.Scan(&a.ID, &a.Name, &a.MRR.Minor, &a.MRR.Currency, &a.Plan, &emp, &lc, &risk, &renewal, &a.CancelAtPeriodEnd, &exp, &deal); err != nil {
			return err
		}
		a.Lifecycle = feedback.Lifecycle(lc)
		if emp.Valid {
			n := int(emp.Int64)
			a.Employees = &n
		}
		if risk.Valid {
			a.ChurnRisk = &risk.Float64
		}
		if renewal.Valid {
			a.RenewalDate = &renewal.Time
		}
		if exp.Valid {
			a.Expansion = &exp.Int64
		}
		if deal.Valid {
			a.Deal = &deal.Int64
		}
		out[a.ID] = a
	}
	return rows.Err()
}

// loadRequests reads the changed requests (all when all) into a copy of old, keeping the
// unmerged ones, by id.
func loadRequests(ctx context.Context, tx *sqlx.Tx, old []feedback.Request, changed []int64, all bool) ([]feedback.Request, error) {
	q, args := `SELECT id, title, status, created_at FROM requests WHERE merged_into IS NULL`, []any(nil)
	var out []feedback.Request
	if !all {
		out = make([]feedback.Request, 0, len(old)+len(changed))
		for _, r := range old {
			if _, found := slices.BinarySearch(changed, r.ID); !found {
				out = append(out, r)
			}
		}
		q += ` AND id = ANY($1)`
		args = append(args, int64Array(changed))
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r feedback.Request
		var status string
		if err := rows.Scan(&r.ID, &r.Title, &status, &r.CreatedAt); err != nil {
			return nil, err
		}
		r.Status = feedback.RequestStatus(status)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b feedback.Request) int { return int(a.ID - b.ID) })
	return out, nil
}
