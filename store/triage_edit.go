package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// Triager is who triages a voice: a Koe user, and the name the audit log gives them ("slack:…").
type Triager struct {
	UserID int64
	Actor  string
}

// TagFeedback sets a voice's tag, marks it triaged by u and writes the audit log. A voice that
// has the tag already is left as it is.
func (s *DB) TagFeedback(ctx context.Context, id int64, tag feedback.Tag, u Triager) error {
	if !tag.Valid() || tag == feedback.TagNone {
		return feedback.Errorf(feedback.EINVALID, "%q is not a tag: use churn_risk, expansion, usability or internal_efficiency.", tag)
	}
	return s.triage(ctx, id, "tag", u, func(tx *sqlx.Tx, before feedback.Item) (any, error) {
		if before.Tag == tag {
			return nil, nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE feedback SET tag = $2 WHERE id = $1`, id, string(tag))
		return map[string]any{"tag": tag}, err
	})
}

// LinkFeedback links a voice to a request (following merges), marks it triaged by u and writes
// the audit log.
func (s *DB) LinkFeedback(ctx context.Context, id, requestID int64, u Triager) error {
	return s.triage(ctx, id, "link", u, func(tx *sqlx.Tx, before feedback.Item) (any, error) {
		var into int64
		err := tx.GetContext(ctx, &into, `SELECT COALESCE(merged_into, id) FROM requests WHERE id = $1`, requestID)
		if isNoRows(err) {
			return nil, feedback.Errorf(feedback.ENOTFOUND, "No request %d.", requestID)
		}
		if err != nil || (before.RequestID != nil && *before.RequestID == into) {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `UPDATE feedback SET request_id = $2 WHERE id = $1`, id, into)
		return map[string]any{"request_id": into}, err
	})
}

// triage runs change on voice id under a row lock; when it changed something (a non-nil after),
// the voice is marked triaged and the change audited.
func (s *DB) triage(ctx context.Context, id int64, action string, u Triager, change func(*sqlx.Tx, feedback.Item) (any, error)) error {
	return s.inTx(ctx, "triage "+action, func(tx *sqlx.Tx) error {
		var r itemRow
		err := tx.GetContext(ctx, &r, `SELECT `+itemColumns+` FROM feedback WHERE id = $1 FOR UPDATE`, id)
		if isNoRows(err) {
			return feedback.Errorf(feedback.ENOTFOUND, "No voice %d.", id)
		}
		if err != nil {
			return err
		}
		before := r.ToModel()
		after, err := change(tx, before)
		if err != nil || after == nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE feedback SET status = CASE WHEN status = 'new' THEN 'triaged' ELSE status END,
			triaged_at = COALESCE(triaged_at, now()), triaged_by = COALESCE(triaged_by, $2), updated_at = now() WHERE id = $1`,
			id, u.UserID); err != nil {
			return err
		}
		b, _ := json.Marshal(map[string]any{"tag": before.Tag, "request_id": before.RequestID})
		a, err := json.Marshal(after)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor, user_id, entity, entity_id, action, before, after)
			VALUES ($1, $2, 'feedback', $3, $4, $5, $6)`, u.Actor, u.UserID, id, action, string(b), string(a)); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		return nil
	})
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At     time.Time `db:"at" json:"at"`
	Actor  string    `db:"actor" json:"actor"`
	Action string    `db:"action" json:"action"`
	Before string    `db:"before" json:"before"`
	After  string    `db:"after" json:"after"`
}

// History is the audit log of one entity ("feedback", "request", "account"), oldest first.
func (s *DB) History(ctx context.Context, entity string, id int64) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.db.SelectContext(ctx, &out, `SELECT at, actor, action, COALESCE(before::text, '') AS before, COALESCE(after::text, '') AS after
		FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id`, entity, id)
	if err != nil {
		return nil, fmt.Errorf("store: history of %s %d: %w", entity, id, err)
	}
	return out, nil
}
