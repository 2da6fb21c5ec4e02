// Package zendesk reads support tickets from Zendesk: the cursor-based incremental ticket export
// (GET /api/v2/incremental/tickets/cursor.json, at most 10 requests a minute) and each ticket's
// comments (GET /api/v2/tickets/{id}/comments.json with the users sideloaded). The requester's
// public comments are the voice; agents' replies and internal notes go to context.
package zendesk

import (
	"context"
	"encoding/base64"
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

// ExportInterval keeps the incremental export within its 10 requests a minute.
const ExportInterval = 6 * time.Second

// Source reads one Zendesk account's tickets.
type Source struct {
	BaseURL string // https://SUBDOMAIN.zendesk.com
	// Email and Token authenticate with an API token (email/token:TOKEN); with Email empty, Token
	// is an OAuth access token.
	Email, Token string
	SourceName   string
	// Since is where the first run starts: tickets updated after it.
	Since  time.Time
	HTTP   *http.Client
	Policy httpretry.Policy
	// Sleep paces the export; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error

	orgs map[int64]string
}

// Kind implements ingest.Source.
func (s *Source) Kind() feedback.SourceKind { return feedback.SourceChat }

// Name implements ingest.Source.
func (s *Source) Name() string { return s.SourceName }

type ticket struct {
	ID             int64  `json:"id"`
	Subject        string `json:"subject"`
	Status         string `json:"status"`
	RequesterID    int64  `json:"requester_id"`
	OrganizationID *int64 `json:"organization_id"`
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at"`
}

type exportPage struct {
	Tickets     []json.RawMessage `json:"tickets"`
	AfterCursor string            `json:"after_cursor"`
	EndOfStream bool              `json:"end_of_stream"`
}

type comment struct {
	ID        int64  `json:"id"`
	AuthorID  int64  `json:"author_id"`
	PlainBody string `json:"plain_body"`
	Body      string `json:"body"`
	Public    bool   `json:"public"`
	CreatedAt string `json:"created_at"`
}

type user struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type commentPage struct {
	Comments []comment `json:"comments"`
	Users    []user    `json:"users"`
	NextPage *string   `json:"next_page"`
}

func (s *Source) headers() map[string]string {
	auth := "Bearer " + s.Token
	if s.Email != "" {
		auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(s.Email+"/token:"+s.Token))
	}
	return map[string]string{"Authorization": auth, "Accept": "application/json"}
}

func (s *Source) client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return &http.Client{Timeout: 60 * time.Second}
}

func (s *Source) get(ctx context.Context, u string, into any) error {
	return httpretry.GetJSON(ctx, s.client(), s.Policy, u, s.headers(), 64<<20, into)
}

// Pull implements ingest.Source. The cursor is the export's after_cursor, saved with the page it
// follows.
func (s *Source) Pull(ctx context.Context, cursor string, emit func(ingest.Batch) error) error {
	if s.Token == "" {
		return fmt.Errorf("zendesk: no API token: set KOE_ZENDESK_TOKEN (and --email for an API token)")
	}
	base := strings.TrimRight(s.BaseURL, "/")
	sleep := s.Sleep
	if sleep == nil {
		sleep = httpretry.Sleep
	}
	for page := 1; ; page++ {
		q := url.Values{}
		if cursor != "" {
			q.Set("cursor", cursor)
		} else {
			since := s.Since
			if since.IsZero() {
				since = time.Now().AddDate(-1, 0, 0)
			}
			q.Set("start_time", strconv.FormatInt(since.Unix(), 10))
		}
		if page > 1 {
			if err := sleep(ctx, ExportInterval); err != nil {
				return err
			}
		}
		var ep exportPage
		if err := s.get(ctx, base+"/api/v2/incremental/tickets/cursor.json?"+q.Encode(), &ep); err != nil {
			return fmt.Errorf("zendesk: export page %d: %w", page, err)
		}
		var b ingest.Batch
		tickets := make([]ticket, len(ep.Tickets))
		bad := make([]error, len(ep.Tickets))
		last := map[int64]int{} // a ticket changed during the export is listed again: its last listing is its state
		for i, raw := range ep.Tickets {
			if bad[i] = json.Unmarshal(raw, &tickets[i]); bad[i] == nil {
				last[tickets[i].ID] = i
			}
		}
		for i, raw := range ep.Tickets {
			t := tickets[i]
			if bad[i] != nil {
				b.Problems = append(b.Problems, ingest.Problem{Where: fmt.Sprintf("zendesk export page %d", page), Why: "not a ticket: " + bad[i].Error(), Failed: true})
				continue
			}
			if t.Status == "deleted" || last[t.ID] != i {
				continue
			}
			rec, p, err := s.record(ctx, base, t, raw)
			if err != nil {
				return err
			}
			if p != nil {
				b.Problems = append(b.Problems, *p)
				continue
			}
			b.Records = append(b.Records, rec)
		}
		if ep.AfterCursor != "" {
			cursor = ep.AfterCursor
		}
		b.Cursor = cursor
		if err := emit(b); err != nil {
			return err
		}
		if ep.EndOfStream || ep.AfterCursor == "" {
			return nil
		}
	}
}

