package email

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/api/gmail/v1"
	"google.golang.org/api/option"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/internal/googleclient"
	"github.com/koehq/koe/internal/httpretry"
)

// GmailSource reads a Gmail or Google Workspace mailbox through the Gmail API
// (google.golang.org/api/gmail/v1): users.messages.list with a search query, then
// users.messages.get with format=raw, oldest first so a thread's messages add up in order. Its
// cursor is the newest internalDate stored; the next run asks for mail after it.
type GmailSource struct {
	User       string // the mailbox: "me" or the address a service account impersonates
	Query      string // Gmail search, e.g. "to:support@example.com newer_than:30d"
	SourceName string
	Filter     Filter
	// Options are the API client's: credentials, or option.WithEndpoint for tests.
	Options []option.ClientOption
	// Policy is how 429s, 5xx and time-outs are retried (internal/httpretry's defaults when zero).
	Policy    httpretry.Policy
	BatchSize int
}

// Kind implements ingest.Source.
func (s *GmailSource) Kind() feedback.SourceKind { return feedback.SourceEmail }

// Name implements ingest.Source.
func (s *GmailSource) Name() string { return s.SourceName }

// Threads implements ingest.Threaded.
func (s *GmailSource) Threads() bool { return true }

// Pull implements ingest.Source.
func (s *GmailSource) Pull(ctx context.Context, cursor string, emit func(ingest.Batch) error) error {
	opts, err := googleclient.Options(ctx, s.Policy, s.Options)
	if err != nil {
		return fmt.Errorf("gmail: %w", err)
	}
	svc, err := gmail.NewService(ctx, opts...)
	if err != nil {
		return fmt.Errorf("gmail: %w", err)
	}
	user := s.User
	if user == "" {
		user = "me"
	}
	newest, _ := strconv.ParseInt(cursor, 10, 64) // internalDate, ms
	q := s.Query
	if newest > 0 {
		// A second of overlap: mail at the cursor's second is read again and found a duplicate.
		q = strings.TrimSpace(q + " after:" + strconv.FormatInt(newest/1000-1, 10))
	}
	var ids []string
	page := ""
	for {
		call := svc.Users.Messages.List(user).Q(q).MaxResults(500).Context(ctx)
		if page != "" {
			call = call.PageToken(page)
		}
		resp, err := call.Do()
		if err != nil {
			return fmt.Errorf("gmail: list %s: %w", user, err)
		}
		for _, m := range resp.Messages {
			ids = append(ids, m.Id)
		}
		if resp.NextPageToken == "" {
			break
		}
		page = resp.NextPageToken
	}
	size := s.BatchSize
	if size <= 0 {
		size = 200
	}
	b := newThreadBatcher(emit, size)
	b.cursor = func() string { return strconv.FormatInt(newest, 10) }
	// The list is newest first: read oldest first.
	for i := len(ids) - 1; i >= 0; i-- {
		m, err := svc.Users.Messages.Get(user, ids[i]).Format("raw").Context(ctx).Do()
		if err != nil {
			return fmt.Errorf("gmail: get message %s: %w", ids[i], err)
		}
		where := "gmail message " + m.Id
		raw, err := base64.URLEncoding.DecodeString(m.Raw)
		if err != nil {
			raw, err = base64.RawURLEncoding.DecodeString(m.Raw)
		}
		if err != nil {
			if err := b.problem(ingest.Problem{Where: where, Why: "raw message is not base64url", Failed: true}); err != nil {
				return err
			}
			continue
		}
		msg, err := Parse(bytes.NewReader(raw))
		var perr error
		if err != nil {
			perr = b.problem(ingest.Problem{Where: where, Why: err.Error(), Failed: true})
		} else if rec, p := s.Filter.Record(msg, where, time.UnixMilli(m.InternalDate).UTC()); p != nil {
			perr = b.problem(*p)
		} else {
			var meta map[string]any
			if json.Unmarshal(rec.Item.Raw, &meta) == nil {
				meta["gmail_id"], meta["gmail_thread_id"] = m.Id, m.ThreadId
				rec.Item.Raw, _ = json.Marshal(meta)
			}
			perr = b.add(rec)
		}
		if perr != nil {
			return perr
		}
		newest = max(newest, m.InternalDate) // after the message is in a batch
	}
	return b.flush()
}
