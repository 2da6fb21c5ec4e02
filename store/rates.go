package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// rateRow is one stored exchange rate.
type rateRow struct {
	Currency string    `db:"currency"`
	Rate     float64   `db:"rate"`
	On       time.Time `db:"rate_on"`
	SetBy    string    `db:"set_by"`
	SetAt    time.Time `db:"set_at"`
}

func (r rateRow) ToModel() feedback.Rate {
	return feedback.Rate{Currency: r.Currency, Rate: r.Rate, On: r.On}
}

// Rates returns the latest rate of each currency to base, by currency.
func (s *DB) Rates(ctx context.Context, base string) (feedback.Rates, error) {
	var rows []rateRow
	err := s.db.SelectContext(ctx, &rows, `SELECT DISTINCT ON (currency) currency, rate, rate_on, set_by, set_at
		FROM exchange_rates WHERE base = $1 ORDER BY currency, rate_on DESC`, base)
	if err != nil {
		return feedback.Rates{}, fmt.Errorf("store: exchange rates: %w", err)
	}
	list := make([]feedback.Rate, len(rows))
	for i, r := range rows {
		list[i] = r.ToModel()
	}
	return feedback.NewRates(base, list), nil
}

// RateList is the latest rate of each currency to base, by currency, for people to read.
func (s *DB) RateList(ctx context.Context, base string) ([]feedback.Rate, error) {
	r, err := s.Rates(ctx, base)
	if err != nil {
		return nil, err
	}
	out := make([]feedback.Rate, 0, len(r.By))
	for _, x := range r.By {
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b feedback.Rate) int { return strings.Compare(a.Currency, b.Currency) })
	return out, nil
}

// SetRates stores rates to base (each on its date, replacing a rate of the same day) and writes
// the audit log, in one transaction.
func (s *DB) SetRates(ctx context.Context, base string, rates []feedback.Rate, actor string) error {
	return s.inTx(ctx, "set exchange rates", func(tx *sqlx.Tx) error {
		for _, r := range rates {
			var before []rateRow
			if err := tx.SelectContext(ctx, &before, `SELECT currency, rate, rate_on, set_by, set_at FROM exchange_rates
				WHERE base = $1 AND currency = $2 ORDER BY rate_on DESC LIMIT 1`, base, r.Currency); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO exchange_rates (base, currency, rate_on, rate, set_by) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (base, currency, rate_on) DO UPDATE SET rate = EXCLUDED.rate, set_by = EXCLUDED.set_by, set_at = now()`,
				base, r.Currency, r.On.Format("2006-01-02"), r.Rate, actor); err != nil {
				return err
			}
			var old any
			if len(before) == 1 {
				old = map[string]any{"currency": before[0].Currency, "rate": before[0].Rate, "on": before[0].On.Format("2006-01-02")}
			}
			after := map[string]any{"base": base, "currency": r.Currency, "rate": r.Rate, "on": r.On.Format("2006-01-02")}
			// Logged as a setting saved: the audit log's kinds of thing are a closed list with
			// their words in the catalog, and a rate is a setting of the ranking.
			if err := audit(ctx, tx, actor, "setting", 0, "save", old, after); err != nil {
				return err
			}
		}
		return nil
	})
}
