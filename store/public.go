package store

import (
	"context"
	"fmt"
	"time"

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

// askedBy counts the companies behind a public request: a number, never which ones.
const askedBy = `(SELECT count(DISTINCT f.account_id) FROM feedback f
	WHERE f.request_id = p.id AND f.account_id IS NOT NULL AND f.status NOT IN ('ignored', 'spam'))`

// PublicRequests returns the public requests, the latest change first; withAskedBy adds how
// many companies asked for each.
func (s *DB) PublicRequests(ctx context.Context, withAskedBy bool) ([]feedback.PublicRequest, error) {
	count := "0"
	if withAskedBy {
		count = askedBy
	}
	var rows []publicRequestRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT p.id, p.title, p.description, p.note, p.status, p.status_changed_at, `+count+` AS asked_by
		FROM public_requests p ORDER BY p.status_changed_at DESC, p.id`)
	if err != nil {
		return nil, fmt.Errorf("store: public requests: %w", err)
	}
	out := make([]feedback.PublicRequest, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// PublicRequest returns one public request with its status history, newest first, or
// ENOTFOUND when there is no public request with that id.
func (s *DB) PublicRequest(ctx context.Context, id int64, withAskedBy bool) (feedback.PublicRequest, []feedback.PublicStatusChange, error) {
	count := "0"
	if withAskedBy {
		count = askedBy
	}
	var r publicRequestRow
	err := s.db.GetContext(ctx, &r, `SELECT p.id, p.title, p.description, p.note, p.status, p.status_changed_at, `+count+` AS asked_by
		FROM public_requests p WHERE p.id = $1`, id)
	if isNoRows(err) {
		return feedback.PublicRequest{}, nil, feedback.Errorf(feedback.ENOTFOUND, "There is no public request %d.", id)
	}
	if err != nil {
		return feedback.PublicRequest{}, nil, fmt.Errorf("store: public request %d: %w", id, err)
	}
	history, err := s.publicChanges(ctx, `WHERE request_id = $1`, id, 100)
	if err != nil {
		return feedback.PublicRequest{}, nil, err
	}
	return r.model(), history, nil
}

// PublicChanges returns the latest status changes of public requests, newest first.
func (s *DB) PublicChanges(ctx context.Context, limit int) ([]feedback.PublicStatusChange, error) {
	return s.publicChanges(ctx, `WHERE $1::bigint IS NULL`, nil, limit)
}

func (s *DB) publicChanges(ctx context.Context, where string, arg any, limit int) ([]feedback.PublicStatusChange, error) {
	var rows []struct {
		RequestID int64     `db:"request_id"`
		Title     string    `db:"title"`
		Status    string    `db:"status"`
		Note      string    `db:"note"`
		At        time.Time `db:"at"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT request_id, title, status, note, at FROM public_status_changes `+where+`
		ORDER BY at DESC, id DESC LIMIT $2`, arg, limit)
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
