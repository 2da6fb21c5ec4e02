// Package g2 reads reviews from G2's JSON:API survey-responses endpoint (Authorization: Token
// token=…; page[size], page[number], filter[updated_at_gt]). The "what do you dislike" answer is
// the voice; "what do you like" and "what problems is it solving" are kept beside it as context.
package g2

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/internal/httpretry"
)

// DefaultBaseURL is G2's data API.
const DefaultBaseURL = "https://data.g2.com"

// Source reads the survey responses (reviews) of the products the token can see.
type Source struct {
	BaseURL    string
	Token      string
	SourceName string
	PageSize   int
	HTTP       *http.Client
	Policy     httpretry.Policy
}

// Kind implements ingest.Source.
func (s *Source) Kind() feedback.SourceKind { return feedback.SourceReview }

// Name implements ingest.Source.
func (s *Source) Name() string { return s.SourceName }

type answer struct {
	Text  string `json:"text"`
	Value string `json:"value"`
}

type response struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Attributes struct {
		StarRating     *float64          `json:"star_rating"`
		Title          string            `json:"title"`
		CommentAnswers map[string]answer `json:"comment_answers"`
		SubmittedAt    string            `json:"submitted_at"`
		UpdatedAt      string            `json:"updated_at"`
		UserName       string            `json:"user_name"`
		ProductName    string            `json:"product_name"`
		CompanyName    string            `json:"company_name"`
		URL            string            `json:"url"`
		Slug           string            `json:"slug"`
	} `json:"attributes"`
}

type page struct {
	Data []json.RawMessage `json:"data"`
	Meta struct {
		PageCount int `json:"page_count"`
	} `json:"meta"`
}

// Pull implements ingest.Source. The cursor is the newest updated_at stored; it moves with the
// last page, so an interrupted run reads its pages again rather than skipping any.
func (s *Source) Pull(ctx context.Context, cursor string, emit func(ingest.Batch) error) error {
	if s.Token == "" {
		return fmt.Errorf("g2: no API token: set KOE_G2_TOKEN")
	}
	base := strings.TrimRight(s.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	size := s.PageSize
	if size <= 0 || size > 100 {
		size = 100
	}
	hc := s.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	headers := map[string]string{"Authorization": "Token token=" + s.Token, "Content-Type": "application/vnd.api+json"}
	newest := cursor
	for n := 1; ; n++ {
		q := url.Values{"page[size]": {strconv.Itoa(size)}, "page[number]": {strconv.Itoa(n)}}
		if cursor != "" {
			q.Set("filter[updated_at_gt]", cursor)
		}
		var p page
		if err := httpretry.GetJSON(ctx, hc, s.Policy, base+"/api/v1/survey-responses?"+q.Encode(), headers, 64<<20, &p); err != nil {
			return fmt.Errorf("g2 page %d: %w", n, err)
		}
		var b ingest.Batch
		for _, raw := range p.Data {
			var r response
			if err := json.Unmarshal(raw, &r); err != nil || r.ID == "" {
				b.Problems = append(b.Problems, ingest.Problem{Where: fmt.Sprintf("g2 page %d", n), Why: "not a survey response", Failed: true})
				continue
			}
			rec, upd, err := record(r, raw)
			if err != nil {
				b.Problems = append(b.Problems, ingest.Problem{Where: "g2 review " + r.ID, Why: err.Error(), Failed: true})
				continue
			}
			if upd > newest {
				newest = upd
			}
			b.Records = append(b.Records, rec)
		}
		last := len(p.Data) < size || (p.Meta.PageCount > 0 && n >= p.Meta.PageCount)
		if last {
			b.Cursor = newest
			if b.Cursor == "" {
				b.Cursor = cursor
			}
		}
		b.Done, b.Total = int64(n), int64(p.Meta.PageCount)
		if err := emit(b); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}

func record(r response, raw json.RawMessage) (ingest.Record, string, error) {
	a := r.Attributes
	at, err := time.Parse(time.RFC3339, a.SubmittedAt)
	if err != nil {
		return ingest.Record{}, "", fmt.Errorf("submitted_at %q is not a time", a.SubmittedAt)
	}
	updated := a.UpdatedAt
	if t, err := time.Parse(time.RFC3339, updated); err == nil {
		updated = t.UTC().Format(time.RFC3339)
	}
	part := func(k string) string { return strings.TrimSpace(a.CommentAnswers[k].Value) }
	body := part("hate")
	var context []string
	if v := part("love"); v != "" {
		if body == "" {
			body = v // only praise: the praise is the voice
		} else {
			context = append(context, "What do you like best? "+v)
		}
	}
	if v := part("benefits"); v != "" {
		context = append(context, "What problems is it solving? "+v)
	}
	if v := part("recommendations"); v != "" {
		context = append(context, "Recommendations: "+v)
	}
	var rating *float64
	if a.StarRating != nil {
		v := *a.StarRating
		if v > 5 { // a 10-point scale
			v /= 2
		}
		rating = &v
	}
	u := a.URL
	if u == "" && a.Slug != "" {
		u = "https://www.g2.com/survey_responses/" + a.Slug
	}
	return ingest.Record{Item: feedback.Item{
		SourceID: r.ID, ReceivedAt: at, AuthorName: a.UserName, CompanyName: a.CompanyName, Title: a.Title,
		Body: body, Context: strings.Join(context, "\n"), Rating: rating, URL: u, Raw: raw,
	}, Where: "g2 review " + r.ID}, updated, nil
}
