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

// ImportDataset writes ds, keeping its ids, in one transaction with COPY. The tables must not
// already hold rows with those ids.
func (s *DB) ImportDataset(ctx context.Context, ds feedback.Dataset) error {
	return s.inTx(ctx, "import", func(tx *sqlx.Tx) error { return importDataset(ctx, tx, ds) })
}

// ReplaceAll empties every table of Koe's data and writes ds instead, in one transaction: a
// failure leaves the old data as it was. The link log (request_examples) goes too: its voices and
// requests are gone, and the new data's links are logged again as it is written.
func (s *DB) ReplaceAll(ctx context.Context, ds feedback.Dataset) error {
	return s.inTx(ctx, "replace", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `TRUNCATE review_replies, reply_templates, webhook_deliveries, webhooks, idempotency_keys, api_tokens, sheet_rows, saved_views, sessions, customer_sessions, customers, sign_in_links, request_status_changes, request_public_texts, outbox, audit_log, feedback_suggestions, request_examples, feedback, contacts, match_rules, account_mrr_history, requests, accounts, users, ingest_runs, sources RESTART IDENTITY`); err != nil {
			return err
		}
		return importDataset(ctx, tx, ds)
	})
}

func importDataset(ctx context.Context, tx *sqlx.Tx, ds feedback.Dataset) error {
	steps := []struct {
		table string
		cols  []string
		n     int
		row   func(i int) []any
	}{
		{"accounts", []string{"id", "source", "external_id", "name", "name_key", "domains", "mrr_minor", "currency", "plan", "employees", "lifecycle", "renewal_date", "churn_risk", "cancel_at_period_end", "expansion_minor", "deal_minor", "created_at", "updated_at"},
			len(ds.Accounts), func(i int) []any {
				a := ds.Accounts[i]
				return []any{a.ID, a.Source, a.ExternalID, a.Name, a.NameKey, pq.Array(nonNil(a.Domains)), a.MRR.Minor, a.MRR.Currency, a.Plan, a.Employees, string(a.Lifecycle), dateOrNil(a.RenewalDate), a.ChurnRisk, a.CancelAtPeriodEnd, a.Expansion, a.Deal, orNow(a.CreatedAt), orNow(a.UpdatedAt)}
			}},
		{"contacts", []string{"id", "email", "name", "account_id"},
			len(ds.Contacts), func(i int) []any {
				c := ds.Contacts[i]
				return []any{c.ID, c.Email, c.Name, c.AccountID}
			}},
		{"users", []string{"id", "email", "name", "role", "locale", "created_at"},
			len(ds.Users), func(i int) []any {
				u := ds.Users[i]
				return []any{u.ID, u.Email, u.Name, string(u.Role), u.Locale, orNow(u.CreatedAt)}
			}},
		{"requests", []string{"id", "title", "description", "public_title", "public_description", "status", "is_public", "merged_into", "status_changed_at", "created_at", "updated_at"},
			len(ds.Requests), func(i int) []any {
				r := ds.Requests[i]
				return []any{r.ID, r.Title, r.Description, r.PublicTitle, r.PublicDescription, string(r.Status), r.Public, r.MergedInto, orNow(r.StatusChangedAt), orNow(r.CreatedAt), orNow(r.UpdatedAt)}
			}},
		{"feedback", []string{"id", "source_kind", "source_name", "source_id", "received_at", "author_name", "author_email", "company_name", "account_id", "match_rule", "mrr_at_receipt_minor", "mrr_currency", "title", "body", "context", "language", "rating", "sentiment", "url", "raw", "status", "request_id", "tag", "insight", "who_benefits", "triaged_by", "triaged_at", "created_at", "updated_at"},
			len(ds.Items), func(i int) []any {
				it := ds.Items[i]
				var mrr *int64
				cur := ""
				if it.MRRAtReceipt != nil {
					mrr, cur = &it.MRRAtReceipt.Minor, it.MRRAtReceipt.Currency
				}
				var raw any
				if len(it.Raw) > 0 {
					raw = string(it.Raw)
				}
				var tag any
				if it.Tag != feedback.TagNone {
					tag = string(it.Tag)
				}
				return []any{it.ID, string(it.SourceKind), it.SourceName, it.SourceID, it.ReceivedAt, it.AuthorName, it.AuthorEmail, it.CompanyName, it.AccountID, it.MatchRule, mrr, cur, it.Title, it.Body, it.Context, it.Language, it.Rating, it.Sentiment, it.URL, raw, string(it.Status), it.RequestID, tag, it.Insight, it.WhoBenefits, it.TriagedBy, it.TriagedAt, orNow(it.CreatedAt), orNow(it.UpdatedAt)}
			}},
	}
	for _, st := range steps {
		if st.n == 0 {
			continue
		}
		if err := copyRows(ctx, tx, st.table, st.cols, st.n, st.row); err != nil {
			return err
		}
		if err := resetSequence(ctx, tx, st.table); err != nil {
			return err
		}
	}
	return nil
}

// copyFrom is the COPY … FROM STDIN statement lib/pq streams rows into; table and columns are
// the dataset's own names, quoted all the same.
func copyFrom(table string, cols []string) string {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = pq.QuoteIdentifier(c)
	}
	return "COPY " + pq.QuoteIdentifier(table) + " (" + strings.Join(quoted, ", ") + ") FROM STDIN"
}

func copyRows(ctx context.Context, tx *sqlx.Tx, table string, cols []string, n int, row func(int) []any) error {
	stmt, err := tx.PrepareContext(ctx, copyFrom(table, cols))
	if err != nil {
		return fmt.Errorf("copy into %s: %w", table, err)
	}
	for i := 0; i < n; i++ {
		if _, err := stmt.ExecContext(ctx, row(i)...); err != nil {
			stmt.Close()
			return fmt.Errorf("copy into %s, row %d: %w", table, i+1, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		stmt.Close()
		return fmt.Errorf("copy into %s: %w", table, err)
	}
	return stmt.Close()
}

// resetSequence moves table's id sequence past the ids just written.
func resetSequence(ctx context.Context, tx *sqlx.Tx, table string) error {
	// table comes from the fixed list above, never from input.
	q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), COALESCE(max(id), 1), max(id) IS NOT NULL) FROM %[1]s`, table)
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("sequence of %s: %w", table, err)
	}
	return nil
}

// Counts is how much data the database holds.
type Counts struct {
	Accounts int `db:"accounts" json:"accounts"`
	Contacts int `db:"contacts" json:"contacts"`
	Requests int `db:"requests" json:"requests"`
	Feedback int `db:"feedback" json:"feedback"`
	Triaged  int `db:"triaged" json:"triaged"`
	Users    int `db:"users" json:"users"`
}

// Counts returns the size of the main tables.
func (s *DB) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.db.GetContext(ctx, &c, `SELECT
		(SELECT count(*) FROM accounts) AS accounts,
		(SELECT count(*) FROM contacts) AS contacts,
		(SELECT count(*) FROM requests) AS requests,
		(SELECT count(*) FROM feedback) AS feedback,
		(SELECT count(*) FROM feedback WHERE status = 'triaged') AS triaged,
		(SELECT count(*) FROM users) AS users`)
	if err != nil {
		return c, fmt.Errorf("store: counts: %w", err)
	}
	return c, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func dateOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format("2006-01-02")
}

func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
