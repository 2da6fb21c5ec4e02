// Package webhooks delivers Koe's outgoing webhooks: events that database triggers put in the
// outbox (request.created, request.status_changed, feedback.linked), posted as JSON and signed
// with HMAC-SHA256, retried with backoff, every attempt in the delivery log.
//
// A receiver checks a delivery by computing hex(HMAC-SHA256(secret, T + "." + body)) for the T
// in the X-Koe-Signature header ("t=T,v1=HEX"), comparing it with v1 in constant time, and
// refusing a T more than five minutes old. X-Koe-Delivery is the same on every retry of one
// event, so a receiver can drop repeats.
package webhooks

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/internal/worker"
	"github.com/koehq/koe/store"
)

// Worker posts queued events, one at a time (SKIP LOCKED and a lease across replicas).
type Worker struct {
	Store *store.DB
	// HTTP, when set, posts every delivery (tests); when nil, deliveries go through NewClient,
	// which refuses addresses that are not public unless the webhook allows them.
	HTTP        *http.Client
	Log         *slog.Logger  //
	MaxAttempts int           // 10 when zero (about a day of backoff)
	Backoff     time.Duration // 10 s when zero, doubling
	Idle        time.Duration // 2 s when zero
	Now         func() time.Time

	public, private *http.Client
}

func (w *Worker) defaults() {
	if w.public == nil {
		w.public, w.private = NewClient(false), NewClient(true)
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.MaxAttempts == 0 {
		w.MaxAttempts = 10
	}
	if w.Backoff == 0 {
		w.Backoff = 10 * time.Second
	}
	if w.Idle == 0 {
		w.Idle = 2 * time.Second
	}
	if w.Now == nil {
		w.Now = time.Now
	}
}

// Run delivers until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	worker.Run(ctx, w.Idle, w.Log, "webhooks", w.DeliverOne)
}

// Drain handles everything due now and returns how many it handled.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.defaults()
	return worker.Drain(ctx, w.DeliverOne)
}

// Sign is the X-Koe-Signature of body at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// DeliverOne posts the next due event; it reports whether there was one.
func (w *Worker) DeliverOne(ctx context.Context) (bool, error) {
	row, err := w.Store.ClaimOutboxFor(ctx, store.TargetWebhook, time.Minute)
	if err != nil || row == nil {
		return false, err
	}
	id, _ := row.Subject["webhook_id"].(float64)
	hook, err := w.Store.WebhookByID(ctx, int64(id))
	switch {
	case feedback.ErrorCode(err) == feedback.ENOTFOUND || err == nil && !hook.Active:
		return true, w.Store.GiveUp(ctx, row.ID, "the webhook was removed or disabled")
	case err != nil: // the database, say: try again later
		return true, w.Store.RetryLater(context.WithoutCancel(ctx), row.ID, time.Now().Add(httpretry.Backoff(w.Backoff, row.Attempts)), err.Error())
	}
	body, err := json.Marshal(row.Subject)
	if err != nil {
		return true, w.Store.GiveUp(ctx, row.ID, err.Error())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return true, w.Store.GiveUp(ctx, row.ID, err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Koe-Webhooks/1")
	req.Header.Set("X-Koe-Event", row.Kind)
	req.Header.Set("X-Koe-Delivery", row.DedupeKey)
	req.Header.Set("X-Koe-Signature", Sign(hook.Secret, w.Now(), body))
	start := time.Now()
	client := w.HTTP
	if client == nil {
		client = w.public
		if hook.AllowPrivate {
			client = w.private
		}
	}
	resp, err := client.Do(req)
	d := store.WebhookDelivery{WebhookID: hook.ID, OutboxID: &row.ID, Event: row.Kind, Attempt: row.Attempts,
		DurationMS: int(time.Since(start).Milliseconds())}
	if err == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		d.StatusCode = &resp.StatusCode
	} else {
		d.Error = err.Error()
		if ue := (*url.Error)(nil); errors.As(err, &ue) { // without the URL, whose query may hold a token
			d.Error = ue.Op + ": " + ue.Err.Error()
		}
	}
	if lerr := w.Store.LogDelivery(context.WithoutCancel(ctx), d); lerr != nil {
		w.Log.Warn("webhook delivery log", "err", lerr)
	}
	ctx = context.WithoutCancel(ctx)
	why := d.Error
	if d.StatusCode != nil {
		why = fmt.Sprintf("HTTP %d", *d.StatusCode)
	}
	switch {
	case errors.Is(err, ErrPrivate): // no retry makes the address public
		return true, w.Store.GiveUp(ctx, row.ID, d.Error)
	case err == nil && resp.StatusCode < 300:
		return true, w.Store.MarkSent(ctx, row.ID, hook.URL, strconv.Itoa(resp.StatusCode))
	case err == nil && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout:
		return true, w.Store.GiveUp(ctx, row.ID, fmt.Sprintf("the receiver answered %d", resp.StatusCode))
	case row.Attempts >= w.MaxAttempts:
		return true, w.Store.GiveUp(ctx, row.ID, fmt.Sprintf("after %d attempts: %s", row.Attempts, why))
	}
	return true, w.Store.RetryLater(ctx, row.ID, time.Now().Add(httpretry.Backoff(w.Backoff, row.Attempts)), why)
}
