package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Setting reads the JSON setting key into v; found is false when it was never saved.
func (s *DB) Setting(ctx context.Context, key string, v any) (found bool, err error) {
	var raw []byte
	err = s.db.GetContext(ctx, &raw, `SELECT value FROM settings WHERE key = $1`, key)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: setting %s: %w", key, err)
	}
	return true, json.Unmarshal(raw, v)
}

// SaveSetting saves v as the JSON setting key, with the audit log.
func (s *DB) SaveSetting(ctx context.Context, key string, v any, actor string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "save setting", func(tx *sqlx.Tx) error {
		var before []byte
		_ = tx.GetContext(ctx, &before, `SELECT value FROM settings WHERE key = $1`, key)
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_by) VALUES ($1, $2, $3)
			ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
			key, string(b), actor); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor, entity, entity_id, action, before, after) VALUES ($1, 'setting', 0, $2, $3, $4)`,
			actor, "save "+key, nullJSON(before), string(b))
		return err
	})
}

func nullJSON(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}
