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

// MatchData loads what matching voices to accounts looks at: saved rules, contacts, and each
// account's name key and domains.
func (s *DB) MatchData(ctx context.Context) (feedback.MatchData, error) {
	var d feedback.MatchData
	var rules []struct {
		ID        int64     `db:"id"`
		Kind      string    `db:"kind"`
		Pattern   string    `db:"pattern"`
		AccountID int64     `db:"account_id"`
		CreatedBy string    `db:"created_by"`
		CreatedAt time.Time `db:"created_at"`
	}
	if err := s.db.SelectContext(ctx, &rules, `SELECT id, kind, pattern, account_id, created_by, created_at FROM match_rules ORDER BY id`); err != nil {
		return d, fmt.Errorf("store: match rules: %w", err)
	}
	for _, r := range rules {
		d.Rules = append(d.Rules, feedback.Rule(r))
	}
	var contacts []struct {
		ID        int64  `db:"id"`
		Email     string `db:"email"`
		Name      string `db:"name"`
		AccountID int64  `db:"account_id"`
	}
	if err := s.db.SelectContext(ctx, &contacts, `SELECT id, email, name, account_id FROM contacts`); err != nil {
		return d, fmt.Errorf("store: contacts: %w", err)
	}
	for _, c := range contacts {
		d.Contacts = append(d.Contacts, feedback.Contact(c))
	}
	var accts []struct {
		ID      int64          `db:"id"`
		NameKey string         `db:"name_key"`
		Domains pq.StringArray `db:"domains"`
	}
	if err := s.db.SelectContext(ctx, &accts, `SELECT id, name_key, domains FROM accounts ORDER BY id`); err != nil {
		return d, fmt.Errorf("store: account keys: %w", err)
	}
	for _, a := range accts {
		d.Accounts = append(d.Accounts, feedback.AccountKey{ID: a.ID, NameKey: a.NameKey, Domains: []string(a.Domains)})
	}
	return d, nil
}

type senderRow struct {
	Email     string    `db:"email"`
	Company   string    `db:"company"`
	AccountID *int64    `db:"account_id"`
	Rule      string    `db:"rule"`
	Voices    int       `db:"voices"`
	LastAt    time.Time `db:"last_at"`
}

