package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// backupTables are the tables `koe export all` writes and `koe import all` reads, in an order
// that puts every row after the rows it refers to (a merged request after the one it was merged
// into, a reply after its parent message). Sessions, sign-in links and idempotency keys are
// short-lived and left out.
var backupTables = []struct{ name, order string }{
	{"users", "id"}, {"accounts", "id"}, {"account_mrr_history", "account_id, valid_from"}, {"contacts", "id"},
	{"match_rules", "id"}, {"requests", "(merged_into IS NOT NULL), id"}, {"request_status_changes", "id"},
	{"request_public_texts", "request_id, lang"},
	{"sources", "id"}, {"ingest_runs", "id"}, {"feedback", "id"}, {"feedback_suggestions", "feedback_id, rank"},
	{"settings", "key"}, {"audit_log", "id"}, {"saved_views", "id"}, {"outbox", "(parent_key IS NOT NULL), id"},
	{"customers", "email"}, {"api_tokens", "id"}, {"webhooks", "id"}, {"webhook_deliveries", "id"},
	{"sheet_rows", "spreadsheet_id, feedback_id"}, {"review_replies", "feedback_id"}, {"reply_templates", "id"},
}

// ExportAll streams every row of Koe's data, table by table, from one snapshot (a repeatable-read,
// read-only transaction), each row as PostgreSQL's own JSON of it.
func (s *DB) ExportAll(ctx context.Context, emit func(table string, row json.RawMessage) error) error {
	return s.inSnapshot(ctx, "export", func(tx *sqlx.Tx) error {
		for _, t := range backupTables {
			if err := eachJSONRow(ctx, tx, t.name, t.order, func(row string) error { return emit(t.name, json.RawMessage(row)) }); err != nil {
				return err
			}
		}
		return nil
	})
}

// eachJSONRow reads a table's rows in order as JSON; table and order come from backupTables,
// never from input.
func eachJSONRow(ctx context.Context, tx *sqlx.Tx, table, order string, fn func(string) error) error {
	rows, err := tx.QueryContext(ctx, `SELECT row_to_json(t)::text FROM `+table+` t ORDER BY `+order)
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var row string
		if err := rows.Scan(&row); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BackupRow is one row of an export: its table and its JSON.
type BackupRow struct {
	Table string
	Row   json.RawMessage
}

// ImportAll writes an export into an empty database, in one transaction: all of it or, on any
// error, nothing. Triggers stay off while it runs (the history they would write is in the
// export), and every id sequence is moved past the imported ids.
func (s *DB) ImportAll(ctx context.Context, next func() (BackupRow, bool, error)) (map[string]int, error) {
	known := map[string]bool{}
	for _, t := range backupTables {
		known[t.name] = true
	}
	counts := map[string]int{}
	err := s.inTx(ctx, "import", func(tx *sqlx.Tx) error {
		var used bool
		if err := tx.GetContext(ctx, &used, `SELECT EXISTS (SELECT 1 FROM feedback) OR EXISTS (SELECT 1 FROM accounts)
			OR EXISTS (SELECT 1 FROM requests) OR EXISTS (SELECT 1 FROM users)`); err != nil {
			return err
		}
		if used {
			return feedback.Errorf(feedback.ECONFLICT, "This database already holds data: import into an empty one (a new DATABASE_URL, or a fresh KOE_DATA_DIR).")
		}
		for _, t := range backupTables {
			if _, err := tx.ExecContext(ctx, `ALTER TABLE `+t.name+` DISABLE TRIGGER USER`); err != nil {
				return err
			}
		}
		var batch []json.RawMessage
		table := ""
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			b, err := json.Marshal(batch)
			if err != nil {
				return err
			}
			// Generated columns are computed again, never written.
			var cols []string
			if err := tx.SelectContext(ctx, &cols, `SELECT quote_ident(column_name) FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`, table); err != nil {
				return err
			}
			list := strings.Join(cols, ", ")
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+list+`) SELECT `+list+` FROM json_populate_recordset(NULL::`+table+`, $1::json)`, string(b)); err != nil {
				return fmt.Errorf("%s, rows %d–%d: %w", table, counts[table]-len(batch)+1, counts[table], err)
			}
			batch = batch[:0]
			return nil
		}
		for {
			r, ok, err := next()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if !known[r.Table] {
				return feedback.Errorf(feedback.EINVALID, "table %q is not one Koe exports.", r.Table)
			}
			if r.Table != table || len(batch) == 1000 {
				if err := flush(); err != nil {
					return err
				}
				table = r.Table
			}
			batch = append(batch, r.Row)
			counts[r.Table]++
		}
		if err := flush(); err != nil {
			return err
		}
		// A backup from before the search text was stored (migration 00031) has none, one from
		// before its pieces were (00092) has no pieces: fold the words and cut the pieces here,
		// as the trigger that is off during the restore would (00090, 00092).
		if _, err := tx.ExecContext(ctx, `UPDATE feedback SET search_text = COALESCE(search_text, koe_search_key(title, body)),
			search_grams = koe_search_grams(COALESCE(search_text, koe_search_key(title, body)))
			WHERE search_text IS NULL OR search_grams IS NULL`); err != nil {
			return err
		}
		for _, t := range backupTables {
			if strings.HasPrefix(t.order, "id") || strings.HasSuffix(t.order, ", id") {
				if err := resetSequence(ctx, tx, t.name); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `ALTER TABLE `+t.name+` ENABLE TRIGGER USER`); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `SELECT setval('webhook_event_seq', GREATEST(1, COALESCE(max(split_part(dedupe_key, ':', 3)::bigint), 1)))
			FROM outbox WHERE target = 'webhook'`)
		return err
	})
	return counts, err
}
