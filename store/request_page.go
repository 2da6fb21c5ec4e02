package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/koehq/koe/feedback"
)

// RequestAccount is an account asking for a request.
type RequestAccount struct {
	AccountID            int64
	Name, Currency, Plan string
	Lifecycle            string
	MRRMinor             int64
	RenewalDate          *time.Time
	Voices               int
	LastAt               time.Time
	Tags                 []string
}

// MRR is the account's MRR as money.
func (a RequestAccount) MRR() feedback.Money {
	return feedback.Money{Minor: a.MRRMinor, Currency: a.Currency}
}

// RequestAccounts are the accounts whose (not ignored, not spam) voices are linked to a request,
// biggest MRR first.
func (s *DB) RequestAccounts(ctx context.Context, requestID int64) ([]RequestAccount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.name, a.mrr_minor, a.currency, a.plan, a.lifecycle, a.renewal_date,
			count(*) AS voices, max(f.received_at) AS last_at, array_remove(array_agg(DISTINCT f.tag), NULL) AS tags
		FROM feedback f JOIN accounts a ON a.id = f.account_id
		WHERE f.request_id = $1 AND f.status NOT IN ('ignored', 'spam')
		GROUP BY a.id ORDER BY a.mrr_minor DESC, a.id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("store: accounts of request %d: %w", requestID, err)
	}
	defer rows.Close()
	var out []RequestAccount
	for rows.Next() {
		var a RequestAccount
		var tags pq.StringArray
		if err := rows.Scan(&a.AccountID, &a.Name, &a.MRRMinor, &a.Currency, &a.Plan, &a.Lifecycle, &a.RenewalDate,
			&a.Voices, &a.LastAt, &tags); err != nil {
			return nil, err
		}
		a.Tags = tags
		out = append(out, a)
	}
	return out, rows.Err()
}

// TimelinePoint is one month of a request's history.
type TimelinePoint struct {
	Month time.Time `db:"month"`
	// Voices linked that month; accounts asking for the first time, and their MRR at the time.
	// NewMRRMinor is in the base currency's minor units (accounts without a rate left out).
	Voices      int   `db:"voices"`
	NewAccounts int   `db:"new_accounts"`
	NewMRRMinor int64 `db:"new_mrr"`
}

// RequestTimeline is a request's voices and the revenue newly asking for it, month by month,
// converted to rates.Base (an account whose currency has no rate adds nothing).
func (s *DB) RequestTimeline(ctx context.Context, requestID int64, rates feedback.Rates) ([]TimelinePoint, error) {
	var out []TimelinePoint
	curs, factors := rates.Factors()
	err := s.db.SelectContext(ctx, &out, `
		WITH v AS (
			SELECT f.received_at, f.account_id,
				f.mrr_at_receipt_minor * (SELECT r.f FROM unnest($2::text[], $3::float8[]) AS r(c, f) WHERE r.c = a.currency) AS mrr,
				row_number() OVER (PARTITION BY f.account_id ORDER BY f.received_at) AS nth
			FROM feedback f LEFT JOIN accounts a ON a.id = f.account_id
			WHERE f.request_id = $1 AND f.status NOT IN ('ignored', 'spam'))
		SELECT date_trunc('month', received_at) AS month, count(*) AS voices,
			count(*) FILTER (WHERE account_id IS NOT NULL AND nth = 1) AS new_accounts,
			COALESCE(round(sum(mrr) FILTER (WHERE account_id IS NOT NULL AND nth = 1)), 0)::bigint AS new_mrr
		FROM v GROUP BY 1 ORDER BY 1`, requestID, pq.StringArray(curs), pq.Float64Array(factors))
	if err != nil {
		return nil, fmt.Errorf("store: timeline of request %d: %w", requestID, err)
	}
	return out, nil
}

// RequestEdit is a change to a request; nil fields stay as they are.
type RequestEdit struct {
	Title, Description, PublicTitle, PublicDescription, PublicNote *string
	Status                                                         *feedback.RequestStatus
	Public                                                         *bool
}