func (s *DB) senders(ctx context.Context, where string, limit int) ([]feedback.Sender, error) {
	var rows []senderRow
	// where is one of the constant conditions below, never input.
	err := s.db.SelectContext(ctx, &rows, `
		SELECT lower(author_email) AS email, company_name AS company, account_id, match_rule AS rule,
		       count(*) AS voices, max(received_at) AS last_at
		FROM feedback
		WHERE match_rule <> 'manual' AND status <> 'spam' AND (author_email <> '' OR company_name <> '') AND `+where+`
		GROUP BY 1, 2, 3, 4
		ORDER BY voices DESC, last_at DESC, email, company
		LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: senders: %w", err)
	}
	out := make([]feedback.Sender, len(rows))
	for i, r := range rows {
		out[i] = feedback.Sender(r)
	}
	return out, nil
}

// Senders returns every author of voices that matching may (re)assign: all but the voices a
// person assigned by hand and spam.
func (s *DB) Senders(ctx context.Context) ([]feedback.Sender, error) {
	return s.senders(ctx, "true", 1<<31-1)
}

// UnmatchedSenders is the unknown-account queue: authors whose voices match no account, the
// most voices first.
func (s *DB) UnmatchedSenders(ctx context.Context, limit int) ([]feedback.Sender, error) {
	return s.senders(ctx, "account_id IS NULL", limit)
}

// ApplyMatches moves the voices of each sender to the account (or none) and rule given, in one
// transaction, and returns how many voices changed. A voice that moves gets the MRR its new
// account had when the voice arrived (from the MRR history; the earliest known MRR for voices
// older than the history).
func (s *DB) ApplyMatches(ctx context.Context, matches []feedback.Sender) (int, error) {
	if len(matches) == 0 {
		return 0, nil
	}
	var changed int64
	err := s.inTx(ctx, "apply matches", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE stage_matches (email text, company text, account_id bigint, rule text) ON COMMIT DROP`); err != nil {
			return err
		}
		if err := copyRows(ctx, tx, "stage_matches", []string{"email", "company", "account_id", "rule"}, len(matches), func(i int) []any {
			m := matches[i]
			return []any{strings.ToLower(m.Email), m.Company, m.AccountID, m.Rule}
		}); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE feedback f SET account_id = t.account_id, match_rule = COALESCE(t.rule, ''),
				(mrr_at_receipt_minor, mrr_currency) = (
					SELECT CASE WHEN f.account_id IS NOT DISTINCT FROM t.account_id THEN f.mrr_at_receipt_minor ELSE h.mrr_minor END,
						CASE WHEN f.account_id IS NOT DISTINCT FROM t.account_id THEN f.mrr_currency ELSE COALESCE(h.currency, '') END
					FROM (SELECT 1) one LEFT JOIN LATERAL (`+mrrAt("t.account_id", "f.received_at")+`) h ON true),
				updated_at = now()
			FROM stage_matches t
			WHERE lower(f.author_email) = t.email AND f.company_name = t.company AND f.match_rule <> 'manual'
			  AND f.status <> 'spam'
			  AND (f.account_id IS DISTINCT FROM t.account_id OR f.match_rule <> COALESCE(t.rule, ''))`)
		if err != nil {
			return err
		}
		changed, _ = res.RowsAffected()
		return nil
	})
	return int(changed), err
}

// SaveRule saves a person's rule (replacing an older rule for the same email or domain) and
// writes the audit log, in one transaction.
func (s *DB) SaveRule(ctx context.Context, r feedback.Rule, actor string) (feedback.Rule, error) {
	r.Pattern = strings.ToLower(strings.TrimSpace(r.Pattern))
	if r.Kind != feedback.RuleEmail && r.Kind != feedback.RuleDomain {
		return r, feedback.Errorf(feedback.EINVALID, "Rule kind %q: use email or domain.", r.Kind)
	}
	if r.Pattern == "" || (r.Kind == feedback.RuleEmail) != strings.Contains(r.Pattern, "@") {
		return r, feedback.Errorf(feedback.EINVALID, "%q is not a valid %s.", r.Pattern, r.Kind)
	}
	err := s.inTx(ctx, "save rule", func(tx *sqlx.Tx) error {
		err := tx.QueryRowxContext(ctx, `
			INSERT INTO match_rules (kind, pattern, account_id, created_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (kind, pattern) DO UPDATE SET account_id = EXCLUDED.account_id,
				created_by = EXCLUDED.created_by, created_at = now()
			RETURNING id, created_at`, r.Kind, r.Pattern, r.AccountID, actor).Scan(&r.ID, &r.CreatedAt)
		if isForeignKeyViolation(err) {
			return feedback.Errorf(feedback.ENOTFOUND, "No account %d.", r.AccountID)
		}
		if err != nil {
			return err
		}
		r.CreatedBy = actor
		return audit(ctx, tx, actor, "match_rule", r.ID, "save", nil, r)
	})
	return r, err
}

func isForeignKeyViolation(err error) bool {
	pqErr, ok := err.(*pq.Error)
	return ok && pqErr.Code == "23503"
}

// mrrAt is the query of an account's MRR and currency when a voice arrived, from the MRR
// history: the latest value from before then, else the earliest known (an account imported
// after its first voices). account and at are SQL expressions of the caller's query.
func mrrAt(account, at string) string {
	return `SELECT h.mrr_minor, h.currency FROM account_mrr_history h WHERE h.account_id = ` + account + `
		ORDER BY h.valid_from <= ` + at + ` DESC, CASE WHEN h.valid_from <= ` + at + ` THEN h.valid_from END DESC NULLS LAST, h.valid_from
		LIMIT 1`
}
