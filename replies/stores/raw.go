package stores

import (
	"encoding/json"
	"fmt"

	"google.golang.org/api/androidpublisher/v3"

	"github.com/koehq/koe/ingest/appstore"
	"github.com/koehq/koe/ingest/appstore/connect"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/replies/googleplay"
)

// ReplyInRaw reads, from a review's raw record as its source stored it, the developer reply the
// store showed when the review was read: for the queue's "answered elsewhere" before any call to
// the store. kind is the source's kind. nil when the record shows none, or when the source
// cannot know (the App Store's public feed shows no replies; other kinds have none).
//
//   - googleplay: the Review of the Android Publisher API; its last comments[].developerComment.
//   - appstore read through App Store Connect: {"review": customerReviews, "response":
//     customerReviewResponses} (appstore.Raw); the response's responseBody, lastModifiedDate,
//     state (PENDING_PUBLISH → Pending) and id.
func ReplyInRaw(kind string, raw []byte) (*replies.Existing, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	switch kind {
	case "googleplay":
		var rv androidpublisher.Review
		if err := json.Unmarshal(raw, &rv); err != nil {
			return nil, fmt.Errorf("replies: google play raw review: %w", err)
		}
		return googleplay.DeveloperReply(&rv), nil
	case "appstore":
		var r appstore.Raw
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("replies: app store raw review: %w", err)
		}
		if len(r.Response) == 0 || string(r.Response) == "null" {
			return nil, nil // no response, or a review from the public feed
		}
		var resp connect.Response
		if err := json.Unmarshal(r.Response, &resp); err != nil {
			return nil, fmt.Errorf("replies: app store raw response: %w", err)
		}
		if resp.Attributes.ResponseBody == "" {
			return nil, nil
		}
		return &replies.Existing{ID: resp.ID, Text: resp.Attributes.ResponseBody, UpdatedAt: resp.Attributes.LastModifiedDate,
			Pending: resp.Attributes.State == connect.StatePending}, nil
	}
	return nil, nil
}
