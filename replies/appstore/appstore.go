// Package appstore replies to App Store reviews through the App Store Connect API's
// customerReviewResponses (https://developer.apple.com/documentation/appstoreconnectapi/customer-review-responses):
// a review has at most one response; POST /v1/customerReviewResponses creates it or, when one
// exists, overwrites it; GET /v1/customerReviews/{id}/response reads it.
//
// Reviews are named by their App Store Connect id (customerReviews' id, such as
// "00000028-b08c-0014-729e-fbd500000000" in Apple's example), which is not the id the public RSS
// feed gives a review (a number such as "6913873043"): a review read from the feed cannot be
// answered through the API, and such ids answer replies.ErrNoReplyAPI.
package appstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/koehq/koe/ingest/appstore/connect"
	"github.com/koehq/koe/replies"
)

// MaxLen is the longest response Koe lets a person send. Apple publishes no limit for the API:
// the reference and its OpenAPI document give responseBody no maxLength. 5,970 characters is the
// limit App Store Connect's own reply form counts down from (as developers report it; no Apple
// page found says so). A text Apple still refuses comes back as a StoreError with Apple's words.
const MaxLen = 5970

// Replier answers reviews of the apps the key's team owns.
type Replier struct {
	Client *connect.Client
}

// New returns a Replier calling the API through c.
func New(c *connect.Client) *Replier { return &Replier{Client: c} }

// MaxLen implements replies.Replier.
func (r *Replier) MaxLen() int { return MaxLen }

// Current implements replies.Replier: the response App Store Connect holds for the review, nil
// when it has none (data null, or 404 — Apple answers a review without a response either way).
func (r *Replier) Current(ctx context.Context, reviewID string) (*replies.Existing, error) {
	if err := checkID(reviewID); err != nil {
		return nil, err
	}
	var doc connect.ResponseDocument
	err := r.Client.Get(ctx, "/v1/customerReviews/"+url.PathEscape(reviewID)+"/response", &doc)
	if connect.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, storeError(err)
	}
	if doc.Data == nil {
		return nil, nil
	}
	return existing(doc.Data), nil
}

// Post implements replies.Replier. One POST creates the response or overwrites the one there, as
// Apple's reference documents. Should the API refuse because a response exists (409
// STATE_ERROR, which older API versions answered), the old response is deleted and the POST sent
// once more: the documented way to replace a response, at the cost of a moment with none.
func (r *Replier) Post(ctx context.Context, reviewID, text string) (*replies.Existing, error) {
	if err := checkID(reviewID); err != nil {
		return nil, err
	}
	body := map[string]any{"data": map[string]any{
		"type":          "customerReviewResponses",
		"attributes":    map[string]any{"responseBody": text},
		"relationships": map[string]any{"review": map[string]any{"data": map[string]any{"type": "customerReviews", "id": reviewID}}},
	}}
	var doc connect.ResponseDocument
	err := r.Client.Post(ctx, "/v1/customerReviewResponses", body, &doc)
	if isStateConflict(err) {
		old, cerr := r.Current(ctx, reviewID)
		if cerr != nil {
			return nil, cerr
		}
		if old != nil {
			if derr := r.Client.Delete(ctx, "/v1/customerReviewResponses/"+url.PathEscape(old.ID)); derr != nil && !connect.IsNotFound(derr) {
				return nil, storeError(derr)
			}
		}
		doc = connect.ResponseDocument{}
		err = r.Client.Post(ctx, "/v1/customerReviewResponses", body, &doc)
	}
	if err != nil {
		return nil, storeError(err)
	}
	if doc.Data == nil {
		return nil, fmt.Errorf("appstore: POST customerReviewResponses answered without the response")
	}
	return existing(doc.Data), nil
}

// Delete removes the response with this id (replies.Existing.ID); one already gone is not an
// error.
func (r *Replier) Delete(ctx context.Context, responseID string) error {
	err := r.Client.Delete(ctx, "/v1/customerReviewResponses/"+url.PathEscape(responseID))
	if err != nil && !connect.IsNotFound(err) {
		return storeError(err)
	}
	return nil
}

func existing(d *connect.Response) *replies.Existing {
	return &replies.Existing{ID: d.ID, Text: d.Attributes.ResponseBody, UpdatedAt: d.Attributes.LastModifiedDate,
		Pending: d.Attributes.State == connect.StatePending}
}

// checkID refuses the ids of the public feed, which are numbers: App Store Connect's are not.
func checkID(id string) error {
	if id == "" {
		return errors.New("appstore: no review id")
	}
	if strings.Trim(id, "0123456789") == "" {
		return fmt.Errorf("%w: review %s was read from the App Store's public feed, whose ids App Store Connect does not know; answer it in App Store Connect and mark it answered", replies.ErrNoReplyAPI, id)
	}
	return nil
}

func isStateConflict(err error) bool {
	var e *connect.Error
	return errors.As(err, &e) && e.Status == http.StatusConflict && len(e.Errors) > 0 && strings.HasPrefix(e.Errors[0].Code, "STATE_ERROR")
}

// storeError turns App Store Connect's refusal into the StoreError the queue shows: Apple's code
// and detail (its title when there is no detail).
func storeError(err error) error {
	var e *connect.Error
	if !errors.As(err, &e) {
		return fmt.Errorf("appstore: %w", err)
	}
	se := &replies.StoreError{Store: "appstore", Status: e.Status, Message: http.StatusText(e.Status)}
	if len(e.Errors) > 0 {
		se.Code = e.Errors[0].Code
		se.Message = e.Errors[0].Detail
		if se.Message == "" {
			se.Message = e.Errors[0].Title
		}
	}
	return se
}
