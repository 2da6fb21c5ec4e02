package store

import (
	"context"
	"fmt"
	"time"

	"github.com/koehq/koe/feedback"
)

type requestRow struct {
	ID                int64     `db:"id"`
	Title             string    `db:"title"`
	Description       string    `db:"description"`
	PublicTitle       string    `db:"public_title"`
	PublicDescription string    `db:"public_description"`
	PublicNote        string    `db:"public_note"`
	Status            string    `db:"status"`
	IsPublic          bool      `db:"is_public"`
	MergedInto        *int64    `db:"merged_into"`
	StatusChangedAt   time.Time `db:"status_changed_at"`
	CreatedAt         time.Time `db:"created_at"`
	UpdatedAt         time.Time `db:"updated_at"`
}

func (r requestRow) ToModel() feedback.Request {
	return feedback.Request{
		ID: r.ID, Title: r.Title, Description: r.Description,
		PublicTitle: r.PublicTitle, PublicDescription: r.PublicDescription, PublicNote: r.PublicNote,
		Status: feedback.RequestStatus(r.Status), Public: r.IsPublic, MergedInto: r.MergedInto,
		StatusChangedAt: r.StatusChangedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

const requestColumns = `r.id, r.title, r.description, r.public_title, r.public_description, r.public_note, r.status,
	r.is_public, r.merged_into, r.status_changed_at, r.created_at, r.updated_at`

// RequestByID returns one request.
func (s *DB) RequestByID(ctx context.Context, id int64) (feedback.Request, error) {
	var r requestRow
	err := s.db.GetContext(ctx, &r, `SELECT `+requestColumns+` FROM requests r WHERE r.id = $1`, id)
	if isNoRows(err) {
		return feedback.Request{}, feedback.Errorf(feedback.ENOTFOUND, "No request %d.", id)
	}
	if err != nil {
		return feedback.Request{}, fmt.Errorf("store: request %d: %w", id, err)
	}
	return r.ToModel(), nil
}
