package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// UnlinkFeedback takes a voice off its request, with the audit log; a voice linked to nothing is
// left as it is.
func (s *DB) UnlinkFeedback(ctx context.Context, id int64, u Triager) error {
	return s.triage(ctx, id, "unlink", u, unlink(ctx))
}

// unlink is the change that takes a voice off its request.
func unlink(ctx context.Context) func(*sqlx.Tx, feedback.Item) (map[string]any, error) {
	return func(tx *sqlx.Tx, before feedback.Item) (map[string]any, error) {
		if before.RequestID == nil {
			return nil, nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE feedback SET request_id = NULL WHERE id = $1`, before.ID)
		return map[string]any{"request_id": nil}, err
	}
}

// LinkFeedbackMany links voices to one request (following merges) in one transaction, each
// under the audit log, and returns how many changed: all of them or, on an error, none.
func (s *DB) LinkFeedbackMany(ctx context.Context, ids []int64, requestID int64, u Triager) (int, error) {
	changed := 0
	err := s.inTx(ctx, "link feedback", func(tx *sqlx.Tx) error {
		for _, id := range ids {
			ok, err := triageTx(ctx, tx, id, "link", u, linkTo(ctx, requestID))
			if err != nil {
				return err
			}
			if ok {
				changed++
			}
		}
		return nil
	})
	return changed, err
}

// UndoLast puts back what u's last change to voices (one save, one link, one bulk action: the
// audit entries of one transaction) replaced, and returns the voices it touched, none when there
// is nothing left to undo. Called again, it undoes the change before that. The undo is an edit
// in the audit log whose after names the entry it undid ("undo": id).
func (s *DB) UndoLast(ctx context.Context, u Triager) ([]int64, error) {
	var ids []int64
	err := s.inTx(ctx, "undo", func(tx *sqlx.Tx) error {
		var last []struct {
			ID       int64  `db:"id"`
			EntityID int64  `db:"entity_id"`
			Before   string `db:"before"`
			After    string `db:"after"`
		}
		if err := tx.SelectContext(ctx, &last, `WITH mine AS (
				SELECT a.id, a.at, a.entity_id, a.before, a.after FROM audit_log a
				WHERE a.entity = 'feedback' AND a.actor = $1 AND NOT COALESCE(a.after ? 'undo', false)
				AND NOT EXISTS (SELECT 1 FROM audit_log d WHERE d.entity = 'feedback' AND d.actor = $1 AND d.after->>'undo' = a.id::text))
			SELECT id, entity_id, COALESCE(before::text, '{}') AS before, COALESCE(after::text, '{}') AS after
			FROM mine WHERE at = (SELECT max(at) FROM mine) ORDER BY id DESC`, u.Actor); err != nil {
			return err
		}
		for _, l := range last {
			var before, after map[string]json.RawMessage
			if err := json.Unmarshal([]byte(l.Before), &before); err != nil {
				return fmt.Errorf("audit entry %d: %w", l.ID, err)
			}
			if err := json.Unmarshal([]byte(l.After), &after); err != nil {
				return fmt.Errorf("audit entry %d: %w", l.ID, err)
			}
			ok, err := triageTx(ctx, tx, l.EntityID, "edit", u, restore(ctx, u, l.ID, before, after))
			if err != nil {
				return err
			}
			if ok {
				ids = append(ids, l.EntityID)
			}
		}
		return nil
	})
	return ids, err
}

// restore is the change that sets back, from an audit entry's before, the fields its after
// changed, and the status (a first triage moves a new voice to triaged without saying so).
func restore(ctx context.Context, u Triager, entry int64, before, after map[string]json.RawMessage) func(*sqlx.Tx, feedback.Item) (map[string]any, error) {
	return func(tx *sqlx.Tx, now feedback.Item) (map[string]any, error) {
		var old struct {
			Tag         feedback.Tag    `json:"tag"`
			RequestID   *int64          `json:"request_id"`
			Insight     string          `json:"insight"`
			WhoBenefits string          `json:"who_benefits"`
			Status      feedback.Status `json:"status"`
		}
		b, _ := json.Marshal(before)
		if err := json.Unmarshal(b, &old); err != nil {
			return nil, err
		}
		put := map[string]any{}
		if _, ok := after["tag"]; ok && old.Tag != now.Tag {
			put["tag"] = old.Tag
		}
		if _, ok := after["request_id"]; ok && !sameID(old.RequestID, now.RequestID) {
			put["request_id"] = old.RequestID
		}
		if _, ok := after["insight"]; ok && old.Insight != now.Insight {
			put["insight"] = old.Insight
		}
		if _, ok := after["who_benefits"]; ok && old.WhoBenefits != now.WhoBenefits {
			put["who_benefits"] = old.WhoBenefits
		}
		if old.Status.Valid() && old.Status != now.Status {
			put["status"] = old.Status
		}
		if len(put) == 0 {
			// Nothing to put back (changed since by someone else): still mark the entry undone,
			// so the next undo goes further back.
			_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor, user_id, entity, entity_id, action, before, after)
				VALUES ($1, NULLIF($2::bigint, 0), 'feedback', $3, 'edit', '{}', $4)`, u.Actor, u.UserID, now.ID, fmt.Sprintf(`{"undo": %d}`, entry))
			return nil, err
		}
		var tag any // NULL clears the tag
		if old.Tag != feedback.TagNone {
			tag = string(old.Tag)
		}
		_, err := tx.ExecContext(ctx, `UPDATE feedback SET
			tag = CASE WHEN $2 THEN $3::text ELSE tag END,
			request_id = CASE WHEN $4 THEN $5::bigint ELSE request_id END,
			insight = CASE WHEN $6 THEN $7 ELSE insight END,
			who_benefits = CASE WHEN $8 THEN $9 ELSE who_benefits END,
			status = CASE WHEN $10 THEN $11 ELSE status END
			WHERE id = $1`, now.ID, has(put, "tag"), tag, has(put, "request_id"), old.RequestID,
			has(put, "insight"), old.Insight, has(put, "who_benefits"), old.WhoBenefits, has(put, "status"), string(old.Status))
		// The status goes in after either way, so that triageTx leaves it as restored.
		if _, ok := put["status"]; !ok {
			put["status"] = now.Status
		}
		put["undo"] = entry
		return put, err
	}
}

func has(m map[string]any, k string) bool { _, ok := m[k]; return ok }

func sameID(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

// RequestChoices are the requests a voice is most likely linked to, for the sheet's list: open
// ones (not shipped, declined or merged), the newest first, at most limit.
func (s *DB) RequestChoices(ctx context.Context, limit int) ([]feedback.Request, error) {
	var rows []struct {
		ID    int64  `db:"id"`
		Title string `db:"title"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT id, title FROM requests
		WHERE merged_into IS NULL AND status IN ('under_review', 'planned', 'in_progress') ORDER BY id DESC LIMIT $1`, limit); err != nil {
		return nil, fmt.Errorf("store: request choices: %w", err)
	}
	out := make([]feedback.Request, len(rows))
	for i, r := range rows {
		out[i] = feedback.Request{ID: r.ID, Title: r.Title}
	}
	return out, nil
}
