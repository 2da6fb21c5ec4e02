package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// The public roadmap reads only the views public_requests and public_status_changes (migration
// 00011), which name the public columns of public requests and nothing else — besides two
// numbers: how many companies asked (a count over feedback, when the roadmap is set to show it)
// and when anything public last changed. Every function here returns only feedback.Public*
// types or those numbers: nothing internal can reach a public page, feed or sheet through them.

type publicRequestRow struct {
	ID              int64     `db:"id"`
	Title           string    `db:"title"`
	Description     string    `db:"description"`
	Note            string    `db:"note"`
	Status          string    `db:"status"`
	StatusChangedAt time.Time `db:"status_changed_at"`
	AskedBy         int       `db:"asked_by"`
}

func (r publicRequestRow) model() feedback.PublicRequest {
	return feedback.PublicRequest{ID: r.ID, Title: r.Title, Description: r.Description, Note: r.Note,
		Status: feedback.RequestStatus(r.Status), StatusChangedAt: r.StatusChangedAt, AskedBy: r.AskedBy}
}

// inLang joins a public request (alias p) to its words in the reader's language ($1), if any;
// the columns that read it fall back to the request's own words.
const inLang = ` LEFT JOIN public_request_texts t ON t.request_id = p.id AND t.lang = $1 `

// Public words in the reader's language, else the request's own.
const (
	titleInLang       = `COALESCE(NULLIF(t.title, ''), p.title)`
	descriptionInLang = `COALESCE(NULLIF(t.description, ''), p.description)`
	noteInLang        = `COALESCE(NULLIF(t.note, ''), p.note)`
)

// askedBy counts the companies behind a public request: a number, never which ones.
const askedBy = `(SELECT count(DISTINCT f.account_id) FROM feedback f
	WHERE f.request_id = p.id AND f.account_id IS NOT NULL AND f.status NOT IN ('ignored', 'spam'))`

