package slackbot

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Socket receives Slack's interactivity over Socket Mode (github.com/slack-go/slack/socketmode):
// no public URL needed. Every envelope is acknowledged at once (Slack wants it within 3 seconds),
// an envelope Slack sends again is handled once, and a dropped connection is opened again.
type Socket struct {
	Interactions *Interactions
	AppToken     string
	// Backoff is the first wait before opening a connection again after Slack refused one.
	Backoff time.Duration

	mu   sync.Mutex
	seen map[string]bool
	ring []string
}

// Run holds the connection until ctx ends.
func (s *Socket) Run(ctx context.Context) {
	h := s.Interactions
	client := socketmode.New(h.Config.client(h.httpClient(), slack.OptionAppLevelToken(s.AppToken)))
	go s.dispatch(ctx, client)
	backoff := s.Backoff
	if backoff == 0 {
		backoff = time.Second
	}
	for wait := backoff; ctx.Err() == nil; wait = min(wait*2, time.Minute) {
		// RunContext reconnects by itself after a dropped connection; it returns when Slack
		// refuses one (a bad token, an outage).
		err := client.RunContext(ctx)
		if ctx.Err() != nil {
			return
		}
		h.log().Warn("slack socket mode", "err", err, "retry_in", wait.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func (s *Socket) dispatch(ctx context.Context, client *socketmode.Client) {
	for {
		var evt socketmode.Event
		select {
		case <-ctx.Done():
			return
		case evt = <-client.Events:
		}
		switch evt.Type {
		case socketmode.EventTypeConnected:
			s.Interactions.log().Info("slack socket mode connected")
		case socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI, socketmode.EventTypeSlashCommand:
			if evt.Request == nil {
				continue
			}
			if cb, ok := evt.Data.(slack.InteractionCallback); ok && cb.Type == slack.InteractionTypeViewSubmission {
				s.submit(ctx, client, evt.Request.EnvelopeID, &cb)
				continue
			}
			if err := client.AckCtx(ctx, evt.Request.EnvelopeID, nil); err != nil {
				s.Interactions.log().Warn("slack socket mode ack", "err", err)
			}
			if !s.first(evt.Request.EnvelopeID) {
				continue // sent again before our ack arrived
			}
			switch data := evt.Data.(type) {
			case slack.InteractionCallback:
				// A few queries and one API call, handled in order (a press, then the next).
				ictx, cancel := context.WithTimeout(ctx, time.Minute)
				s.Interactions.Handle(ictx, &data)
				cancel()
			case slack.SlashCommand:
				// May rank the whole backlog: on its own, so later envelopes are acked at once.
				go func() {
					ictx, cancel := context.WithTimeout(ctx, time.Minute)
					defer cancel()
					s.Interactions.reply(ictx, data.ResponseURL, s.Interactions.Command(ictx, data))
				}()
			}
		}
	}
}

// submit answers a modal's submission in its ack: nothing closes the modal, errors stay in it.
func (s *Socket) submit(ctx context.Context, client *socketmode.Client, envelope string, cb *slack.InteractionCallback) {
	var payload any
	if s.first(envelope) {
		ictx, cancel := context.WithTimeout(ctx, 2500*time.Millisecond)
		if errs := s.Interactions.Submit(ictx, cb); errs != nil {
			payload = map[string]any{"response_action": "errors", "errors": errs}
		}
		cancel()
	}
	if err := client.AckCtx(ctx, envelope, payload); err != nil {
		s.Interactions.log().Warn("slack socket mode ack", "err", err)
	}
}

// first reports whether an envelope is new, remembering the last thousand.
func (s *Socket) first(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if s.seen[id] {
		return false
	}
	s.seen[id] = true
	s.ring = append(s.ring, id)
	if len(s.ring) > 1000 {
		delete(s.seen, s.ring[0])
		s.ring = s.ring[1:]
	}
	return true
}
