// Package googleplay replies to Google Play reviews through the Android Publisher API v3
// (google.golang.org/api/androidpublisher/v3): reviews.reply sets the developer's reply, and a
// new reply replaces the one there ("Replies to a single review, or updates an existing reply");
// reviews.get reads the reply the store shows (comments[].developerComment).
package googleplay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"google.golang.org/api/androidpublisher/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/koehq/koe/internal/googleclient"
	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/replies"
)

// MaxLen is the documented limit of replyText: "Replies of more than approximately 350 characters
// will be rejected. HTML tags will be stripped." (ReviewsReplyRequest in the API's discovery
// document, google.golang.org/api@v0.310.0/androidpublisher/v3/androidpublisher-api.json, and
// https://developers.google.com/android-publisher/api-ref/rest/v3/reviews/reply).
const MaxLen = 350

// Replier answers the reviews of one app.
type Replier struct {
	PackageName string
	svc         *androidpublisher.Service
}

// New builds the API client: opts carry the credentials (a service account with access to the
// Play Console), or an endpoint and option.WithoutAuthentication for tests; p is how 429s and
// 5xx are retried. Retrying a reply is safe: the same text set twice is one reply.
func New(ctx context.Context, packageName string, opts []option.ClientOption, p httpretry.Policy) (*Replier, error) {
	opts, err := googleclient.Options(ctx, p, opts)
	if err != nil {
		return nil, fmt.Errorf("googleplay: %w", err)
	}
	svc, err := androidpublisher.NewService(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("googleplay: %w", err)
	}
	return &Replier{PackageName: packageName, svc: svc}, nil
}

// MaxLen implements replies.Replier.
func (r *Replier) MaxLen() int { return MaxLen }

// Current implements replies.Replier: the last developer comment on the review, nil when there
// is none.
func (r *Replier) Current(ctx context.Context, reviewID string) (*replies.Existing, error) {
	rv, err := r.svc.Reviews.Get(r.PackageName, reviewID).Context(ctx).Do()
	if err != nil {
		return nil, storeError(err)
	}
	return DeveloperReply(rv), nil
}

// Post implements replies.Replier.
func (r *Replier) Post(ctx context.Context, reviewID, text string) (*replies.Existing, error) {
	resp, err := r.svc.Reviews.Reply(r.PackageName, reviewID, &androidpublisher.ReviewsReplyRequest{ReplyText: text}).Context(ctx).Do()
	if err != nil {
		return nil, storeError(err)
	}
	e := &replies.Existing{Text: text}
	if resp.Result != nil {
		if resp.Result.ReplyText != "" {
			e.Text = resp.Result.ReplyText // as applied: HTML tags stripped
		}
		e.UpdatedAt = timestamp(resp.Result.LastEdited)
	}
	return e, nil
}

// DeveloperReply is the developer's reply a review carries (its last developerComment), nil when
// it has none. The reviews source stores the whole Review as a voice's raw record, so the queue
// reads the same thing from there.
func DeveloperReply(rv *androidpublisher.Review) *replies.Existing {
	var e *replies.Existing
	for _, c := range rv.Comments {
		if c.DeveloperComment != nil && c.DeveloperComment.Text != "" {
			e = &replies.Existing{Text: c.DeveloperComment.Text, UpdatedAt: timestamp(c.DeveloperComment.LastModified)}
		}
	}
	return e
}

func timestamp(t *androidpublisher.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return time.Unix(t.Seconds, int64(t.Nanos)).UTC()
}

// storeError turns Google's refusal into the StoreError the queue shows, with Google's message:
// the error envelope of https://cloud.google.com/apis/design/errors, which googleapi.Error reads.
// Retries that all failed (429s or 5xx) keep their last status, so the outbox tries again later.
func storeError(err error) error {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		se := &replies.StoreError{Store: "googleplay", Status: ge.Code, Message: ge.Message}
		if len(ge.Errors) > 0 {
			se.Code = ge.Errors[0].Reason
			if se.Message == "" {
				se.Message = ge.Errors[0].Message
			}
		}
		if se.Message == "" {
			se.Message = http.StatusText(ge.Code)
		}
		return se
	}
	var ex *httpretry.ExhaustedError
	if errors.As(err, &ex) && ex.Status != 0 {
		return &replies.StoreError{Store: "googleplay", Status: ex.Status, Message: ex.Error()}
	}
	return fmt.Errorf("googleplay: %w", err)
}
