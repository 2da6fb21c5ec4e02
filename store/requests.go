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
		PublicTitle: r.PublicTitle, PublicDescription: r.PublicDescription,
		Status: feedback.RequestStatus(r.Status), Public: r.IsPublic, MergedInto: r.MergedInto,
		StatusChangedAt: r.StatusChangedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

const requestColumns = `r.id, r.title, r.description, r.public_title, r.public_description, r.status,
	r.is_public, r.merged_into, r.status_changed_at, r.created_at, r.updated_at`

// RequestSummaries returns every request that was not merged away, with the number of voices
// linked to it, the distinct accounts behind them and those accounts' current MRR, most MRR first.
func (s *DB) RequestSummaries(ctx context.Context) ([]feedback.RequestSummary, error) {
	var rows []struct {
		requestRow
		Voices   int   `db:"voices"`
		Accounts int   `db:"accounts"`
		MRRMinor int64 `db:"mrr_minor"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		WITH linked AS (
			SELECT f.request_id, count(*) AS voices, count(DISTINCT f.account_id) AS accounts
			FROM feedback f
			WHERE f.request_id IS NOT NULL AND f.status NOT IN ('ignored', 'spam')
			GROUP BY f.request_id
		), money AS (
			SELECT d.request_id, sum(a.mrr_minor) AS mrr_minor
			FROM (SELECT DISTINCT request_id, account_id FROM feedback
			      WHERE request_id IS NOT NULL AND account_id IS NOT NULL AND status NOT IN ('ignored', 'spam')) d
			JOIN accounts a ON a.id = d.account_id
			GROUP BY d.request_id
		)
		SELECT `+requestColumns+`, COALESCE(l.voices, 0) AS voices, COALESCE(l.accounts, 0) AS accounts,
		       COALESCE(m.mrr_minor, 0) AS mrr_minor
		FROM requests r
		LEFT JOIN linked l ON l.request_id = r.id
		LEFT JOIN money m ON m.request_id = r.id
		WHERE r.merged_into IS NULL
		ORDER BY mrr_minor DESC, accounts DESC, r.created_at, r.id`)
	if err != nil {
		return nil, fmt.Errorf("store: request summaries: %w", err)
	}
	out := make([]feedback.RequestSummary, len(rows))
	for i, r := range rows {
		out[i] = feedback.RequestSummary{Request: r.requestRow.ToModel(), Voices: r.Voices, Accounts: r.Accounts, MRRMinor: r.MRRMinor}
	}
	return out, nil
}

// PublicRequests returns the requests marked public, with their public fields only: the query
// reads no other column, so nothing internal can reach a public page through it.
func (s *DB) PublicRequests(ctx context.Context) ([]feedback.PublicRequest, error) {
	var rows []struct {
		ID              int64     `db:"id"`
		Title           string    `db:"public_title"`
		Description     string    `db:"public_description"`
		Status          string    `db:"status"`
		StatusChangedAt time.Time `db:"status_changed_at"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT id, public_title, public_description, status, status_changed_at
		FROM requests
		WHERE is_public AND merged_into IS NULL AND status <> 'declined'
		ORDER BY status_changed_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("store: public requests: %w", err)
	}
	out := make([]feedback.PublicRequest, len(rows))
	for i, r := range rows {
		out[i] = feedback.PublicRequest{ID: r.ID, Title: r.Title, Description: r.Description,
			Status: feedback.RequestStatus(r.Status), StatusChangedAt: r.StatusChangedAt}
	}
	return out, nil
}
