// Package reviews is the review queue's way out: replies written in Koe (the dashboard, the CLI,
// Slack) are checked against the store's limit and queued in the outbox in one place (Service),
// and posted to the stores exactly once by the reply worker (Worker), which also notices replies
// written in a store's own console (answered elsewhere). The stores are reached only through
// replies.Replier.
package reviews

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/store"
)

// Repliers returns the Replier of the source named source; replies.ErrNoReplyAPI for a site
// without a reply API. cmd/koe loads the source's settings and calls stores.Build.
type Repliers func(source string) (replies.Replier, error)

// Service writes, sends and marks replies on behalf of a person (actor: their email, "slack:U…",
// "cli"). It is safe for concurrent use.
type Service struct {
	Store    *store.DB
	Repliers Repliers
	// App fills the {app} placeholder of templates for a review whose source names no app
	// (the source's app_name setting): the company's name.
	App string
}

// ErrEmpty says a reply has no words.
var ErrEmpty = feedback.Errorf(feedback.EINVALID, "A reply needs words.")

// TooLongError says a reply is longer than its store accepts.
type TooLongError struct{ Len, Max int }

func (e *TooLongError) Error() string {
	return fmt.Sprintf("reviews: the reply is %d characters; the store takes at most %d", e.Len, e.Max)
}

// Limit is the longest reply the review's store takes; api is false for a site without a reply
// API (the reply is kept in Koe and marked answered by hand).
func (s *Service) Limit(source string) (max int, api bool, err error) {
	r, err := s.Repliers(source)
	if errors.Is(err, replies.ErrNoReplyAPI) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("reviews: replier of %s: %w", source, err)
	}
	return r.MaxLen(), true, nil
}

// Send queues text as the reply to review id: refused when it is empty, longer than the store
// takes (*TooLongError), when the site has no reply API (replies.ErrNoReplyAPI) or a reply is on
// its way already (store.ErrReplyInFlight).
func (s *Service) Send(ctx context.Context, id int64, text, actor string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return ErrEmpty
	}
	rv, err := s.Store.Review(ctx, id)
	if err != nil {
		return err
	}
	max, api, err := s.Limit(rv.SourceName)
	if err != nil {
		return err
	}
	if !api {
		return replies.ErrNoReplyAPI
	}
	if n := utf8.RuneCountInString(text); n > max {
		return &TooLongError{Len: n, Max: max}
	}
	return s.Store.QueueReply(ctx, id, text, actor)
}

// Draft keeps text as review id's draft; nothing is sent.
func (s *Service) Draft(ctx context.Context, id int64, text, actor string) error {
	return s.Store.SaveReplyDraft(ctx, id, strings.TrimSpace(text), actor)
}

// Mark records that actor answered review id on the site itself.
func (s *Service) Mark(ctx context.Context, id int64, text, actor string) error {
	return s.Store.MarkReplied(ctx, id, strings.TrimSpace(text), actor)
}

// Start is the text a reply to rv starts from: its draft, else the best template filled in, else
// nothing. It is only ever put in an editor: a person presses Send.
func (s *Service) Start(rv store.Review, templates []store.ReplyTemplate) string {
	if rv.Reply.Draft != "" {
		return rv.Reply.Draft
	}
	if t := BestTemplate(templates, rv.Language, store.RatingBand(rv.Rating)); t != nil {
		return Fill(t.Body, rv.AuthorName, s.AppName(rv))
	}
	return ""
}

// AppName is the app rv is about, for the {app} placeholder: its source's app_name setting,
// else App.
func (s *Service) AppName(rv store.Review) string {
	if rv.AppName != "" {
		return rv.AppName
	}
	return s.App
}

// BestTemplate is the template for a review in lang and band: one of that band, else one for any
// band, in lang; nil when lang has none.
func BestTemplate(templates []store.ReplyTemplate, lang, band string) *store.ReplyTemplate {
	var anyBand *store.ReplyTemplate
	for i, t := range templates {
		if t.Language != lang {
			continue
		}
		if t.Band == band {
			return &templates[i]
		}
		if t.Band == store.BandAny && anyBand == nil {
			anyBand = &templates[i]
		}
	}
	return anyBand
}

// Fill puts the reviewer's name and the app's in a template's placeholders {reviewer} and {app}.
func Fill(body, reviewer, app string) string {
	return strings.NewReplacer("{reviewer}", reviewer, "{app}", app).Replace(body)
}
