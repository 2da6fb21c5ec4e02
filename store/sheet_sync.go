package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/koehq/koe/feedback"
)

// SheetEdit is the editable cells of a row as text, as Koe wrote them or as a person left them.
type SheetEdit struct {
	Tag         string `json:"tag"`
	Insight     string `json:"insight"`
	WhoBenefits string `json:"who_benefits"`
	Request     string `json:"request"`
}

// SheetRowState is what Koe last wrote for a voice in a spreadsheet.
type SheetRowState struct {
	FeedbackID int64
	Hash       []byte
	Edit       SheetEdit
	Version    time.Time // the voice's updated_at when written
}

// SheetVoices returns the voices a push should look at, oldest first: those never written to the
// spreadsheet and those changed since (all of them with full).
func (s *DB) SheetVoices(ctx context.Context, spreadsheetID string, full bool) ([]VoiceRow, error) {
	var out []VoiceRow
	err := s.db.SelectContext(ctx, &out, voiceRowSelect+`
		LEFT JOIN sheet_rows sr ON sr.spreadsheet_id = $1 AND sr.feedback_id = f.id
		WHERE $2 OR sr.feedback_id IS NULL OR f.updated_at > sr.version
		ORDER BY f.received_at, f.id`, spreadsheetID, full)
	if err != nil {
		return nil, fmt.Errorf("store: voices for the sheet: %w", err)
	}
	return out, nil
}

// SheetRowStates returns what Koe last wrote to a spreadsheet, by voice.
func (s *DB) SheetRowStates(ctx context.Context, spreadsheetID string) (map[int64]SheetRowState, error) {
	var rows []struct {
		ID      int64     `db:"feedback_id"`
		Hash    []byte    `db:"hash"`
		Edit    []byte    `db:"edit"`
		Version time.Time `db:"version"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT feedback_id, hash, edit, version FROM sheet_rows WHERE spreadsheet_id = $1`, spreadsheetID); err != nil {
		return nil, fmt.Errorf("store: sheet rows: %w", err)
	}
	out := make(map[int64]SheetRowState, len(rows))
	for _, r := range rows {
		st := SheetRowState{FeedbackID: r.ID, Hash: r.Hash, Version: r.Version}
		if err := json.Unmarshal(r.Edit, &st.Edit); err != nil {
			return nil, fmt.Errorf("store: sheet row %d: %w", r.ID, err)
		}
		out[r.ID] = st
	}
	return out, nil
}

// SaveSheetRows records what Koe wrote to a spreadsheet (one statement for a chunk of rows).
func (s *DB) SaveSheetRows(ctx context.Context, spreadsheetID string, rows []SheetRowState) error {
	if len(rows) == 0 {
		return nil
	}
	ids, hashes, edits, versions := make([]int64, len(rows)), make([][]byte, len(rows)), make([]string, len(rows)), make([]time.Time, len(rows))
	for i, r := range rows {
		e, err := json.Marshal(r.Edit)
		if err != nil {
			return err
		}
		ids[i], hashes[i], edits[i], versions[i] = r.FeedbackID, r.Hash, string(e), r.Version
	}
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO sheet_rows (spreadsheet_id, feedback_id, hash, edit, version)
		SELECT $1, id, h, e::jsonb, v FROM unnest($2::bigint[], $3::bytea[], $4::text[], $5::timestamptz[]) AS r(id, h, e, v)
		WHERE EXISTS (SELECT 1 FROM feedback WHERE feedback.id = r.id)
		ON CONFLICT (spreadsheet_id, feedback_id) DO UPDATE SET hash = EXCLUDED.hash, edit = EXCLUDED.edit,
			version = EXCLUDED.version, pushed_at = now()`,
		spreadsheetID, pq.Array(ids), pq.ByteaArray(hashes), pq.Array(edits), pq.Array(versions))
	if err != nil {
		return fmt.Errorf("store: save %d sheet rows: %w", len(rows), err)
	}
	return nil
}

// SheetChange is a person's edit of one row of the feedback sheet, parsed: nil fields were not
// edited; Unlink clears the linked request.
type SheetChange struct {
	Edit      TriageEdit
	RequestID *int64
	Unlink    bool
}

// ApplySheetEdit applies an edit made in the sheet to a voice — if the voice has not changed in
// Koe since version (the one the person saw), else ECONFLICT — under the audit log with actor,
// and returns the voice's new version.
func (s *DB) ApplySheetEdit(ctx context.Context, id int64, version time.Time, c SheetChange, actor string) (time.Time, error) {
	if c.Edit.Tag != nil && !c.Edit.Tag.Valid() {
		return time.Time{}, feedback.Errorf(feedback.EINVALID, "%q is not a tag.", *c.Edit.Tag)
	}
	var now time.Time
	u := Triager{Actor: actor}
	err := s.inTx(ctx, "sheet edit", func(tx *sqlx.Tx) error {
		var current time.Time
		err := tx.GetContext(ctx, &current, `SELECT updated_at FROM feedback WHERE id = $1 FOR UPDATE`, id)
		if isNoRows(err) {
			return feedback.Errorf(feedback.ENOTFOUND, "Koe has no voice %d any more.", id)
		}
		if err != nil {
			return err
		}
		if !current.Equal(version) {
			return feedback.Errorf(feedback.ECONFLICT, "the voice was changed in Koe after the sheet was last written; Koe's version stays")
		}
		if c.Edit != (TriageEdit{}) {
			if _, err := s.editOne(ctx, tx, id, c.Edit, u); err != nil {
				return err
			}
		}
		switch {
		case c.RequestID != nil:
			if _, err := triageTx(ctx, tx, id, "link", u, linkTo(ctx, *c.RequestID)); err != nil {
				return err
			}
		case c.Unlink:
			if _, err := triageTx(ctx, tx, id, "unlink", u, unlink(ctx)); err != nil {
				return err
			}
		}
		return tx.GetContext(ctx, &now, `SELECT updated_at FROM feedback WHERE id = $1`, id)
	})
	return now, err
}

// ChangeMark moves whenever a voice arrives or anything is edited (the newest voice and audit
// entry, both read off their primary keys): a cheap way to notice that a sync is due.
func (s *DB) ChangeMark(ctx context.Context) (string, error) {
	var m struct {
		Feedback *int64 `db:"f"`
		Audit    *int64 `db:"a"`
	}
	if err := s.db.GetContext(ctx, &m, `SELECT (SELECT max(id) FROM feedback) AS f, (SELECT max(id) FROM audit_log) AS a`); err != nil {
		return "", fmt.Errorf("store: change mark: %w", err)
	}
	return fmt.Sprintf("%v/%v", deref(m.Feedback), deref(m.Audit)), nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
