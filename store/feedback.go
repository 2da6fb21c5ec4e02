package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/koehq/koe/feedback"
)

type itemRow struct {
	ID          int64      `db:"id"`
	SourceKind  string     `db:"source_kind"`
	SourceName  string     `db:"source_name"`
	SourceID    string     `db:"source_id"`
	ReceivedAt  time.Time  `db:"received_at"`
	AuthorName  string     `db:"author_name"`
	AuthorEmail string     `db:"author_email"`
	CompanyName string     `db:"company_name"`
	AccountID   *int64     `db:"account_id"`
	MatchRule   string     `db:"match_rule"`
	MRRMinor    *int64     `db:"mrr_at_receipt_minor"`
	MRRCurrency string     `db:"mrr_currency"`
	Title       string     `db:"title"`
	Body        string     `db:"body"`
	Context     string     `db:"context"`
	Language    string     `db:"language"`
	Rating      *float64   `db:"rating"`
	Sentiment   *float64   `db:"sentiment"`
	URL         string     `db:"url"`
	Raw         *string    `db:"raw"`
	Status      string     `db:"status"`
	RequestID   *int64     `db:"request_id"`
	Tag         *string    `db:"tag"`
	Insight     string     `db:"insight"`
	WhoBenefits string     `db:"who_benefits"`
	TriagedBy   *int64     `db:"triaged_by"`
	TriagedAt   *time.Time `db:"triaged_at"`
	CreatedAt   time.Time  `db:"created_at"`
	UpdatedAt   time.Time  `db:"updated_at"`
}

const itemColumns = `id, source_kind, source_name, source_id, received_at, author_name, author_email, company_name,
	account_id, match_rule, mrr_at_receipt_minor, mrr_currency, title, body, context, language, rating, sentiment,
	url, raw::text AS raw, status, request_id, tag, insight, who_benefits, triaged_by, triaged_at, created_at, updated_at`

func (r itemRow) ToModel() feedback.Item {
	it := feedback.Item{
		ID: r.ID, SourceKind: feedback.SourceKind(r.SourceKind), SourceName: r.SourceName, SourceID: r.SourceID,
		ReceivedAt: r.ReceivedAt, AuthorName: r.AuthorName, AuthorEmail: r.AuthorEmail, CompanyName: r.CompanyName,
		AccountID: r.AccountID, MatchRule: r.MatchRule, Title: r.Title, Body: r.Body, Context: r.Context,
		Language: r.Language, Rating: r.Rating, Sentiment: r.Sentiment, URL: r.URL, Status: feedback.Status(r.Status),
		RequestID: r.RequestID, Insight: r.Insight, WhoBenefits: r.WhoBenefits, TriagedBy: r.TriagedBy,
		TriagedAt: r.TriagedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if r.MRRMinor != nil {
		it.MRRAtReceipt = &feedback.Money{Minor: *r.MRRMinor, Currency: r.MRRCurrency}
	}
	if r.Raw != nil {
		it.Raw = json.RawMessage(*r.Raw)
	}
	if r.Tag != nil {
		it.Tag = feedback.Tag(*r.Tag)
	}
	return it
}

// FeedbackItems returns up to limit voices, oldest id first.
func (s *DB) FeedbackItems(ctx context.Context, limit int) ([]feedback.Item, error) {
	var rows []itemRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+itemColumns+` FROM feedback ORDER BY id LIMIT $1`, limit); err != nil {
		return nil, fmt.Errorf("store: feedback: %w", err)
	}
	out := make([]feedback.Item, len(rows))
	for i, r := range rows {
		out[i] = r.ToModel()
	}
	return out, nil
}

// FeedbackByID returns one voice.
func (s *DB) FeedbackByID(ctx context.Context, id int64) (feedback.Item, error) {
	var r itemRow
	err := s.db.GetContext(ctx, &r, `SELECT `+itemColumns+` FROM feedback WHERE id = $1`, id)
	if isNoRows(err) {
		return feedback.Item{}, feedback.Errorf(feedback.ENOTFOUND, "No voice %d.", id)
	}
	if err != nil {
		return feedback.Item{}, fmt.Errorf("store: feedback %d: %w", id, err)
	}
	return r.ToModel(), nil
}
