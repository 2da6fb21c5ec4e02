package slackbot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/internal/worker"
	"github.com/koehq/koe/store"
)

// metadataType marks Koe's messages, so a retry can find one Slack may already have taken.
const metadataType = "koe_outbox"

// Worker posts outbox messages to Slack exactly once: one claimed row at a time (SKIP LOCKED and
// a lease across replicas), paced to about one message a second per channel (after the last post
// there by any replica; two replicas claiming at the same instant may still post a pair). A retry after a
// failure that Slack may not have seen (a time-out, a dropped connection) first looks for the
// message, by its metadata, in the channel's recent history.
type Worker struct {
	Store  *store.DB
	Config Config
	Log    *slog.Logger
	// HTTP is the client the Slack client uses (its timeout bounds a post).
	HTTP *http.Client
	// MaxAttempts before a message is given up (it stays visible, and `koe slack retry` revives it).
	MaxAttempts int
	// Pace is the least time between two posts to one channel.
	Pace time.Duration
	// Idle is how long to wait when nothing is due.
	Idle time.Duration
	// Backoff is the first wait after a 5xx or a time-out; it doubles with each attempt.
	Backoff time.Duration

	once   sync.Once
	client *slack.Client
	last   map[string]time.Time
}

func (w *Worker) init() {
	w.once.Do(func() {
		w.Config = w.Config.Defaults()
		if w.Log == nil {
			w.Log = slog.New(slog.DiscardHandler)
		}
		if w.MaxAttempts == 0 {
			w.MaxAttempts = 8
		}
		if w.Pace == 0 {
			w.Pace = time.Second
		}
		if w.Idle == 0 {
			w.Idle = 2 * time.Second
		}
		if w.Backoff == 0 {
			w.Backoff = time.Second
		}
		w.client = w.Config.client(w.HTTP)
		w.last = map[string]time.Time{}
	})
}

// Run posts until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	w.init()
	worker.Run(ctx, w.Idle, w.Log, "slack outbox", w.PostOne)
}

// Drain handles every message due now and returns how many it handled.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	return worker.Drain(ctx, w.PostOne)
}

// PostOne handles the next due message, if any, and reports whether there was one.
func (w *Worker) PostOne(ctx context.Context) (bool, error) {
	w.init()
	row, err := w.Store.ClaimOutbox(ctx, 2*time.Minute)
	if err != nil || row == nil {
		return false, err
	}
	if row.ParentChannel != "" {
		row.Channel = row.ParentChannel // a reply goes where its thread is
	}
	if row.Channel == "" {
		ch, variable := w.Config.channel(row.Kind)
		if ch == "" {
			return true, w.Store.GiveUp(ctx, row.ID, fmt.Sprintf("no channel for %s messages: set %s, then `koe slack retry`", row.Kind, variable))
		}
		row.Channel = ch
	}
	// Pace per channel, across replicas: after this worker's last post there, and anyone's.
	last := w.last[row.Channel]
	if t, err := w.Store.LastPost(ctx, row.Channel); err == nil && t.After(last) {
		last = t
	}
	if wait := time.Until(last.Add(w.Pace)); wait > 0 {
		if err := httpretry.Sleep(ctx, wait); err != nil {
			return true, w.Store.RetryLater(context.WithoutCancel(ctx), row.ID, time.Now(), "stopped")
		}
	}
	if row.Attempts > 1 {
		ts, err := w.findPosted(ctx, row)
		if err != nil {
			return true, w.retry(ctx, row, err)
		}
		if ts != "" {
			w.Log.Info("slack message was posted before its failure; not posting again", "key", row.DedupeKey, "ts", ts)
			return true, w.Store.MarkSent(ctx, row.ID, row.Channel, ts)
		}
	}
	msg, err := w.Config.render(ctx, w.Store, row)
	if err != nil {
		return true, w.Store.GiveUp(ctx, row.ID, "render: "+err.Error())
	}
	opts := []slack.MsgOption{
		slack.MsgOptionText(msg.text, false),
		slack.MsgOptionBlocks(msg.blocks...),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: metadataType, EventPayload: map[string]any{"dedupe_key": row.DedupeKey}}),
	}
	if row.ParentTS != "" {
		opts = append(opts, slack.MsgOptionTS(row.ParentTS))
	}
	channel, ts, err := w.client.PostMessageContext(ctx, row.Channel, opts...)
	w.last[row.Channel] = time.Now()
	if err != nil {
		return true, w.retry(ctx, row, err)
	}
	return true, w.Store.MarkSent(ctx, row.ID, channel, ts)
}

// findPosted looks for the message in the channel's history since it was queued.
func (w *Worker) findPosted(ctx context.Context, row *store.OutboxRow) (string, error) {
	params := &slack.GetConversationHistoryParameters{ChannelID: row.Channel, Limit: 200, IncludeAllMetadata: true,
		Oldest: strconv.FormatInt(row.CreatedAt.Add(-time.Minute).Unix(), 10) + ".000000"}
	for page := 0; page < 10; page++ {
		resp, err := w.client.GetConversationHistoryContext(ctx, params)
		if err != nil {
			return "", fmt.Errorf("history: %w", err)
		}
		for _, m := range resp.Messages {
			if m.Metadata.EventType == metadataType && m.Metadata.EventPayload["dedupe_key"] == row.DedupeKey {
				return m.Timestamp, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return "", nil
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	return "", nil
}

// retry decides what a failure means: Slack's own wait on 429; a backoff on 5xx, time-outs and
// dropped connections; giving up on anything else (a wrong channel, a missing scope) and after
// MaxAttempts.
func (w *Worker) retry(ctx context.Context, row *store.OutboxRow, err error) error {
	ctx = context.WithoutCancel(ctx)
	var rate *slack.RateLimitedError
	var status slack.StatusCodeError
	var netErr net.Error
	switch {
	case errors.As(err, &rate):
		return w.Store.RetryLater(ctx, row.ID, time.Now().Add(rate.RetryAfter), err.Error())
	case row.Attempts >= w.MaxAttempts:
		w.Log.Error("slack message given up", "key", row.DedupeKey, "attempts", row.Attempts, "err", err)
		return w.Store.GiveUp(ctx, row.ID, fmt.Sprintf("after %d attempts: %v", row.Attempts, err))
	case errors.As(err, &status) && status.Retryable(), errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return w.Store.RetryLater(ctx, row.ID, time.Now().Add(httpretry.Backoff(w.Backoff, row.Attempts)), err.Error())
	default:
		w.Log.Error("slack refused a message", "key", row.DedupeKey, "err", err)
		return w.Store.GiveUp(ctx, row.ID, err.Error())
	}
}
