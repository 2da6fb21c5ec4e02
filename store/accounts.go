package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/koehq/koe/feedback"
)

// AccountBatch is one write of a sync: records from Source, the fields that source provides
// (others are left as they are), and optionally the source's cursor, saved in the same
// transaction so that a crash never moves it past records that were not written.
type AccountBatch struct {
	Source  string
	Fields  []string
	Records []feedback.AccountRecord
	Cursor  *SourceCursor
}

// SourceCursor is a source's high-water mark.
type SourceCursor struct {
	Kind, Name, Cursor string
}

// SaveAccounts upserts a batch by (source, external id) in one transaction and returns what it
// did. Fields a person set by hand (manual_fields) are never overwritten; a record identical to
// the stored account counts as unchanged and is not written.
func (s *DB) SaveAccounts(ctx context.Context, b AccountBatch) (feedback.SyncCounts, error) {
	var counts feedback.SyncCounts
	err := s.inTx(ctx, "save accounts", func(tx *sqlx.Tx) error {
		// One writer per source at a time: concurrent syncs of one source take turns.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('koe-accounts:' || $1))`, b.Source); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE stage_accounts (
			external_id text, name text, name_key text, domains text[], mrr_minor bigint, currency text,
			plan text, employees integer, lifecycle text, renewal_date date, churn_risk real,
			cancel_at_period_end boolean, expansion_minor bigint, deal_minor bigint) ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE stage_contacts (external_id text, email text, name text) ON COMMIT DROP`); err != nil {
			return err
		}
		err := copyRows(ctx, tx, "stage_accounts", []string{"external_id", "name", "name_key", "domains", "mrr_minor", "currency", "plan", "employees", "lifecycle", "renewal_date", "churn_risk", "cancel_at_period_end", "expansion_minor", "deal_minor"},
			len(b.Records), func(i int) []any {
				a := b.Records[i].Account
				return []any{a.ExternalID, a.Name, a.NameKey, pq.Array(nonNil(a.Domains)), a.MRR.Minor, a.MRR.Currency, a.Plan, a.Employees, string(a.Lifecycle), dateOrNil(a.RenewalDate), a.ChurnRisk, a.CancelAtPeriodEnd, a.Expansion, a.Deal}
			})
		if err != nil {
			return err
		}
		var contacts [][3]string
		for _, r := range b.Records {
			for _, c := range r.Contacts {
				contacts = append(contacts, [3]string{r.Account.ExternalID, c.Email, c.Name})
			}
		}
		if err := copyRows(ctx, tx, "stage_contacts", []string{"external_id", "email", "name"}, len(contacts), func(i int) []any {
			return []any{contacts[i][0], contacts[i][1], contacts[i][2]}
		}); err != nil {
			return err
		}
		if counts, err = upsertStagedAccounts(ctx, tx, b.Source, b.Fields); err != nil {
			return err
		}
		counts.Read = len(b.Records)
		if b.Cursor != nil {
			return saveCursor(ctx, tx, *b.Cursor)
		}
		return nil
	})
	return counts, err
}

// keep is true when the stored value of field f stays: the source does not provide it, or a
// person set it by hand.
func keep(f string) string {
	return fmt.Sprintf("(NOT '%[1]s' = ANY($2::text[]) OR '%[1]s' = ANY(a.manual_fields))", f)
}

func upsertStagedAccounts(ctx context.Context, tx *sqlx.Tx, source string, fields []string) (feedback.SyncCounts, error) {
	var c feedback.SyncCounts
	pick := func(f, col string) string {
		return fmt.Sprintf("CASE WHEN %s THEN a.%s ELSE s.%s END", keep(f), col, col)
	}
	update := `
		WITH merged AS (
			SELECT a.id,
				` + pick(feedback.FieldName, "name") + ` AS name,
				` + pick(feedback.FieldName, "name_key") + ` AS name_key,
				` + pick(feedback.FieldDomains, "domains") + ` AS domains,
				` + pick(feedback.FieldMRR, "mrr_minor") + ` AS mrr_minor,
				` + pick(feedback.FieldCurrency, "currency") + ` AS currency,
				` + pick(feedback.FieldPlan, "plan") + ` AS plan,
				` + pick(feedback.FieldEmployees, "employees") + ` AS employees,
				` + pick(feedback.FieldLifecycle, "lifecycle") + ` AS lifecycle,
				` + pick(feedback.FieldRenewalDate, "renewal_date") + ` AS renewal_date,
				` + pick(feedback.FieldChurnRisk, "churn_risk") + ` AS churn_risk,
				` + pick(feedback.FieldCancelAtPeriodEnd, "cancel_at_period_end") + ` AS cancel_at_period_end,
				` + pick(feedback.FieldExpansion, "expansion_minor") + ` AS expansion_minor,
				` + pick(feedback.FieldDeal, "deal_minor") + ` AS deal_minor
			FROM stage_accounts s JOIN accounts a ON a.source = $1 AND a.external_id = s.external_id
		)
		UPDATE accounts a SET name = m.name, name_key = m.name_key, domains = m.domains,
			mrr_minor = m.mrr_minor, currency = m.currency, plan = m.plan, employees = m.employees,
			lifecycle = m.lifecycle, renewal_date = m.renewal_date, churn_risk = m.churn_risk,
			cancel_at_period_end = m.cancel_at_period_end, expansion_minor = m.expansion_minor,
			deal_minor = m.deal_minor, updated_at = now()
		FROM merged m
		WHERE a.id = m.id AND (a.name, a.name_key, a.domains, a.mrr_minor, a.currency, a.plan, a.employees,
			a.lifecycle, a.renewal_date, a.churn_risk, a.cancel_at_period_end, a.expansion_minor, a.deal_minor)
			IS DISTINCT FROM (m.name, m.name_key, m.domains, m.mrr_minor, m.currency, m.plan, m.employees,
			m.lifecycle, m.renewal_date, m.churn_risk, m.cancel_at_period_end, m.expansion_minor, m.deal_minor)`
	res, err := tx.ExecContext(ctx, update, source, pq.Array(fields))
	if err != nil {
		return c, fmt.Errorf("update accounts: %w", err)
	}
	n, _ := res.RowsAffected()
	c.Updated = int(n)

	res, err = tx.ExecContext(ctx, `
		INSERT INTO accounts (source, external_id, name, name_key, domains, mrr_minor, currency, plan, employees,
			lifecycle, renewal_date, churn_risk, cancel_at_period_end, expansion_minor, deal_minor)
		SELECT $1, s.external_id, s.name, s.name_key, s.domains, s.mrr_minor, s.currency, s.plan, s.employees,
			s.lifecycle, s.renewal_date, s.churn_risk, s.cancel_at_period_end, s.expansion_minor, s.deal_minor
		FROM stage_accounts s
		WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.source = $1 AND a.external_id = s.external_id)`, source)
	if err != nil {
		return c, fmt.Errorf("insert accounts: %w", err)
	}
	n, _ = res.RowsAffected()
	c.New = int(n)

	var staged int
	if err := tx.GetContext(ctx, &staged, `SELECT count(*) FROM stage_accounts`); err != nil {
		return c, err
	}
	c.Unchanged = staged - c.New - c.Updated

	// A contact belongs to the account the newest sync says; a name is only ever filled in.
	_, err = tx.ExecContext(ctx, `
		INSERT INTO contacts (email, name, account_id)
		SELECT DISTINCT ON (lower(s.email)) s.email, s.name, a.id
		FROM stage_contacts s JOIN accounts a ON a.source = $1 AND a.external_id = s.external_id
		ORDER BY lower(s.email)
		ON CONFLICT (lower(email)) DO UPDATE
			SET account_id = EXCLUDED.account_id, name = COALESCE(NULLIF(EXCLUDED.name, ''), contacts.name)
			WHERE contacts.account_id <> EXCLUDED.account_id OR (contacts.name = '' AND EXCLUDED.name <> '')`, source)
	if err != nil {
		return c, fmt.Errorf("save contacts: %w", err)
	}
	return c, nil
}

type accountRow struct {
	ID                int64          `db:"id"`
	Source            string         `db:"source"`
	ExternalID        string         `db:"external_id"`
	Name              string         `db:"name"`
	NameKey           string         `db:"name_key"`
	Domains           pq.StringArray `db:"domains"`
	MRRMinor          int64          `db:"mrr_minor"`
	Currency          string         `db:"currency"`
	Plan              string         `db:"plan"`
	Employees         *int           `db:"employees"`
	Lifecycle         string         `db:"lifecycle"`
	RenewalDate       *time.Time     `db:"renewal_date"`
	ChurnRisk         *float64       `db:"churn_risk"`
	CancelAtPeriodEnd bool           `db:"cancel_at_period_end"`
	Expansion         *int64         `db:"expansion_minor"`
	Deal              *int64         `db:"deal_minor"`
	ManualFields      pq.StringArray `db:"manual_fields"`
	CreatedAt         time.Time      `db:"created_at"`
	UpdatedAt         time.Time      `db:"updated_at"`
}

const accountColumns = `id, source, external_id, name, name_key, domains, mrr_minor, currency, plan, employees,
	lifecycle, renewal_date, churn_risk, cancel_at_period_end, expansion_minor, deal_minor, manual_fields,
	created_at, updated_at`

func (r accountRow) ToModel() feedback.Account {
	return feedback.Account{
		ID: r.ID, Source: r.Source, ExternalID: r.ExternalID, Name: r.Name, NameKey: r.NameKey,
		Domains: []string(r.Domains), MRR: feedback.Money{Minor: r.MRRMinor, Currency: r.Currency}, Plan: r.Plan,
		Employees: r.Employees, Lifecycle: feedback.Lifecycle(r.Lifecycle), RenewalDate: r.RenewalDate,
		ChurnRisk: r.ChurnRisk, CancelAtPeriodEnd: r.CancelAtPeriodEnd, Expansion: r.Expansion, Deal: r.Deal,
		ManualFields: []string(r.ManualFields), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

// AccountByRef finds an account by Koe id ("42") or by source and external id ("csv:C-001").
func (s *DB) AccountByRef(ctx context.Context, ref string) (feedback.Account, error) {
	var r accountRow
	var err error
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
		err = s.db.GetContext(ctx, &r, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id)
	} else if source, ext, ok := strings.Cut(ref, ":"); ok {
		err = s.db.GetContext(ctx, &r, `SELECT `+accountColumns+` FROM accounts WHERE source = $1 AND external_id = $2`, source, ext)
	} else {
		return feedback.Account{}, feedback.Errorf(feedback.EINVALID, "Account %q: give its Koe id (42) or SOURCE:EXTERNAL_ID (csv:C-001).", ref)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return feedback.Account{}, feedback.Errorf(feedback.ENOTFOUND, "No account %s.", ref)
	}
	if err != nil {
		return feedback.Account{}, fmt.Errorf("store: account %s: %w", ref, err)
	}
	return r.ToModel(), nil
}

// Accounts returns accounts, most MRR first, at most limit of them.
func (s *DB) Accounts(ctx context.Context, limit int) ([]feedback.Account, error) {
	var rows []accountRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+accountColumns+` FROM accounts ORDER BY mrr_minor DESC, id LIMIT $1`, limit); err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	out := make([]feedback.Account, len(rows))
	for i, r := range rows {
		out[i] = r.ToModel()
	}
	return out, nil
}

// AccountsNamed returns the accounts whose name is name, ignoring ASCII case and surrounding
// spaces, at most limit of them (a caller that needs one asks for two, to know it is alone).
func (s *DB) AccountsNamed(ctx context.Context, name string, limit int) ([]feedback.Account, error) {
	var rows []accountRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+accountColumns+` FROM accounts WHERE lower(name) = lower($1) ORDER BY mrr_minor DESC, id LIMIT $2`,
		strings.TrimSpace(name), limit); err != nil {
		return nil, fmt.Errorf("store: accounts named %q: %w", name, err)
	}
	out := make([]feedback.Account, len(rows))
	for i, r := range rows {
		out[i] = r.ToModel()
	}
	return out, nil
}
