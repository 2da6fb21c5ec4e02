// Package intercom reads chat conversations from Intercom: the REST API (POST
// /conversations/search for those updated since the last run, paged with starting_after, then
// GET /conversations/{id} for the source message and the
// conversation parts; Bearer token and Intercom-Version header), or a file of exported
// conversations in the same shape. One voice per conversation: the customer's messages joined in
// order; agents', bots' and internal notes go to context.
package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/textproc"
	"github.com/koehq/koe/internal/httpretry"
)

// DefaultBaseURL is Intercom's API (US region; eu and au regions have their own hosts).
const DefaultBaseURL = "https://api.intercom.io"

// APIVersion is the Intercom-Version every request asks for.
const APIVersion = "2.11"

// Author is who wrote a message.
type Author struct {
	Type  string `json:"type"` // user, lead, contact, admin, bot, team
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Part is one message of a conversation after the first.
type Part struct {
	ID        string `json:"id"`
	PartType  string `json:"part_type"`
	Body      string `json:"body"`
	CreatedAt int64  `json:"created_at"`
	Author    Author `json:"author"`
}

// Conversation is GET /conversations/{id}, reduced to what a voice needs.
type Conversation struct {
	ID        flexID `json:"id"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
	Title     string `json:"title"`
	Source    struct {
		Type    string `json:"type"`
		Subject string `json:"subject"`
		Body    string `json:"body"`
		Author  Author `json:"author"`
		URL     string `json:"url"`
	} `json:"source"`
	Contacts struct {
		Contacts []struct {
			ID string `json:"id"`
		} `json:"contacts"`
	} `json:"contacts"`
	Parts struct {
		Parts []Part `json:"conversation_parts"`
	} `json:"conversation_parts"`
}

// flexID accepts an id written as a string or a number.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexID(n.String())
	return nil
}

func customer(a Author) bool { return a.Type == "user" || a.Type == "lead" || a.Type == "contact" }

// Record turns a conversation into a voice; company is the contact's company, if known.
func Record(c Conversation, raw json.RawMessage, company string) (ingest.Record, *ingest.Problem) {
	where := "intercom conversation " + string(c.ID)
	if c.ID == "" {
		return ingest.Record{}, &ingest.Problem{Where: "intercom", Why: "a conversation without an id", Failed: true}
	}
	var words, context []string
	// The voice's author is the customer who wrote its first words (with an email, if a later
	// customer message has one and the first has not); never the admin or bot who may have
	// started the conversation (source.delivered_as admin_initiated, operator_initiated).
	var author Author
	add := func(a Author, partType, body string) {
		text := textproc.HTMLToText(body)
		if text == "" {
			return
		}
		switch {
		case customer(a) && partType != "note":
			words = append(words, text)
			if !customer(author) || author.Email == "" && a.Email != "" {
				author = a
			}
		case partType == "note":
			context = append(context, "Note: "+text)
		case a.Type == "bot":
			context = append(context, "Bot: "+text)
		default:
			name := a.Name
			if name == "" {
				name = "Agent"
			}
			context = append(context, name+": "+text)
		}
	}
	add(c.Source.Author, "", c.Source.Body)
	parts := append([]Part(nil), c.Parts.Parts...)
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].CreatedAt < parts[j].CreatedAt })
	for _, p := range parts {
		add(p.Author, p.PartType, p.Body)
	}
	if len(words) == 0 {
		return ingest.Record{}, &ingest.Problem{Where: where, Why: "no words from the customer (only agents or bots)"}
	}
	title := c.Source.Subject
	if title == "" {
		title = c.Title
	}
	return ingest.Record{Item: feedback.Item{
		SourceID: string(c.ID), ReceivedAt: time.Unix(c.CreatedAt, 0).UTC(), AuthorName: author.Name,
		AuthorEmail: author.Email, CompanyName: company, Title: textproc.HTMLToText(title),
		Body: strings.Join(words, "\n\n"), Context: strings.Join(context, "\n"), URL: c.Source.URL, Raw: raw,
	}, Where: where}, nil
}

// Source reads conversations from the API, newest update first, down to the last run's cursor.
type Source struct {
	BaseURL    string
	Token      string
	SourceName string
	PerPage    int
	HTTP       *http.Client
	Policy     httpretry.Policy
	companies  map[string]string
	emails     map[string]string // contact id → email
}

// Kind implements ingest.Source.
func (s *Source) Kind() feedback.SourceKind { return feedback.SourceChat }

// Name implements ingest.Source.
func (s *Source) Name() string { return s.SourceName }

type listPage struct {
	Conversations []struct {
		ID        flexID `json:"id"`
		UpdatedAt int64  `json:"updated_at"`
	} `json:"conversations"`
	Pages struct {
		Next *struct {
			StartingAfter string `json:"starting_after"`
		} `json:"next"`
		TotalPages int `json:"total_pages"`
	} `json:"pages"`
}

func (s *Source) client() (string, *http.Client, map[string]string) {
	base := strings.TrimRight(s.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	hc := s.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	return base, hc, map[string]string{"Authorization": "Bearer " + s.Token, "Intercom-Version": APIVersion, "Accept": "application/json"}
}

func (s *Source) get(ctx context.Context, path string, q url.Values, into any) error {
	base, hc, headers := s.client()
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return httpretry.GetJSON(ctx, hc, s.Policy, u, headers, 64<<20, into)
}

// searchQuery is the body of POST /conversations/search: conversations updated after a time,
// a page at a time.
type searchQuery struct {
	Query struct {
		Field    string `json:"field"`
		Operator string `json:"operator"`
		Value    int64  `json:"value"`
	} `json:"query"`
	Pagination struct {
		PerPage       int    `json:"per_page"`
		StartingAfter string `json:"starting_after,omitempty"`
	} `json:"pagination"`
}

// Pull implements ingest.Source. It searches for the conversations updated since the cursor
// (the newest updated_at of the last complete run, its second read again): the documented way,
// since GET /conversations takes no order. The cursor moves only with the last batch.
func (s *Source) Pull(ctx context.Context, cursor string, emit func(ingest.Batch) error) error {
	if s.Token == "" {
		return fmt.Errorf("intercom: no access token: set KOE_INTERCOM_TOKEN")
	}
	since, _ := strconv.ParseInt(cursor, 10, 64)
	newest := since
	per := s.PerPage
	if per <= 0 {
		per = 50
	}
	var q searchQuery
	q.Query.Field, q.Query.Operator, q.Query.Value = "updated_at", ">", max(since-1, 0)
	q.Pagination.PerPage = per
	base, hc, headers := s.client()
	for page := 1; ; page++ {
		var lp listPage
		if err := httpretry.PostJSON(ctx, hc, s.Policy, base+"/conversations/search", headers, q, 64<<20, &lp); err != nil {
			return fmt.Errorf("intercom: search page %d: %w", page, err)
		}
		var b ingest.Batch
		done := lp.Pages.Next == nil || lp.Pages.Next.StartingAfter == ""
		for _, c := range lp.Conversations {
			newest = max(newest, c.UpdatedAt)
			var raw json.RawMessage
			if err := s.get(ctx, "/conversations/"+url.PathEscape(string(c.ID)), nil, &raw); err != nil {
				return fmt.Errorf("intercom: conversation %s: %w", c.ID, err)
			}
			var conv Conversation
			if err := json.Unmarshal(raw, &conv); err != nil {
				b.Problems = append(b.Problems, ingest.Problem{Where: "intercom conversation " + string(c.ID), Why: err.Error(), Failed: true})
				continue
			}
			company, err := s.company(ctx, conv)
			if err != nil {
				return err
			}
			rec, p := Record(conv, raw, company)
			if p != nil {
				b.Problems = append(b.Problems, *p)
				continue
			}
			if rec.Item.AuthorEmail == "" { // the parts carry none: the conversation's contact may
				if rec.Item.AuthorEmail, err = s.contactEmail(ctx, conv); err != nil {
					return err
				}
			}
			b.Records = append(b.Records, rec)
		}
		if done {
			b.Cursor = strconv.FormatInt(newest, 10)
		}
		b.Done, b.Total = int64(page), int64(lp.Pages.TotalPages)
		if err := emit(b); err != nil {
			return err
		}
		if done {
			return nil
		}
		q.Pagination.StartingAfter = lp.Pages.Next.StartingAfter
	}
}

// contactEmail looks up the email of the conversation's first contact (GET /contacts/{id}), once
// per contact: the customer, when the parts name them without one.
func (s *Source) contactEmail(ctx context.Context, c Conversation) (string, error) {
	if len(c.Contacts.Contacts) == 0 {
		return "", nil
	}
	id := c.Contacts.Contacts[0].ID
	if s.emails == nil {
		s.emails = map[string]string{}
	}
	if email, ok := s.emails[id]; ok {
		return email, nil
	}
	var contact struct {
		Email string `json:"email"`
	}
	if err := s.get(ctx, "/contacts/"+url.PathEscape(id), nil, &contact); err != nil {
		var se *httpretry.StatusError
		if !errors.As(err, &se) || se.Status != http.StatusNotFound {
			return "", fmt.Errorf("intercom: contact %s: %w", id, err)
		}
	}
	s.emails[id] = contact.Email
	return contact.Email, nil
}

// company looks up the name of the first company of the conversation's contact, once per
// contact.
func (s *Source) company(ctx context.Context, c Conversation) (string, error) {
	if len(c.Contacts.Contacts) == 0 {
		return "", nil
	}
	id := c.Contacts.Contacts[0].ID
	if s.companies == nil {
		s.companies = map[string]string{}
	}
	if name, ok := s.companies[id]; ok {
		return name, nil
	}
	var list struct {
		Data []struct {
			Name string `json:"name"`
		} `json:"data"`
	}
	if err := s.get(ctx, "/contacts/"+url.PathEscape(id)+"/companies", nil, &list); err != nil {
		var se *httpretry.StatusError
		if errors.As(err, &se) && se.Status == http.StatusNotFound {
			s.companies[id] = ""
			return "", nil
		}
		return "", fmt.Errorf("intercom: companies of contact %s: %w", id, err)
	}
	name := ""
	if len(list.Data) > 0 {
		name = list.Data[0].Name
	}
	s.companies[id] = name
	return name, nil
}

// FileSource reads conversations exported to a file: a JSON array, a {"conversations": […]}
// object, or JSON Lines, each conversation shaped like GET /conversations/{id}.
type FileSource struct {
	Path       string
	SourceName string
}

// Kind implements ingest.Source.
func (f *FileSource) Kind() feedback.SourceKind { return feedback.SourceChat }

// Name implements ingest.Source.
func (f *FileSource) Name() string { return f.SourceName }

// Pull implements ingest.Source.
func (f *FileSource) Pull(ctx context.Context, _ string, emit func(ingest.Batch) error) error {
	data, err := os.ReadFile(f.Path)
	if err != nil {
		return err
	}
	var raws []json.RawMessage
	trimmed := bytes.TrimSpace(data)
	var wrapper struct {
		Conversations []json.RawMessage `json:"conversations"`
	}
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return fmt.Errorf("%s: not a JSON array of conversations: %w", f.Path, err)
		}
	case json.Unmarshal(trimmed, &wrapper) == nil && len(wrapper.Conversations) > 0:
		raws = wrapper.Conversations
	default: // JSON Lines
		for _, line := range bytes.Split(trimmed, []byte("\n")) {
			if line = bytes.TrimSpace(line); len(line) > 0 {
				raws = append(raws, json.RawMessage(line))
			}
		}
	}
	var b ingest.Batch
	for i, raw := range raws {
		var c Conversation
		if err := json.Unmarshal(raw, &c); err != nil {
			b.Problems = append(b.Problems, ingest.Problem{Where: fmt.Sprintf("%s: conversation %d", f.Path, i+1), Why: "not a conversation: " + err.Error(), Failed: true})
			continue
		}
		rec, p := Record(c, raw, "")
		if p != nil {
			b.Problems = append(b.Problems, *p)
			continue
		}
		b.Records = append(b.Records, rec)
		if len(b.Records) == 1000 {
			if err := emit(b); err != nil {
				return err
			}
			b = ingest.Batch{}
		}
	}
	return emit(b)
}
