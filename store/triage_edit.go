package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

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
	return s.triage(ctx, id, "tag", u, func(tx *sqlx.Tx, before feedback.Item) (map[string]any, error) {
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
	return s.triage(ctx, id, "link", u, linkTo(ctx, requestID))
}

// linkTo is the change that links a voice to a request, or to the request it was merged into.
func linkTo(ctx context.Context, requestID int64) func(*sqlx.Tx, feedback.Item) (map[string]any, error) {
	return func(tx *sqlx.Tx, before feedback.Item) (map[string]any, error) {
		var into int64
		err := tx.GetContext(ctx, &into, `SELECT COALESCE(merged_into, id) FROM requests WHERE id = $1`, requestID)
		if isNoRows(err) {
			return nil, feedback.Errorf(feedback.ENOTFOUND, "No request %d.", requestID)
		}
		if err != nil || (before.RequestID != nil && *before.RequestID == into) {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `UPDATE feedback SET request_id = $2 WHERE id = $1`, before.ID, into)
		return map[string]any{"request_id": into}, err
	}
}

// CreateRequest creates a request from voices (one, or a group of similar ones) and links them to
// it, in one transaction, with the audit log.
func (s *DB) CreateRequest(ctx context.Context, title string, voices []int64, u Triager) (int64, error) {
	title = strings.TrimSpace(title)
	if title == "" {
		return 0, feedback.Errorf(feedback.EINVALID, "A request needs a title.")
	}
	var id int64
	err := s.inTx(ctx, "create request", func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &id, `INSERT INTO requests (title) VALUES ($1) RETURNING id`, title); err != nil {
			return err
		}
		if err := audit(ctx, tx, u.Actor, "request", id, "create", nil, map[string]any{"title": title, "voices": voices}); err != nil {
			return err
		}
		for _, v := range voices {
			if _, err := triageTx(ctx, tx, v, "link", u, linkTo(ctx, id)); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// triage runs change on voice id under a row lock, in a transaction of its own.
func (s *DB) triage(ctx context.Context, id int64, action string, u Triager, change func(*sqlx.Tx, feedback.Item) (map[string]any, error)) error {
	return s.inTx(ctx, "triage "+action, func(tx *sqlx.Tx) error {
		_, err := triageTx(ctx, tx, id, action, u, change)
		return err
	})
}

// triageTx runs change on voice id under a row lock; when it changed something (a non-nil
// after), the voice is marked triaged (unless the change set its status) and the change audited.
func triageTx(ctx context.Context, tx *sqlx.Tx, id int64, action string, u Triager, change func(*sqlx.Tx, feedback.Item) (map[string]any, error)) (bool, error) {
	var r itemRow
	err := tx.GetContext(ctx, &r, `SELECT `+itemColumns+` FROM feedback WHERE id = $1 FOR UPDATE`, id)
	if isNoRows(err) {
		return false, feedback.Errorf(feedback.ENOTFOUND, "No voice %d.", id)
	}
	if err != nil {
		return false, err
	}
	before := r.ToModel()
	after, err := change(tx, before)
	if err != nil || after == nil {
		return false, err
	}
	status := "CASE WHEN status = 'new' THEN 'triaged' ELSE status END"
	if _, ok := after["status"]; ok {
		status = "status"
	}
	if _, err := tx.ExecContext(ctx, `UPDATE feedback SET status = `+status+`,
		triaged_at = COALESCE(triaged_at, now()), triaged_by = COALESCE(triaged_by, NULLIF($2::bigint, 0)), updated_at = now() WHERE id = $1`,
		id, u.UserID); err != nil {
		return false, err
	}
	b, _ := json.Marshal(map[string]any{"tag": before.Tag, "request_id": before.RequestID, "insight": before.Insight,
		"who_benefits": before.WhoBenefits, "status": before.Status})
	a, err := json.Marshal(after)
	if err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor, user_id, entity, entity_id, action, before, after)
		VALUES ($1, NULLIF($2::bigint, 0), 'feedback', $3, $4, $5, $6)`, u.Actor, u.UserID, id, action, string(b), string(a)); err != nil {
		return false, fmt.Errorf("audit: %w", err)
	}
	return true, nil
}

// editOne applies a triage edit to one voice; it reports whether anything changed.
func (s *DB) editOne(ctx context.Context, tx *sqlx.Tx, id int64, e TriageEdit, u Triager) (int, error) {
	changed, err := triageTx(ctx, tx, id, "edit", u, func(tx *sqlx.Tx, before feedback.Item) (map[string]any, error) {
		after := map[string]any{}
		var tag any = nil
		if e.Tag != nil && *e.Tag != before.Tag {
			if *e.Tag != feedback.TagNone {
				tag = string(*e.Tag)
			}
			after["tag"] = *e.Tag
		}
		if e.Insight != nil && *e.Insight != before.Insight {
			after["insight"] = *e.Insight
		}
		if e.WhoBenefits != nil && *e.WhoBenefits != before.WhoBenefits {
			after["who_benefits"] = *e.WhoBenefits
		}
		if e.Status != nil && *e.Status != before.Status {
			after["status"] = *e.Status
		}
		if len(after) == 0 {
			return nil, nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE feedback SET
			tag = CASE WHEN $2 THEN $3::text ELSE tag END,
			insight = COALESCE($4, insight), who_benefits = COALESCE($5, who_benefits), status = COALESCE($6, status)
			WHERE id = $1`, id, after["tag"] != nil, tag, e.Insight, e.WhoBenefits, (*string)(e.Status))
		return after, err
	})
	if changed {
		return 1, err
	}
	return 0, err
}
