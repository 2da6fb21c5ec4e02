package feedback

import "time"

// RequestStatus is where a request stands on the roadmap.
type RequestStatus string

const (
	UnderReview RequestStatus = "under_review"
	Planned     RequestStatus = "planned"
	InProgress  RequestStatus = "in_progress"
	Shipped     RequestStatus = "shipped"
	Declined    RequestStatus = "declined"
)

// RequestStatuses lists every status in roadmap order.
var RequestStatuses = []RequestStatus{UnderReview, Planned, InProgress, Shipped, Declined}

// Valid reports whether s is a known status.
func (s RequestStatus) Valid() bool {
	for _, v := range RequestStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// Request is something customers asked for; voices are linked to it.
type Request struct {
	ID int64 `json:"id"`
	// Title and Description are internal; PublicTitle and PublicDescription are written for
	// customers and are the only words a public page may show.
	Title             string        `json:"title"`
	Description       string        `json:"description"`
	PublicTitle       string        `json:"public_title"`
	PublicDescription string        `json:"public_description"`
	Status            RequestStatus `json:"status"`
	Public            bool          `json:"public"`
	MergedInto        *int64        `json:"merged_into,omitempty"`
	StatusChangedAt   time.Time     `json:"status_changed_at"`
	CreatedAt         time.Time     `json:"created_at"`
	UpdatedAt         time.Time     `json:"updated_at"`
}

// PublicRequest is what the world may see of a request: built by its own query, so that no
// internal field can reach a public page by accident.
type PublicRequest struct {
	ID              int64         `json:"id"`
	Title           string        `json:"title"`
	Description     string        `json:"description"`
	Status          RequestStatus `json:"status"`
	StatusChangedAt time.Time     `json:"status_changed_at"`
}

// RequestSummary is a request with what the staff list shows about its voices.
type RequestSummary struct {
	Request
	Voices   int   `json:"voices"`
	Accounts int   `json:"accounts"`
	MRRMinor int64 `json:"mrr_minor"` // the distinct accounts' current MRR, in the default currency
}
