package connect

import (
	"encoding/json"
	"time"
)

// The resource shapes of App Store Connect's OpenAPI document (components/schemas CustomerReview,
// CustomerReviewResponseV1, CustomerReviewsResponse, CustomerReviewResponseV1Response), as far as
// Koe reads them.

// Review is a customerReviews resource.
type Review struct {
	Type       string `json:"type"`
	ID         string `json:"id"`
	Attributes struct {
		Rating           int       `json:"rating"`
		Title            string    `json:"title"`
		Body             string    `json:"body"`
		ReviewerNickname string    `json:"reviewerNickname"`
		CreatedDate      time.Time `json:"createdDate"`
		Territory        string    `json:"territory"`
	} `json:"attributes"`
	Relationships struct {
		Response struct {
			Data *Ref `json:"data"`
		} `json:"response"`
	} `json:"relationships"`
}

// Ref is a relationship's {type, id}.
type Ref struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Response is a customerReviewResponses resource: the developer's reply to a review.
type Response struct {
	Type       string `json:"type"`
	ID         string `json:"id"`
	Attributes struct {
		ResponseBody     string    `json:"responseBody"`
		LastModifiedDate time.Time `json:"lastModifiedDate"`
		// State is PUBLISHED or PENDING_PUBLISH.
		State string `json:"state"`
	} `json:"attributes"`
}

// StatePending is a response App Store Connect has taken but not shown yet.
const StatePending = "PENDING_PUBLISH"

// ReviewsPage is a page of GET /v1/apps/{id}/customerReviews (CustomerReviewsResponse).
type ReviewsPage struct {
	Data     []json.RawMessage `json:"data"`
	Included []json.RawMessage `json:"included"`
	Links    struct {
		Self string `json:"self"`
		Next string `json:"next"`
	} `json:"links"`
}

// ResponseDocument is CustomerReviewResponseV1Response: one response, data null when a review has
// none.
type ResponseDocument struct {
	Data *Response `json:"data"`
}
