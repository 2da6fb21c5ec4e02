package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// Rating bands a reply template answers.
const (
	BandLow  = "low"  // 1–2 stars
	BandMid  = "mid"  // 3 stars
	BandHigh = "high" // 4–5 stars
	BandAny  = "any"
)

// ReplyBands are the bands, in the order the template form offers them.
var ReplyBands = []string{BandAny, BandLow, BandMid, BandHigh}

// RatingBand is the band of a star rating (BandAny when there is none).
func RatingBand(rating *float64) string {
	switch {
	case rating == nil || *rating <= 0:
		return BandAny
	case *rating < 2.5:
		return BandLow
	case *rating < 3.5:
		return BandMid
	}
	return BandHigh
}

// ReplyTemplate is a saved starting point for a reply, in one language for one rating band. Its
// body may hold the placeholders {reviewer} and {app}.
type ReplyTemplate struct {
	ID        int64     `db:"id" json:"id"`
	Name      string    `db:"name" json:"name"`
	Language  string    `db:"language" json:"language"`
	Band      string    `db:"band" json:"band"`
	Body      string    `db:"body" json:"body"`
	UpdatedBy string    `db:"updated_by" json:"updated_by"`
	UpdatedAt time.Time `db:"updated_at" json:"updated_at"`
}

// ReplyTemplates are every template, by language, band and name.
func (s *DB) ReplyTemplates(ctx context.Context) ([]ReplyTemplate, error) {
	var out []ReplyTemplate
	if err := s.db.SelectContext(ctx, &out, `SELECT id, name, language, band, body, updated_by, updated_at FROM reply_templates
		ORDER BY language, band, name`); err != nil {
		return nil, fmt.Errorf("store: reply templates: %w", err)
	}
	return out, nil
}

// SaveReplyTemplate adds t (ID 0) or changes the template with t.ID; a name is unique within its
// language and band.
func (s *DB) SaveReplyTemplate(ctx context.Context, t ReplyTemplate, actor string) (int64, error) {
	if t.Name == "" || t.Body == "" || t.Language == "" {
		return 0, feedback.Errorf(feedback.EINVALID, "A template needs a name, a language and words.")
	}
	valid := false
	for _, b := range ReplyBands {
		valid = valid || b == t.Band
	}
	if !valid {
		return 0, feedback.Errorf(feedback.EINVALID, "Rating band %q: use any, low, mid or high.", t.Band)
	}
	var id int64
	err := s.inTx(ctx, "save reply template", func(tx *sqlx.Tx) error {
		if t.ID == 0 {
			if err := tx.GetContext(ctx, &id, `INSERT INTO reply_templates (name, language, band, body, updated_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
				t.Name, t.Language, t.Band, t.Body, actor); err != nil {
				return err
			}
			return audit(ctx, tx, actor, "reply_template", id, "review_template_add", nil, templateAudit(t))
		}
		var before ReplyTemplate
		if err := tx.GetContext(ctx, &before, `SELECT id, name, language, band, body, updated_by, updated_at FROM reply_templates
			WHERE id = $1 FOR UPDATE`, t.ID); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &id, `UPDATE reply_templates SET name = $2, language = $3, band = $4, body = $5, updated_by = $6, updated_at = now()
			WHERE id = $1 RETURNING id`, t.ID, t.Name, t.Language, t.Band, t.Body, actor); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "reply_template", id, "review_template_edit", templateAudit(before), templateAudit(t))
	})
	switch {
	case isUniqueViolation(err):
		return 0, feedback.Errorf(feedback.ECONFLICT, "A template named %q exists for that language and band already.", t.Name)
	case isNoRows(err):
		return 0, feedback.Errorf(feedback.ENOTFOUND, "No reply template %d.", t.ID)
	case err != nil:
		return 0, err
	}
	return id, nil
}

// DeleteReplyTemplate removes the template with id, as actor; replies started from it keep their
// words. A template already gone is not an error.
func (s *DB) DeleteReplyTemplate(ctx context.Context, id int64, actor string) error {
	return s.inTx(ctx, "delete reply template", func(tx *sqlx.Tx) error {
		var before ReplyTemplate
		err := tx.GetContext(ctx, &before, `DELETE FROM reply_templates WHERE id = $1
			RETURNING id, name, language, band, body, updated_by, updated_at`, id)
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "reply_template", id, "review_template_delete", templateAudit(before), nil)
	})
}

// templateAudit is what the audit log keeps of a template.
func templateAudit(t ReplyTemplate) map[string]any {
	return map[string]any{"name": t.Name, "language": t.Language, "band": t.Band, "body": t.Body}
}
