package email

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
)

// Filter says which mail is ours, not a customer's.
type Filter struct {
	// OwnDomains are our company's mail domains: mail from them is skipped.
	OwnDomains []string
}

func (f Filter) own(email string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	domain := strings.ToLower(email[at+1:])
	for _, d := range f.OwnDomains {
		d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
		if d != "" && (domain == d || strings.HasSuffix(domain, "."+d)) {
			return true
		}
	}
	return false
}

var replyPrefix = regexp.MustCompile(`(?i)^\s*((re|fw|fwd|aw|sv|返信|転送|回答)\s*(\[\d+\])?\s*[:：]\s*)+`)

// Record turns a parsed message into a voice: one voice per thread (its id is the thread's first
// Message-ID), holding the customer's new words; quoted mail and signatures go to context. Mail
// that is not feedback is a skipped problem naming why. received is used when the message has no
// usable Date header (IMAP's internal date, Gmail's internalDate).
func (f Filter) Record(m *Message, where string, received time.Time) (ingest.Record, *ingest.Problem) {
	where += " <" + m.MessageID + ">" // the file and line, or the UID, and the mail as its sender knows it
	skip := func(why string) (ingest.Record, *ingest.Problem) {
		return ingest.Record{}, &ingest.Problem{Where: where, Why: why}
	}
	if m.NotFeedback != "" {
		return skip("not feedback: " + m.NotFeedback)
	}
	if m.FromEmail == "" && m.FromName == "" {
		return skip("no sender")
	}
	if f.own(m.FromEmail) {
		return skip("mail from our own domain (" + m.FromEmail + ")")
	}
	words, context := Split(m.Text)
	if words == "" {
		return skip("no new words (only quoted mail or a signature)")
	}
	var notes []string
	for _, n := range m.Notes {
		notes = append(notes, "(Koe: "+n+")")
	}
	if m.Attachments > 0 {
		notes = append(notes, fmt.Sprintf("(Koe: %d attachment(s) not kept)", m.Attachments))
	}
	if len(notes) > 0 {
		context = strings.TrimSpace(strings.Join(notes, "\n") + "\n" + context)
	}
	at := m.Date
	if at.IsZero() || at.After(time.Now().Add(48*time.Hour)) {
		at = received
	}
	raw, _ := json.Marshal(map[string]any{
		"message_ids": []string{m.MessageID}, "messages": []threadMessage{{ID: m.MessageID, Words: words, Context: context}},
		"in_reply_to": m.InReplyTo, "references": m.References,
		"from": m.FromEmail, "subject": m.Subject, "attachments": m.Attachments, "notes": m.Notes, "size": len(m.Raw),
	})
	return ingest.Record{Item: feedback.Item{
		SourceID: m.ThreadID(), ReceivedAt: at, AuthorName: m.FromName, AuthorEmail: m.FromEmail,
		Title: replyPrefix.ReplaceAllString(m.Subject, ""), Body: words, Context: context, Raw: raw,
	}, Where: where}, nil
}

// threadMessage is one message of a thread as a voice carries it in raw.messages, so that the
// store can add exactly the messages it does not have yet.
type threadMessage struct {
	ID      string `json:"id"`
	Words   string `json:"words"`
	Context string `json:"context,omitempty"`
}

// threadBatcher hands records over in batches. A later message of a thread already in the batch
// is merged into that thread's record (its words after the earlier ones), so that a batch holds
// one record per thread.
type threadBatcher struct {
	emit    func(ingest.Batch) error
	size    int
	cur     ingest.Batch
	threads map[string]int // thread id → index in cur.Records
	// cursor, when set, gives the source's position to save with each batch: it must cover no
	// message that is not in this batch or an earlier one.
	cursor func() string
}

func newThreadBatcher(emit func(ingest.Batch) error, size int) *threadBatcher {
	return &threadBatcher{emit: emit, size: size, threads: map[string]int{}}
}

func (b *threadBatcher) add(r ingest.Record) error {
	if i, ok := b.threads[r.Item.SourceID]; ok {
		merge(&b.cur.Records[i], r)
		b.cur.Merged++
		return nil
	}
	b.threads[r.Item.SourceID] = len(b.cur.Records)
	b.cur.Records = append(b.cur.Records, r)
	if len(b.cur.Records)+len(b.cur.Problems) >= b.size {
		return b.flush()
	}
	return nil
}

// merge adds a later message of the same thread to its record.
func merge(into *ingest.Record, later ingest.Record) {
	var a, b map[string]json.RawMessage
	json.Unmarshal(into.Item.Raw, &a)
	json.Unmarshal(later.Item.Raw, &b)
	var ids, moreIDs []string
	var msgs, moreMsgs []threadMessage
	json.Unmarshal(a["message_ids"], &ids)
	json.Unmarshal(b["message_ids"], &moreIDs)
	json.Unmarshal(a["messages"], &msgs)
	json.Unmarshal(b["messages"], &moreMsgs)
	for i, id := range moreIDs {
		if slices.Contains(ids, id) {
			continue
		}
		ids = append(ids, id)
		if i < len(moreMsgs) {
			msgs = append(msgs, moreMsgs[i])
		}
	}
	a["message_ids"], _ = json.Marshal(ids)
	a["messages"], _ = json.Marshal(msgs)
	into.Item.Raw, _ = json.Marshal(a)
	var words, ctx []string
	for _, m := range msgs {
		words = append(words, m.Words)
		if m.Context != "" {
			ctx = append(ctx, m.Context)
		}
	}
	into.Item.Body, into.Item.Context = strings.Join(words, "\n\n"), strings.Join(ctx, "\n\n")
	if into.Item.AuthorEmail == "" {
		into.Item.AuthorName, into.Item.AuthorEmail = later.Item.AuthorName, later.Item.AuthorEmail
	}
}

func (b *threadBatcher) problem(p ingest.Problem) error {
	b.cur.Problems = append(b.cur.Problems, p)
	if len(b.cur.Records)+len(b.cur.Problems) >= b.size {
		return b.flush()
	}
	return nil
}

// flush emits what is collected, with the source's cursor when it keeps one.
func (b *threadBatcher) flush() error {
	cursor := ""
	if b.cursor != nil {
		cursor = b.cursor()
	}
	if len(b.cur.Records)+len(b.cur.Problems) == 0 && cursor == "" {
		return nil
	}
	b.cur.Cursor = cursor
	err := b.emit(b.cur)
	b.cur = ingest.Batch{}
	b.threads = map[string]int{}
	return err
}
