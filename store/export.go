package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// VoiceRow is one voice with its account and request, as the feedback sheet shows it: a line of
// `koe export feedback`, a row of the Google feedback sheet.
type VoiceRow struct {
	ID           int64     `db:"id" json:"id"`
	ReceivedAt   time.Time `db:"received_at" json:"received_at"`
	Source       string    `db:"source_kind" json:"source"`
	SourceName   string    `db:"source_name" json:"source_name"`
	Account      string    `db:"account" json:"account"`
	MRRMinor     *int64    `db:"mrr_minor" json:"mrr_at_receipt,omitempty"`
	Currency     string    `db:"mrr_currency" json:"currency,omitempty"`
	Plan         string    `db:"plan" json:"plan"`
	Employees    *int64    `db:"employees" json:"employees,omitempty"`
	Author       string    `db:"author_email" json:"author_email"`
	Title        string    `db:"title" json:"title,omitempty"`
	Body         string    `db:"body" json:"text"`
	Language     string    `db:"language" json:"language"`
	Rating       *float64  `db:"rating" json:"rating,omitempty"`
	Sentiment    *float64  `db:"sentiment" json:"sentiment,omitempty"`
	Tag          string    `db:"tag" json:"tag,omitempty"`
	Insight      string    `db:"insight" json:"insight,omitempty"`
	WhoBenefits  string    `db:"who_benefits" json:"who_benefits,omitempty"`
	RequestID    *int64    `db:"request_id" json:"request_id,omitempty"`
	RequestTitle string    `db:"request_title" json:"request,omitempty"`
	Status       string    `db:"status" json:"status"`
	URL          string    `db:"url" json:"url,omitempty"`
	UpdatedAt    time.Time `db:"updated_at" json:"updated_at"`
}

// voiceRowSelect reads VoiceRows; add a WHERE and an ORDER BY.
const voiceRowSelect = `
	SELECT f.id, f.received_at, f.source_kind, f.source_name, COALESCE(a.name, f.company_name) AS account,
		f.mrr_at_receipt_minor AS mrr_minor, f.mrr_currency, COALESCE(a.plan, '') AS plan, a.employees::bigint AS employees,
		f.author_email, f.title, f.body, f.language, f.rating, f.sentiment, COALESCE(f.tag, '') AS tag, f.insight, f.who_benefits,
		f.request_id, COALESCE(r.title, '') AS request_title, f.status, f.url, f.updated_at
	FROM feedback f LEFT JOIN accounts a ON a.id = f.account_id LEFT JOIN requests r ON r.id = f.request_id`

// EachExportRow streams the whole feedback sheet, oldest first, to fn, in one snapshot (a
// repeatable-read transaction), without holding it all in memory.
func (s *DB) EachExportRow(ctx context.Context, fn func(VoiceRow) error) error {
	return s.inSnapshot(ctx, "export", func(tx *sqlx.Tx) error {
		rows, err := tx.QueryxContext(ctx, voiceRowSelect+` ORDER BY f.received_at, f.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r VoiceRow
			if err := rows.StructScan(&r); err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}
