package appstore

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/appstore/connect"
)

// ConnectSource reads one app's reviews, in every territory, through the App Store Connect API
// (GET /v1/apps/{id}/customerReviews, newest first, 200 a page, paged by links.next, with each
// review's response included): what the team's key sees, with no ten-page limit, and with the
// ids App Store Connect answers reviews by. The public feed (Source) stays for sources without a
// key.
//
// A review's id is App Store Connect's customerReviews id, not the feed's: the two name the same
// review differently, so a source switched from the feed to a key stores the reviews it had
// already read a second time, under their new ids.
type ConnectSource struct {
	Client     *connect.Client
	AppID      string
	SourceName string
}

// Kind implements ingest.Source.
func (s *ConnectSource) Kind() feedback.SourceKind { return feedback.SourceReview }

// Name implements ingest.Source.
func (s *ConnectSource) Name() string { return s.SourceName }

// Raw is what a review read through App Store Connect keeps as its raw record: the review as
// Apple sent it, and the developer response App Store Connect shows on it (absent when none), so
// the review queue can tell a review answered elsewhere.
type Raw struct {
	Review   json.RawMessage `json:"review"`
	Response json.RawMessage `json:"response,omitempty"`
}

// Overlap is how far before the newest review stored each run reads again: a response written
// in App Store Connect to a review of the last week reaches the stored review (its context and
// raw record change), as Google Play's reviews.list gives a week of reviews every run.
const Overlap = 7 * 24 * time.Hour

// Pull implements ingest.Source. The cursor is the creation time of the newest review stored;
// reading stops at the first review older than it by more than Overlap. It moves with the last
// page read, so an interrupted run reads the same pages again (duplicates) rather than skipping
// any.
func (s *ConnectSource) Pull(ctx context.Context, cursor string, emit func(ingest.Batch) error) error {
	var since time.Time
	if cursor != "" {
		t, err := time.Parse(time.RFC3339, cursor)
		if err != nil {
			return fmt.Errorf("appstore: saved cursor is damaged: %w", err)
		}
		since = t
	}
	newest := since
	next := "/v1/apps/" + url.PathEscape(s.AppID) + "/customerReviews?" + url.Values{
		"sort": {"-createdDate"}, "limit": {"200"}, "include": {"response"}}.Encode()
	for page := int64(1); ; page++ {
		var p connect.ReviewsPage
		if err := s.Client.Get(ctx, next, &p); err != nil {
			return fmt.Errorf("appstore: reviews of app %s, page %d: %w", s.AppID, page, err)
		}
		responses := map[string]json.RawMessage{}
		for _, raw := range p.Included {
			var r connect.Ref
			if json.Unmarshal(raw, &r) == nil && r.Type == "customerReviewResponses" {
				responses[r.ID] = raw
			}
		}
		var b ingest.Batch
		reachedOld := false
		for _, raw := range p.Data {
			var rv connect.Review
			if err := json.Unmarshal(raw, &rv); err != nil {
				b.Problems = append(b.Problems, ingest.Problem{Where: fmt.Sprintf("appstore connect page %d", page), Why: "review: " + err.Error(), Failed: true})
				continue
			}
			at := rv.Attributes.CreatedDate.UTC()
			if !since.IsZero() && at.Before(since.Add(-Overlap)) {
				reachedOld = true
				break
			}
			if at.After(newest) {
				newest = at
			}
			rec, problem := connectRecord(rv, raw, responses)
			if problem != nil {
				b.Problems = append(b.Problems, *problem)
				continue
			}
			b.Records = append(b.Records, rec)
		}
		last := reachedOld || p.Links.Next == ""
		if last && !newest.IsZero() {
			b.Cursor = newest.Format(time.RFC3339)
		}
		b.Done = page
		if err := emit(b); err != nil {
			return err
		}
		if last {
			return nil
		}
		next = p.Links.Next
	}
}

func connectRecord(rv connect.Review, raw json.RawMessage, responses map[string]json.RawMessage) (ingest.Record, *ingest.Problem) {
	where := "appstore review " + rv.ID
	a := rv.Attributes
	if strings.TrimSpace(a.Body) == "" && strings.TrimSpace(a.Title) == "" {
		return ingest.Record{}, &ingest.Problem{Where: where, Why: "a star rating without words"}
	}
	if a.CreatedDate.IsZero() {
		return ingest.Record{}, &ingest.Problem{Where: where, Why: "no createdDate", Failed: true}
	}
	title, body := a.Title, a.Body
	if strings.TrimSpace(body) == "" {
		title, body = "", a.Title
	}
	stored := Raw{Review: raw}
	context := ""
	if ref := rv.Relationships.Response.Data; ref != nil {
		if resp, ok := responses[ref.ID]; ok {
			stored.Response = resp
			var r connect.Response
			if json.Unmarshal(resp, &r) == nil && r.Attributes.ResponseBody != "" {
				context = "Developer reply: " + r.Attributes.ResponseBody
			}
		}
	}
	rawOut, _ := json.Marshal(stored)
	stars := float64(a.Rating)
	return ingest.Record{Item: feedback.Item{
		SourceID: rv.ID, ReceivedAt: a.CreatedDate.UTC(), AuthorName: a.ReviewerNickname, Title: title, Body: body,
		Context: context, Rating: &stars, Raw: rawOut,
	}, Where: where}, nil
}