func (s *Source) record(ctx context.Context, base string, t ticket, raw json.RawMessage) (ingest.Record, *ingest.Problem, error) {
	where := fmt.Sprintf("zendesk ticket %d", t.ID)
	created, err := time.Parse(time.RFC3339, t.CreatedAt)
	if err != nil {
		return ingest.Record{}, &ingest.Problem{Where: where, Why: "created_at " + t.CreatedAt, Failed: true}, nil
	}
	users := map[int64]user{}
	var comments []comment
	next := fmt.Sprintf("%s/api/v2/tickets/%d/comments.json?include=users", base, t.ID)
	for next != "" {
		var cp commentPage
		if err := s.get(ctx, next, &cp); err != nil {
			return ingest.Record{}, nil, fmt.Errorf("zendesk: comments of ticket %d: %w", t.ID, err)
		}
		comments = append(comments, cp.Comments...)
		for _, u := range cp.Users {
			users[u.ID] = u
		}
		next = ""
		if cp.NextPage != nil {
			next = *cp.NextPage
		}
	}
	var words, context []string
	for _, c := range comments {
		text := c.PlainBody
		if text == "" {
			text = c.Body
		}
		switch {
		case c.AuthorID == t.RequesterID && c.Public:
			words = append(words, text)
		case !c.Public:
			context = append(context, "Internal note: "+text)
		default:
			name := users[c.AuthorID].Name
			if name == "" {
				name = "Agent"
			}
			context = append(context, name+": "+text)
		}
	}
	if len(words) == 0 {
		return ingest.Record{}, &ingest.Problem{Where: where, Why: "no public words from the requester"}, nil
	}
	company := ""
	if t.OrganizationID != nil {
		if company, err = s.organization(ctx, base, *t.OrganizationID); err != nil {
			return ingest.Record{}, nil, err
		}
	}
	req := users[t.RequesterID]
	return ingest.Record{Item: feedback.Item{
		SourceID: strconv.FormatInt(t.ID, 10), ReceivedAt: created, AuthorName: req.Name, AuthorEmail: req.Email,
		CompanyName: company, Title: t.Subject, Body: strings.Join(words, "\n\n"), Context: strings.Join(context, "\n"),
		URL: fmt.Sprintf("%s/agent/tickets/%d", base, t.ID), Raw: raw,
	}, Where: where}, nil, nil
}

func (s *Source) organization(ctx context.Context, base string, id int64) (string, error) {
	if s.orgs == nil {
		s.orgs = map[int64]string{}
	}
	if name, ok := s.orgs[id]; ok {
		return name, nil
	}
	var out struct {
		Organization struct {
			Name string `json:"name"`
		} `json:"organization"`
	}
	if err := s.get(ctx, fmt.Sprintf("%s/api/v2/organizations/%d.json", base, id), &out); err != nil {
		return "", fmt.Errorf("zendesk: organization %d: %w", id, err)
	}
	s.orgs[id] = out.Organization.Name
	return out.Organization.Name, nil
}