// UpdateRequest changes a request and writes the audit log; a new status stamps its time.
func (s *DB) UpdateRequest(ctx context.Context, id int64, e RequestEdit, actor string) error {
	if e.Status != nil && !e.Status.Valid() {
		return feedback.Errorf(feedback.EINVALID, "%q is not a status: use under_review, planned, in_progress, shipped or declined.", *e.Status)
	}
	if e.Title != nil && strings.TrimSpace(*e.Title) == "" {
		return feedback.Errorf(feedback.EINVALID, "A request needs a title.")
	}
	return s.inTx(ctx, "update request", func(tx *sqlx.Tx) error {
		var before requestRow
		err := tx.GetContext(ctx, &before, `SELECT `+requestColumns+` FROM requests r WHERE r.id = $1 FOR UPDATE`, id)
		if isNoRows(err) {
			return feedback.Errorf(feedback.ENOTFOUND, "No request %d.", id)
		}
		if err != nil {
			return err
		}
		after := before
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = strings.TrimSpace(*v)
			}
		}
		set(&after.Title, e.Title)
		set(&after.Description, e.Description)
		set(&after.PublicTitle, e.PublicTitle)
		set(&after.PublicDescription, e.PublicDescription)
		set(&after.PublicNote, e.PublicNote)
		if e.Status != nil {
			after.Status = string(*e.Status)
		}
		if e.Public != nil {
			after.IsPublic = *e.Public
		}
		if after.IsPublic && after.PublicTitle == "" {
			return feedback.Errorf(feedback.EINVALID, "A public request needs a public title, written for customers.")
		}
		if after == before {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET title = $2, description = $3, public_title = $4, public_description = $5,
			public_note = $6, status = $7, is_public = $8, updated_at = now(),
			status_changed_at = CASE WHEN status <> $7 THEN now() ELSE status_changed_at END WHERE id = $1`,
			id, after.Title, after.Description, after.PublicTitle, after.PublicDescription, after.PublicNote, after.Status, after.IsPublic); err != nil {
			return err
		}
		action := "edit"
		if after.Status != before.Status {
			action = "status"
		}
		if after.Status == string(feedback.Shipped) && before.Status != after.Status {
			if err := closeLoop(ctx, tx, id, after.Title); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, "request", id, action, before.ToModel(), after.ToModel())
	})
}

// TrendWeeks is how many weeks the backlog's trend column covers.
const TrendWeeks = 12

// RequestTrends counts, for each of the given requests, its voices (not ignored, not spam) in
// each of the TrendWeeks weeks before now, oldest week first.
func (s *DB) RequestTrends(ctx context.Context, ids []int64, now time.Time) (map[int64][]int, error) {
	out := make(map[int64][]int, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		RequestID int64 `db:"request_id"`
		Ago       int   `db:"ago"`
		Voices    int   `db:"voices"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT request_id, floor(extract(epoch FROM $2 - received_at) / 604800)::int AS ago, count(*) AS voices
		FROM feedback
		WHERE request_id = ANY($1) AND received_at > $2 - make_interval(weeks => $3) AND received_at <= $2
			AND status NOT IN ('ignored', 'spam')
		GROUP BY 1, 2`, pq.Array(ids), now, TrendWeeks)
	if err != nil {
		return nil, fmt.Errorf("store: trends of %d requests: %w", len(ids), err)
	}
	for _, id := range ids {
		out[id] = make([]int, TrendWeeks)
	}
	for _, r := range rows {
		if r.Ago >= 0 && r.Ago < TrendWeeks {
			out[r.RequestID][TrendWeeks-1-r.Ago] = r.Voices
		}
	}
	return out, nil
}

// closeLoop, in the transaction that ships a request, tells everyone who asked: one mail to each
// customer of an asking account who wants to hear, and one Slack message to the CS team listing
// the accounts to follow up with. Dedupe keys make each once-only, even if the request ships
// again later.
func closeLoop(ctx context.Context, tx *sqlx.Tx, requestID int64, title string) error {
	var asking []struct {
		ID       int64  `db:"id"`
		Name     string `db:"name"`
		MRR      int64  `db:"mrr_minor"`
		Currency string `db:"currency"`
		Plan     string `db:"plan"`
	}
	if err := tx.SelectContext(ctx, &asking, `
		SELECT a.id, a.name, a.mrr_minor, a.currency, a.plan FROM accounts a
		WHERE a.id IN (SELECT account_id FROM feedback WHERE request_id = $1 AND account_id IS NOT NULL AND status NOT IN ('ignored', 'spam'))
		ORDER BY a.mrr_minor DESC, a.id`, requestID); err != nil {
		return fmt.Errorf("accounts asking for request %d: %w", requestID, err)
	}
	var customers []struct {
		Email  string `db:"email"`
		Locale string `db:"locale"`
	}
	if err := tx.SelectContext(ctx, &customers, `
		SELECT email, locale FROM customers WHERE notify_shipped AND account_id IN (
			SELECT account_id FROM feedback WHERE request_id = $1 AND account_id IS NOT NULL AND status NOT IN ('ignored', 'spam'))
		ORDER BY email`, requestID); err != nil {
		return fmt.Errorf("customers to tell of request %d: %w", requestID, err)
	}
	var msgs []OutboxMessage
	for _, c := range customers {
		msgs = append(msgs, OutboxMessage{Target: TargetMail, DedupeKey: fmt.Sprintf("shipped:%d:%s", requestID, c.Email), Kind: KindShipped,
			Channel: c.Email, Subject: map[string]any{"request_id": requestID, "lang": c.Locale}})
	}
	accounts := make([]map[string]any, len(asking))
	for i, a := range asking {
		accounts[i] = map[string]any{"id": a.ID, "name": a.Name, "mrr_minor": a.MRR, "currency": a.Currency, "plan": a.Plan}
	}
	msgs = append(msgs, OutboxMessage{DedupeKey: fmt.Sprintf("shipped:%d", requestID), Kind: KindShipped,
		Subject: map[string]any{"request_id": requestID, "title": title, "accounts": accounts, "subscribers": len(customers)}})
	return enqueue(ctx, tx, msgs)
}
