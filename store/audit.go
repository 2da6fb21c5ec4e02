package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// audit writes one audit-log entry.
func audit(ctx context.Context, tx *sqlx.Tx, actor, entity string, id int64, action string, before, after any) error {
	b, err := json.Marshal(before)
	if err != nil {
		return err
	}
	a, err := json.Marshal(after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (actor, entity, entity_id, action, before, after) VALUES ($1, $2, $3, $4, $5, $6)`,
		actor, entity, id, action, string(b), string(a))
	return err
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

// AuditLine is one line of the whole audit log.
type AuditLine struct {
	AuditEntry
	Entity   string `db:"entity"`
	EntityID int64  `db:"entity_id"`
}

// AuditLog is the audit log, newest first, a page at a time; entity narrows it ("" for all).
func (s *DB) AuditLog(ctx context.Context, entity string, limit, offset int) ([]AuditLine, error) {
	var out []AuditLine
	err := s.db.SelectContext(ctx, &out, `SELECT at, actor, action, entity, entity_id, COALESCE(before::text, '') AS before,
		COALESCE(after::text, '') AS after FROM audit_log WHERE $1 = '' OR entity = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
		entity, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	return out, nil
}