// PublicRequests returns the public requests in lang (each falling back to its own words), the
// latest change first; withAskedBy adds how many companies asked for each.
func (s *DB) PublicRequests(ctx context.Context, lang string, withAskedBy bool) ([]feedback.PublicRequest, error) {
	count := "0"
	if withAskedBy {
		count = askedBy
	}
	var rows []publicRequestRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT p.id, `+titleInLang+` AS title, `+descriptionInLang+` AS description, `+noteInLang+` AS note,
			p.status, p.status_changed_at, `+count+` AS asked_by
		FROM public_requests p`+inLang+`ORDER BY p.status_changed_at DESC, p.id`, lang)
	if err != nil {
		return nil, fmt.Errorf("store: public requests: %w", err)
	}
	out := make([]feedback.PublicRequest, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// PublicRequest returns one public request in lang with its status history, newest first, or
// ENOTFOUND when there is no public request with that id.
func (s *DB) PublicRequest(ctx context.Context, id int64, lang string, withAskedBy bool) (feedback.PublicRequest, []feedback.PublicStatusChange, error) {
	count := "0"
	if withAskedBy {
		count = askedBy
	}
	var r publicRequestRow
	err := s.db.GetContext(ctx, &r, `SELECT p.id, `+titleInLang+` AS title, `+descriptionInLang+` AS description, `+noteInLang+` AS note,
		p.status, p.status_changed_at, `+count+` AS asked_by
		FROM public_requests p`+inLang+`WHERE p.id = $2`, lang, id)
	if isNoRows(err) {
		return feedback.PublicRequest{}, nil, feedback.Errorf(feedback.ENOTFOUND, "There is no public request %d.", id)
	}
	if err != nil {
		return feedback.PublicRequest{}, nil, fmt.Errorf("store: public request %d: %w", id, err)
	}
	history, err := s.publicChanges(ctx, lang, `WHERE h.request_id = $2`, id, 100)
	if err != nil {
		return feedback.PublicRequest{}, nil, err
	}
	return r.model(), history, nil
}

// PublicChanges returns the latest status changes of public requests, newest first, titled in
// lang.
func (s *DB) PublicChanges(ctx context.Context, lang string, limit int) ([]feedback.PublicStatusChange, error) {
	return s.publicChanges(ctx, lang, `WHERE $2::bigint IS NULL`, nil, limit)
}

func (s *DB) publicChanges(ctx context.Context, lang, where string, arg any, limit int) ([]feedback.PublicStatusChange, error) {
	var rows []struct {
		RequestID int64     `db:"request_id"`
		Title     string    `db:"title"`
		Status    string    `db:"status"`
		Note      string    `db:"note"`
		At        time.Time `db:"at"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT h.request_id, COALESCE(NULLIF(t.title, ''), h.title) AS title, h.status, h.note, h.at
		FROM public_status_changes h LEFT JOIN public_request_texts t ON t.request_id = h.request_id AND t.lang = $1 `+where+`
		ORDER BY h.at DESC, h.id DESC LIMIT $3`, lang, arg, limit)
	if err != nil {
		return nil, fmt.Errorf("store: public status changes: %w", err)
	}
	out := make([]feedback.PublicStatusChange, len(rows))
	for i, r := range rows {
		out[i] = feedback.PublicStatusChange{RequestID: r.RequestID, Title: r.Title, Status: feedback.RequestStatus(r.Status), Note: r.Note, At: r.At}
	}
	return out, nil
}

// PublicChangedAt is when anything public last changed (a public field, a status, a request
// made public or private): the public pages' Last-Modified and their cache's key.
func (s *DB) PublicChangedAt(ctx context.Context) (time.Time, error) {
	var at *time.Time
	if err := s.db.GetContext(ctx, &at, `SELECT max(public_changed_at) FROM requests`); err != nil {
		return time.Time{}, fmt.Errorf("store: public changed at: %w", err)
	}
	if at == nil {
		return time.Unix(0, 0).UTC(), nil
	}
	return *at, nil
}

// PublicText is a public request's words in one language.
type PublicText struct {
	Lang, Title, Description, Note string
}

// PublicTexts returns a request's public words in each language they were written in, by
// language (public or not: for the people who write them).
func (s *DB) PublicTexts(ctx context.Context, requestID int64) (map[string]PublicText, error) {
	var rows []struct {
		Lang        string `db:"lang"`
		Title       string `db:"title"`
		Description string `db:"description"`
		Note        string `db:"note"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT lang, title, description, note FROM request_public_texts WHERE request_id = $1`, requestID); err != nil {
		return nil, fmt.Errorf("store: public texts of request %d: %w", requestID, err)
	}
	out := map[string]PublicText{}
	for _, r := range rows {
		out[r.Lang] = PublicText{Lang: r.Lang, Title: r.Title, Description: r.Description, Note: r.Note}
	}
	return out, nil
}

// SetPublicTexts saves a request's public words in each given language (all empty removes a
// language), with the audit log, in one transaction.
func (s *DB) SetPublicTexts(ctx context.Context, requestID int64, texts []PublicText, actor string) error {
	return s.inTx(ctx, "public texts", func(tx *sqlx.Tx) error {
		for _, t := range texts {
			if t.Title == "" && t.Description == "" && t.Note == "" {
				res, err := tx.ExecContext(ctx, `DELETE FROM request_public_texts WHERE request_id = $1 AND lang = $2`, requestID, t.Lang)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n > 0 {
					if err := audit(ctx, tx, actor, "request", requestID, "edit", nil, map[string]any{"public_texts": t.Lang, "removed": true}); err != nil {
						return err
					}
				}
				continue
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO request_public_texts (request_id, lang, title, description, note) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (request_id, lang) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description, note = EXCLUDED.note
				WHERE (request_public_texts.title, request_public_texts.description, request_public_texts.note)
					IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.description, EXCLUDED.note)`,
				requestID, t.Lang, t.Title, t.Description, t.Note)
			if isForeignKeyViolation(err) {
				return feedback.Errorf(feedback.ENOTFOUND, "No request %d.", requestID)
			}
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				if err := audit(ctx, tx, actor, "request", requestID, "edit", nil, map[string]any{"public_texts": t.Lang, "title": t.Title, "note": t.Note}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
