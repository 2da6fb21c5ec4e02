package store

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/redact"
)

// WebhookEvents are the events a webhook may subscribe to.
var WebhookEvents = []string{"request.created", "request.status_changed", "feedback.linked"}

// Webhook is an endpoint Koe posts events to.
type Webhook struct {
	ID     int64          `db:"id" json:"id"`
	URL    string         `db:"url" json:"url"`
	Secret string         `db:"secret" json:"-"`
	Events pq.StringArray `db:"events" json:"events"`
	Active bool           `db:"active" json:"active"`
	// AllowPrivate lets deliveries reach addresses that are not public (koe webhooks add
	// --allow-private).
	AllowPrivate bool      `db:"allow_private" json:"allow_private"`
	CreatedBy    string    `db:"created_by" json:"created_by"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
}

const webhookColumns = `id, url, secret, events, active, allow_private, created_by, created_at`

// AddWebhook registers an endpoint for events (all of them when none are named) with a new
// signing secret, which the returned Webhook carries; allowPrivate lets its deliveries reach
// addresses that are not public (the caller checks the URL against that: webhooks.CheckURL).
func (s *DB) AddWebhook(ctx context.Context, rawURL string, events []string, allowPrivate bool, actor string) (Webhook, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Webhook{}, feedback.Errorf(feedback.EINVALID, "%q is not an http(s) URL.", rawURL)
	}
	if len(events) == 0 {
		events = WebhookEvents
	}
	for _, e := range events {
		if !slices.Contains(WebhookEvents, e) {
			return Webhook{}, feedback.Errorf(feedback.EINVALID, "%q is not an event: use %s.", e, strings.Join(WebhookEvents, ", "))
		}
	}
	var w Webhook
	err = s.inTx(ctx, "add webhook", func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &w, `INSERT INTO webhooks (url, secret, events, allow_private, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING `+webhookColumns,
			u.String(), "whsec_"+randomToken(), pq.Array(events), allowPrivate, actor); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "webhook", w.ID, "create", nil, map[string]any{"url": redact.URL(w.URL), "events": events, "allow_private": allowPrivate})
	})
	return w, err
}

// Webhooks lists the endpoints.
func (s *DB) Webhooks(ctx context.Context) ([]Webhook, error) {
	var out []Webhook
	if err := s.db.SelectContext(ctx, &out, `SELECT `+webhookColumns+` FROM webhooks ORDER BY id`); err != nil {
		return nil, fmt.Errorf("store: webhooks: %w", err)
	}
	return out, nil
}

// WebhookByID returns one endpoint, or ENOTFOUND.
func (s *DB) WebhookByID(ctx context.Context, id int64) (Webhook, error) {
	var w Webhook
	err := s.db.GetContext(ctx, &w, `SELECT `+webhookColumns+` FROM webhooks WHERE id = $1`, id)
	if isNoRows(err) {
		return w, feedback.Errorf(feedback.ENOTFOUND, "No webhook %d.", id)
	}
	if err != nil {
		return w, fmt.Errorf("store: webhook %d: %w", id, err)
	}
	return w, nil
}

// DisableWebhook stops an endpoint: no new events; queued ones are given up when their turn comes.
func (s *DB) DisableWebhook(ctx context.Context, id int64, actor string) error {
	return s.inTx(ctx, "disable webhook", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhooks SET active = false WHERE id = $1 AND active`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return feedback.Errorf(feedback.ENOTFOUND, "No active webhook %d.", id)
		}
		return audit(ctx, tx, actor, "webhook", id, "disable", nil, nil)
	})
}

// WebhookDelivery is one attempt to deliver an event.
type WebhookDelivery struct {
	ID         int64     `db:"id" json:"id"`
	WebhookID  int64     `db:"webhook_id" json:"webhook_id"`
	OutboxID   *int64    `db:"outbox_id" json:"outbox_id,omitempty"`
	Event      string    `db:"event" json:"event"`
	Attempt    int       `db:"attempt" json:"attempt"`
	StatusCode *int      `db:"status_code" json:"status_code,omitempty"`
	Error      string    `db:"error" json:"error,omitempty"`
	DurationMS int       `db:"duration_ms" json:"duration_ms"`
	At         time.Time `db:"at" json:"at"`
}

// LogDelivery records an attempt.
func (s *DB) LogDelivery(ctx context.Context, d WebhookDelivery) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, outbox_id, event, attempt, status_code, error, duration_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, d.WebhookID, d.OutboxID, d.Event, d.Attempt, d.StatusCode, d.Error, d.DurationMS); err != nil {
		return fmt.Errorf("store: log delivery: %w", err)
	}
	return nil
}

// Deliveries is the delivery log, newest first (of one webhook, or all for 0).
func (s *DB) Deliveries(ctx context.Context, webhookID int64, limit int) ([]WebhookDelivery, error) {
	var out []WebhookDelivery
	if err := s.db.SelectContext(ctx, &out, `SELECT id, webhook_id, outbox_id, event, attempt, status_code, error, duration_ms, at
		FROM webhook_deliveries WHERE $1::bigint = 0 OR webhook_id = $1 ORDER BY id DESC LIMIT $2`, webhookID, limit); err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	return out, nil
}
