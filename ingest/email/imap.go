package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
)

// IMAPSource reads one mailbox over IMAP (github.com/emersion/go-imap/v2). It opens the mailbox
// read-only (EXAMINE) and fetches with BODY.PEEK[], so nothing is marked read, and it never
// deletes or moves mail. Its cursor is the mailbox's UIDVALIDITY and the last UID stored; a changed
// UIDVALIDITY starts a full re-scan, which Message-IDs keep free of duplicates.
type IMAPSource struct {
	Addr     string
	Security string // "tls" (the default), "starttls" or "plain"
	User     string
	Password string
	Mailbox  string
	// TLSConfig overrides the TLS settings (a private CA, say).
	TLSConfig  *tls.Config
	SourceName string
	Filter     Filter
	BatchSize  int
	Timeout    time.Duration
}

// Kind implements ingest.Source.
func (s *IMAPSource) Kind() feedback.SourceKind { return feedback.SourceEmail }

// Name implements ingest.Source.
func (s *IMAPSource) Name() string { return s.SourceName }

// Threads implements ingest.Threaded.
func (s *IMAPSource) Threads() bool { return true }

type imapCursor struct {
	UIDValidity uint32 `json:"uidvalidity"`
	UID         uint32 `json:"uid"`
}

func (s *IMAPSource) dial() (*imapclient.Client, error) {
	opts := &imapclient.Options{TLSConfig: s.TLSConfig}
	switch s.Security {
	case "", "tls":
		return imapclient.DialTLS(s.Addr, opts)
	case "starttls":
		return imapclient.DialStartTLS(s.Addr, opts)
	case "plain":
		return imapclient.DialInsecure(s.Addr, opts)
	}
	return nil, fmt.Errorf("imap: security %q: use tls, starttls or plain", s.Security)
}

// Pull implements ingest.Source.
func (s *IMAPSource) Pull(ctx context.Context, cursor string, emit func(ingest.Batch) error) error {
	var cur imapCursor
	if cursor != "" {
		if err := json.Unmarshal([]byte(cursor), &cur); err != nil {
			return fmt.Errorf("imap: saved cursor is damaged: %w", err)
		}
	}
	c, err := s.dial()
	if err != nil {
		return fmt.Errorf("imap: connect to %s: %w", s.Addr, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := c.Login(s.User, s.Password).Wait(); err != nil {
		return fmt.Errorf("imap: log in as %s: %w", s.User, err)
	}
	mailbox := s.Mailbox
	if mailbox == "" {
		mailbox = "INBOX"
	}
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return fmt.Errorf("imap: open %s: %w", mailbox, err)
	}
	if cur.UIDValidity != sel.UIDValidity {
		cur = imapCursor{UIDValidity: sel.UIDValidity} // a new mailbox, or its UIDs were reset: read it all again
	}
	if sel.NumMessages == 0 || (sel.UIDNext != 0 && uint32(sel.UIDNext) <= cur.UID+1) {
		raw, _ := json.Marshal(cur)
		return emit(ingest.Batch{Cursor: string(raw)})
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(cur.UID+1), 0) // last+1:*
	section := &imap.FetchItemBodySection{Peek: true}
	fetch := c.Fetch(set, &imap.FetchOptions{UID: true, InternalDate: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{section}})
	size := s.BatchSize
	if size <= 0 {
		size = 500
	}
	b := newThreadBatcher(emit, size)
	b.cursor = func() string {
		raw, _ := json.Marshal(cur)
		return string(raw)
	}
	for {
		msg := fetch.Next()
		if msg == nil {
			break
		}
		var uid imap.UID
		var internal time.Time
		var body []byte
		cut := false
		for {
			item := msg.Next()
			if item == nil {
				break
			}
			switch it := item.(type) {
			case imapclient.FetchItemDataUID:
				uid = it.UID
			case imapclient.FetchItemDataInternalDate:
				internal = it.Time
			case imapclient.FetchItemDataBodySection:
				body, err = io.ReadAll(io.LimitReader(it.Literal, MaxMessage+1))
				if err != nil {
					fetch.Close()
					return fmt.Errorf("imap: read message: %w", err)
				}
				if len(body) > MaxMessage {
					body, cut = body[:MaxMessage], true
					io.Copy(io.Discard, it.Literal)
				}
			}
		}
		if uint32(uid) <= cur.UID { // "last+1:*" always matches the newest message
			continue
		}
		where := fmt.Sprintf("imap %s UID %d", mailbox, uid)
		if err := s.handle(b, where, body, cut, internal); err != nil {
			fetch.Close()
			return err
		}
		cur.UID = uint32(uid) // after handle: a batch flushed inside it does not yet cover this message
	}
	if err := fetch.Close(); err != nil {
		return fmt.Errorf("imap: fetch: %w", err)
	}
	return b.flush()
}

func (s *IMAPSource) handle(b *threadBatcher, where string, body []byte, cut bool, internal time.Time) error {
	m, err := Parse(bytes.NewReader(body))
	if err != nil {
		return b.problem(ingest.Problem{Where: where, Why: err.Error(), Failed: true})
	}
	if cut {
		m.Notes = append(m.Notes, fmt.Sprintf("message cut at %d MB", MaxMessage>>20))
	}
	rec, p := s.Filter.Record(m, where, internal)
	if p != nil {
		return b.problem(*p)
	}
	return b.add(rec)
}
