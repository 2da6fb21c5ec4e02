// Package replies posts a developer's answer to a review back to the store it came from: Google
// Play (Android Publisher reviews.reply) and the App Store (App Store Connect
// customerReviewResponses). Sites without a reply API (G2, ITreview, files) have no Replier: their
// replies are drafted in Koe and marked answered by a person.
//
// The review queue (store, dashboard, outbox worker) talks only to Replier; the store clients live
// in this package's subpackages and are chosen by Build from a source's settings.
package replies

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Existing is the developer reply a store shows on a review now.
type Existing struct {
	// ID is the store's id of the reply (App Store: the customerReviewResponse id; Google Play has
	// none and leaves it empty).
	ID        string
	Text      string
	UpdatedAt time.Time
	// Pending is true while the store has the reply but has not published it yet (App Store:
	// state PENDING_PUBLISH).
	Pending bool
}

// Replier posts and reads replies on one store for one app.
type Replier interface {
	// Current reads the reply the store shows on the review now, nil when there is none. The queue
	// calls it before retrying a send whose outcome was not recorded (so a reply is never sent
	// twice) and to detect replies written elsewhere.
	Current(ctx context.Context, reviewID string) (*Existing, error)
	// Post sends text as the reply to the review, replacing any earlier reply (Google Play's
	// reviews.reply replaces on every call; App Store Connect's POST customerReviewResponses
	// overwrites the review's one response, and should it refuse with a conflict the App Store
	// replier deletes the old response and creates the new one).
	Post(ctx context.Context, reviewID, text string) (*Existing, error)
	// MaxLen is the longest reply the store accepts, in characters (Unicode code points).
	MaxLen() int
}

// ErrNoReplyAPI says a source's store cannot take replies through an API (G2, ITreview, files):
// the reply is kept in Koe and a person marks the review answered.
var ErrNoReplyAPI = errors.New("replies: this source has no reply API")

// StoreError is a store's refusal, with what the store said, for the person who pressed Send.
type StoreError struct {
	Store  string // "googleplay", "appstore"
	Status int    // HTTP status
	// Code and Message are the store's own (Google: error.message; App Store: errors[0].code and
	// detail).
	Code    string
	Message string
}

func (e *StoreError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("%s: HTTP %d %s: %s", e.Store, e.Status, e.Code, e.Message)
	}
	return fmt.Sprintf("%s: HTTP %d: %s", e.Store, e.Status, e.Message)
}

// Retryable says whether sending again later may succeed: 429 and 5xx are; 4xx refusals (text
// too long, review gone, no permission) are not, and are shown to the person.
func (e *StoreError) Retryable() bool { return e.Status == 429 || e.Status >= 500 }

// Retryable reports whether err is worth retrying: a retryable StoreError, or any error that is not
// a StoreError (a network failure, a time-out).
func Retryable(err error) bool {
	var se *StoreError
	if errors.As(err, &se) {
		return se.Retryable()
	}
	return !errors.Is(err, ErrNoReplyAPI)
}
