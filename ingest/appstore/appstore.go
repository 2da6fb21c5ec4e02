// Package appstore reads App Store reviews from Apple's public customer-reviews feed,
// /{country}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/json: every value wrapped in
// {"label": …}, a single entry sometimes an object rather than an array, older feeds listing the
// app itself as the first entry, and at most 10 pages. It is the keyless fallback: with a team's
// App Store Connect key, ConnectSource reads the same reviews through the API.
//
// A feed review's id (entry id, a number such as "6913873043") is not its App Store Connect id
// (customerReviews id, "00000028-b08c-0014-729e-fbd500000000" in Apple's example of GET
// /v1/apps/{id}/customerReviews), and the feed shows no developer responses: a review read here
// cannot be answered through the API. Its reply is drafted in Koe, posted in App Store Connect by
// a person, and marked answered.
package appstore

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/internal/httpretry"
)

// DefaultBaseURL is Apple's feed host.
const DefaultBaseURL = "https://itunes.apple.com"

// MaxPages is how deep the feed goes.
const MaxPages = 10

// Source reads one app's reviews in some countries.
type Source struct {
	BaseURL    string
	AppID      string
	Countries  []string
	SourceName string
	HTTP       *http.Client
	Policy     httpretry.Policy
}

// Kind implements ingest.Source.
func (s *Source) Kind() feedback.SourceKind { return feedback.SourceReview }

// Name implements ingest.Source.
func (s *Source) Name() string { return s.SourceName }

type label struct {
	Label string `json:"label"`
}

type entry struct {
	Author struct {
		Name label `json:"name"`
		URI  label `json:"uri"`
	} `json:"author"`
	Updated *label          `json:"updated"`
	Rating  *label          `json:"im:rating"`
	Version label           `json:"im:version"`
	ID      label           `json:"id"`
	Title   label           `json:"title"`
	Content label           `json:"content"`
	Link    json.RawMessage `json:"link"`
}

type feed struct {
	Feed struct {
		Updated label           `json:"updated"`
		Entry   json.RawMessage `json:"entry"`
	} `json:"feed"`
}

// date is when a review was written: its "updated". Real captures have entries without one; such
// a review is dated by the feed's "updated" (the review is no newer than the feed), else by
// fetched, and undated says so. Its date then says nothing of where the feed's new reviews end.
func (e entry) date(f feed, fetched time.Time) (at time.Time, undated bool, err error) {
	if e.Updated != nil {
		at, err = time.Parse(time.RFC3339, strings.TrimSpace(e.Updated.Label))
		if err != nil {
			return at, false, fmt.Errorf("date %q is not an RFC 3339 time", e.Updated.Label)
		}
		return at, false, nil
	}
	if at, err := time.Parse(time.RFC3339, strings.TrimSpace(f.Feed.Updated.Label)); err == nil {
		return at, true, nil
	}
	return fetched, true, nil
}

// entries reads "entry", which is an array, a single object, or absent.
func entries(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return nil, nil
	case raw[0] == '[':
		var list []json.RawMessage
		err := json.Unmarshal(raw, &list)
		return list, err
	default:
		return []json.RawMessage{raw}, nil
	}
}

// Pull implements ingest.Source. The cursor holds, per country, the time of the newest review
// stored; reading stops at it. It moves only with a country's last page, so an interrupted run
// reads the same pages again (and finds them duplicates) rather than skipping any.
func (s *Source) Pull(ctx context.Context, cursor string, emit func(ingest.Batch) error) error {
	seen := map[string]string{}
	if cursor != "" {
		if err := json.Unmarshal([]byte(cursor), &seen); err != nil {
			return fmt.Errorf("appstore: saved cursor is damaged: %w", err)
		}
	}
	base := strings.TrimRight(s.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	hc := s.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	for _, cc := range s.Countries {
		cc = strings.ToLower(strings.TrimSpace(cc))
		newest := seen[cc]
		for page := 1; page <= MaxPages; page++ {
			url := fmt.Sprintf("%s/%s/rss/customerreviews/page=%d/id=%s/sortby=mostrecent/json", base, cc, page, s.AppID)
			var f feed
			fetched := time.Now().UTC().Truncate(time.Second)
			if err := httpretry.GetJSON(ctx, hc, s.Policy, url, nil, 32<<20, &f); err != nil {
				return fmt.Errorf("appstore %s page %d: %w", cc, page, err)
			}
			list, err := entries(f.Feed.Entry)
			if err != nil {
				return fmt.Errorf("appstore %s page %d: entries: %w", cc, page, err)
			}
			var b ingest.Batch
			reachedOld := len(list) == 0
			for _, raw := range list {
				var e entry
				if err := json.Unmarshal(raw, &e); err != nil {
					b.Problems = append(b.Problems, ingest.Problem{Where: fmt.Sprintf("appstore %s page %d", cc, page), Why: "entry: " + err.Error(), Failed: true})
					continue
				}
				if e.Rating == nil { // the app itself, in older feeds
					continue
				}
				where := "appstore review " + e.ID.Label
				at, undated, err := e.date(f, fetched)
				if err != nil {
					b.Problems = append(b.Problems, ingest.Problem{Where: where, Why: err.Error(), Failed: true})
					continue
				}
				var warnings []string
				if undated {
					warnings = append(warnings, "the feed gives no date for this review: dated "+at.UTC().Format(time.RFC3339)+", the time of the feed")
				} else {
					stamp := at.UTC().Format(time.RFC3339)
					if seen[cc] != "" && stamp < seen[cc] {
						reachedOld = true
						break
					}
					if stamp > newest {
						newest = stamp
					}
				}
				stars, _ := strconv.ParseFloat(e.Rating.Label, 64)
				b.Records = append(b.Records, ingest.Record{Item: feedback.Item{
					SourceID: e.ID.Label, ReceivedAt: at, AuthorName: e.Author.Name.Label, Title: e.Title.Label,
					Body: e.Content.Label, Rating: &stars, URL: e.Author.URI.Label, Raw: raw,
				}, Where: where, Warnings: warnings})
			}
			last := reachedOld || page == MaxPages
			if last {
				seen[cc] = newest
				c, _ := json.Marshal(seen)
				b.Cursor = string(c)
			}
			b.Done, b.Total = int64(page), MaxPages
			if err := emit(b); err != nil {
				return err
			}
			if last {
				break
			}
		}
	}
	return nil
}
