// Package googleplay reads Google Play reviews through the Android Publisher API v3
// (reviews.list, paged with tokenPagination) with google.golang.org/api. Google only returns the
// reviews written or edited in about the last week, so each run reads them all; ids make that a
// no-op for the ones already stored, and an edited review updates its words.
package googleplay

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"google.golang.org/api/androidpublisher/v3"
	"google.golang.org/api/option"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/internal/googleclient"
	"github.com/koehq/koe/internal/httpretry"
)

// Source reads one app's reviews.
type Source struct {
	PackageName string
	SourceName  string
	// Options are the API client's: credentials (option.WithAuthCredentialsFile with a service
	// account), or option.WithEndpoint and option.WithHTTPClient for tests.
	Options []option.ClientOption
	// Policy is how 429s, 5xx and time-outs are retried (internal/httpretry's defaults when zero).
	Policy httpretry.Policy
}

// Kind implements ingest.Source.
func (s *Source) Kind() feedback.SourceKind { return feedback.SourceReview }

// Name implements ingest.Source.
func (s *Source) Name() string { return s.SourceName }

// Pull implements ingest.Source.
func (s *Source) Pull(ctx context.Context, _ string, emit func(ingest.Batch) error) error {
	opts, err := googleclient.Options(ctx, s.Policy, s.Options)
	if err != nil {
		return fmt.Errorf("googleplay: %w", err)
	}
	svc, err := androidpublisher.NewService(ctx, opts...)
	if err != nil {
		return fmt.Errorf("googleplay: %w", err)
	}
	token := ""
	for page := 1; ; page++ {
		call := svc.Reviews.List(s.PackageName).MaxResults(100).Context(ctx)
		if token != "" {
			call = call.Token(token)
		}
		resp, err := call.Do()
		if err != nil {
			return fmt.Errorf("googleplay: reviews of %s, page %d: %w", s.PackageName, page, err)
		}
		var b ingest.Batch
		for _, r := range resp.Reviews {
			rec, p := record(r)
			if p != nil {
				b.Problems = append(b.Problems, *p)
				continue
			}
			b.Records = append(b.Records, rec)
		}
		if err := emit(b); err != nil {
			return err
		}
		if resp.TokenPagination == nil || resp.TokenPagination.NextPageToken == "" {
			return nil
		}
		token = resp.TokenPagination.NextPageToken
	}
}

func record(r *androidpublisher.Review) (ingest.Record, *ingest.Problem) {
	where := "google play review " + r.ReviewId
	var user *androidpublisher.UserComment
	var replies []string
	for _, c := range r.Comments {
		if c.UserComment != nil && user == nil {
			user = c.UserComment
		}
		if c.DeveloperComment != nil && c.DeveloperComment.Text != "" {
			replies = append(replies, "Developer reply: "+c.DeveloperComment.Text)
		}
	}
	if user == nil || user.Text == "" {
		return ingest.Record{}, &ingest.Problem{Where: where, Why: "a star rating without words"}
	}
	at := time.Now().UTC()
	if user.LastModified != nil {
		at = time.Unix(user.LastModified.Seconds, user.LastModified.Nanos).UTC()
	}
	// A title and body the user wrote apart come joined by a tab (the UserComment reference).
	title, body, ok := strings.Cut(user.Text, "\t")
	if !ok || strings.TrimSpace(body) == "" {
		title, body = "", strings.TrimSpace(user.Text)
	}
	stars := float64(user.StarRating)
	raw, _ := json.Marshal(r)
	return ingest.Record{Item: feedback.Item{
		SourceID: r.ReviewId, ReceivedAt: at, AuthorName: r.AuthorName, Title: strings.TrimSpace(title), Body: body,
		Context: strings.Join(replies, "\n"), Rating: &stars, Raw: raw,
	}, Where: where}, nil
}
