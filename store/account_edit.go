package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/koehq/koe/feedback"
)

// EditAccount applies a person's patch to account id, marks the patched fields as manual (syncs
// leave them alone from now on) and writes the audit log, in one transaction.
func (s *DB) EditAccount(ctx context.Context, id int64, p feedback.AccountPatch, actor string) (feedback.Account, error) {
	var after feedback.Account
	err := s.inTx(ctx, "edit account", func(tx *sqlx.Tx) error {
		var r accountRow
		err := tx.GetContext(ctx, &r, `SELECT `+accountColumns+` FROM accounts WHERE id = $1 FOR UPDATE`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return feedback.Errorf(feedback.ENOTFOUND, "No account %d.", id)
		}
		if err != nil {
			return err
		}
		before := r.ToModel()
		after = before
		set := p.Apply(&after)
		if len(set) == 0 {
			return nil
		}
		if err := after.Validate(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET name = $2, name_key = $3, domains = $4, mrr_minor = $5,
			currency = $6, plan = $7, employees = $8, lifecycle = $9, renewal_date = $10, churn_risk = $11,
			expansion_minor = $12, deal_minor = $13,
			manual_fields = ARRAY(SELECT DISTINCT unnest(manual_fields || $14::text[]) ORDER BY 1), updated_at = now()
			WHERE id = $1`,
			id, after.Name, after.NameKey, pq.Array(nonNil(after.Domains)), after.MRR.Minor, after.MRR.Currency, after.Plan,
			after.Employees, string(after.Lifecycle), dateOrNil(after.RenewalDate), after.ChurnRisk, after.Expansion,
			after.Deal, pq.Array(set))
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "account", id, "edit", before, after)
	})
	if err != nil {
		return feedback.Account{}, err
	}
	return s.AccountByRef(ctx, fmt.Sprint(id))
}
