package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/internal/worker"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/store"
)

// Sender sends one plain-text mail (SMTP in production).
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Worker delivers the mail outbox: one claimed message at a time (SKIP LOCKED and a lease, so
// replicas never send the same one at once). A mail the server refused for good (5xx) is given
// up and shown on the outbox page; a temporary failure (4xx, the network) is retried with
// backoff. SMTP has no way to ask whether a mail already went, so a crash between the server's
// "250 OK" and recording it may send that one mail twice: the only gap in "once".
type Worker struct {
	Store   *store.DB
	Mail    Sender
	BaseURL string
	Company string
	// Language of the mail to a customer whose language Koe does not know (KOE_MAIL_LANGUAGE):
	// one of locale.Languages, the default language when it is not.
	Language    string
	Log         *slog.Logger
	MaxAttempts int           // 8 when zero
	Idle        time.Duration // 5 s when zero
	Backoff     time.Duration // 30 s when zero, doubling
}

func (w *Worker) defaults() {
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.MaxAttempts == 0 {
		w.MaxAttempts = 8
	}
	if w.Idle == 0 {
		w.Idle = 5 * time.Second
	}
	if w.Backoff == 0 {
		w.Backoff = 30 * time.Second
	}
	w.Language = locale.Or(w.Language, locale.Default)
}

// Run sends mail until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	worker.Run(ctx, w.Idle, w.Log, "mail outbox", w.SendOne)
}

// Drain handles everything due now and returns how many it handled.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.defaults()
	return worker.Drain(ctx, w.SendOne)
}

// SendOne sends the next due mail; it reports whether there was one.
func (w *Worker) SendOne(ctx context.Context) (bool, error) {
	row, err := w.Store.ClaimOutboxFor(ctx, store.TargetMail, 2*time.Minute)
	if err != nil || row == nil {
		return false, err
	}
	subject, body, err := w.render(ctx, row)
	if feedback.ErrorCode(err) == feedback.EINTERNAL { // the database, say: try again later
		return true, w.Store.RetryLater(context.WithoutCancel(ctx), row.ID, time.Now().Add(httpretry.Backoff(w.Backoff, row.Attempts)), err.Error())
	}
	if err != nil { // no such request, nothing public to say: it will not get better
		return true, w.Store.GiveUp(ctx, row.ID, "render: "+err.Error())
	}
	if err := w.Mail.Send(ctx, row.Channel, subject, body); err != nil {
		return true, w.retry(ctx, row, err)
	}
	return true, w.Store.MarkSent(ctx, row.ID, row.Channel, "")
}

func (w *Worker) retry(ctx context.Context, row *store.OutboxRow, err error) error {
	ctx = context.WithoutCancel(ctx)
	var smtpErr *smtp.SMTPError
	switch {
	case errors.As(err, &smtpErr) && smtpErr.Code >= 500:
		w.Log.Error("mail refused", "key", row.DedupeKey, "err", err)
		return w.Store.GiveUp(ctx, row.ID, err.Error())
	case row.Attempts >= w.MaxAttempts:
		w.Log.Error("mail given up", "key", row.DedupeKey, "attempts", row.Attempts, "err", err)
		return w.Store.GiveUp(ctx, row.ID, fmt.Sprintf("after %d attempts: %v", row.Attempts, err))
	default:
		return w.Store.RetryLater(ctx, row.ID, time.Now().Add(httpretry.Backoff(w.Backoff, row.Attempts)), err.Error())
	}
}

// render writes the mail from the request as it is now: its public words only.
func (w *Worker) render(ctx context.Context, row *store.OutboxRow) (subject, body string, err error) {
	if row.Kind != store.KindShipped {
		return "", "", feedback.Errorf(feedback.EINVALID, "no mail for %q messages", row.Kind)
	}
	id, _ := row.Subject["request_id"].(float64)
	r, err := w.Store.RequestByID(ctx, int64(id))
	if err != nil {
		return "", "", err
	}
	title := r.PublicTitle
	if title == "" {
		return "", "", feedback.Errorf(feedback.EINVALID, "request %d has no public title to tell customers", r.ID)
	}
	lang := w.Language
	if l, _ := row.Subject["lang"].(string); locale.Supported(l) {
		lang = l // the language the customer read Koe in
	}
	subject, body = shippedMail(lang, w.Company, title, r.PublicNote, w.BaseURL)
	return subject, body, nil
}

// shippedMail is the notice that a request shipped, in lang; note is the public note, if any.
func shippedMail(lang, company, title, note, baseURL string) (subject, body string) {
	p := locale.For(lang)
	return p.T("mail.shipped_subject", "Title", title),
		p.T("mail.shipped_body", "Title", title, "Note", note, "AccountURL", baseURL+"/account", "Company", company)
}
