// Package email turns customers' emails into voices: MIME (multipart, nested, attachments
// counted and dropped), charsets (ISO-2022-JP, Shift_JIS/CP932, EUC-JP, UTF-8, RFC 2047 headers),
// the customer's own words apart from quoted replies and signatures, threads, and mail that is
// not feedback (auto-replies, bounces, newsletters, our own). Sources: IMAP, Gmail, mbox and .eml
// files.
package email

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // ISO-2022-JP, Shift_JIS, EUC-JP … for bodies and RFC 2047 headers
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
	"golang.org/x/text/encoding/charmap"

	"github.com/koehq/koe/ingest/textproc"
	"github.com/koehq/koe/internal/textenc"
)

// Limits on what one message may cost.
const (
	MaxMessage = 25 << 20 // bytes read of one message; the rest is cut, and the voice says so
	MaxParts   = 500      // MIME parts walked
	MaxDepth   = 16       // multipart nesting
)

// Message is what Koe reads of one email.
type Message struct {
	MessageID  string
	InReplyTo  []string
	References []string
	FromName   string
	FromEmail  string
	Date       time.Time
	Subject    string
	// Text is the message's text: text/plain, else HTML turned into text.
	Text        string
	Attachments int
	// Notes are things a reader should know: an unknown charset, a cut message.
	Notes []string
	// NotFeedback says why this is no customer's voice (auto-reply, bounce, newsletter), or "".
	NotFeedback string
	Raw         []byte
}

// ThreadID is the first message of the thread this one belongs to, as far as the headers know.
func (m *Message) ThreadID() string {
	switch {
	case len(m.References) > 0:
		return m.References[0]
	case len(m.InReplyTo) > 0:
		return m.InReplyTo[0]
	}
	return m.MessageID
}

// Parse reads one RFC 5322 message of at most MaxMessage bytes from r.
func Parse(r io.Reader) (*Message, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxMessage+1))
	if err != nil {
		return nil, err
	}
	m := &Message{}
	if len(raw) > MaxMessage {
		raw = raw[:MaxMessage]
		m.Notes = append(m.Notes, fmt.Sprintf("message cut at %d MB", MaxMessage>>20))
	}
	m.Raw = raw
	registerLabels()
	e, topErr := message.ReadWithOptions(bytes.NewReader(raw), &message.ReadOptions{MaxHeaderBytes: 2 << 20})
	if topErr != nil && !message.IsUnknownCharset(topErr) && !message.IsUnknownEncoding(topErr) {
		return nil, fmt.Errorf("not a mail message: %w", topErr)
	}
	h := mail.Header{Header: e.Header}
	m.readHeader(h)
	var plain, html []string
	parts, leaf := 0, -1
	walkErr := walk(e, 0, &parts, topErr, func(part *message.Entity, partErr error) {
		leaf++
		ct, params, _ := part.Header.ContentType()
		if ct == "" {
			ct = "text/plain"
		}
		disp, dparams, _ := part.Header.ContentDisposition()
		switch {
		// A named text part is a file, whether or not it says attachment (logs and CSVs come
		// as text/plain with only a name).
		case disp == "attachment", strings.HasPrefix(ct, "text/") && (params["name"] != "" || dparams["filename"] != ""):
			m.Attachments++
			return
		case strings.HasPrefix(ct, "image/") && (disp == "inline" || part.Header.Get("Content-Id") != ""):
			return // an inline image: dropped, not counted
		case ct != "text/plain" && ct != "text/html":
			m.Attachments++
			return
		}
		body, err := io.ReadAll(io.LimitReader(part.Body, MaxMessage))
		text := string(body)
		var corrupt base64.CorruptInputError
		switch {
		case errors.As(err, &corrupt) && strings.EqualFold(strings.TrimSpace(part.Header.Get("Content-Transfer-Encoding")), "base64"):
			// Labelled base64, sent as it is (some mailers do): read the text it is.
			if rawBody, ok := rawLeaf(raw, leaf); ok {
				text, _ = decodeCharset(strings.ToLower(params["charset"]), rawBody)
				m.Notes = append(m.Notes, "a text part labelled base64 is not base64: read as it is")
				break
			}
			fallthrough
		case err != nil && len(body) == 0:
			m.Notes = append(m.Notes, "a part could not be read: "+err.Error())
			return
		case partErr != nil && message.IsUnknownCharset(partErr) || !utf8.ValidString(text):
			text = bestEffort(body)
			m.Notes = append(m.Notes, fmt.Sprintf("unknown charset %q: decoded as best possible", params["charset"]))
		case shiftJIS(params["charset"]):
			text = textenc.YenSign(text)
		}
		if ct == "text/html" {
			html = append(html, textproc.HTMLToText(text))
		} else {
			plain = append(plain, text)
		}
	})
	if walkErr != nil {
		m.Notes = append(m.Notes, walkErr.Error())
	}
	if len(plain) > 0 {
		m.Text = strings.Join(plain, "\n\n")
	} else {
		m.Text = strings.Join(html, "\n\n")
	}
	m.Text = textproc.Whitespace(m.Text)
	m.NotFeedback = notFeedback(h, e, m)
	return m, nil
}

// rawLeaf returns the body of the want-th leaf part of raw (in walk's order) as it is written,
// before any transfer decoding.
func rawLeaf(raw []byte, want int) ([]byte, bool) {
	br := bufio.NewReader(bytes.NewReader(raw))
	h, err := textproto.ReadHeader(br)
	if err != nil {
		return nil, false
	}
	n := 0
	var visit func(h textproto.Header, body io.Reader, depth int) ([]byte, bool)
	visit = func(h textproto.Header, body io.Reader, depth int) ([]byte, bool) {
		ct, params, _ := (&message.Header{Header: h}).ContentType()
		if !strings.HasPrefix(ct, "multipart/") {
			if n++; n-1 != want {
				return nil, false
			}
			b, err := io.ReadAll(io.LimitReader(body, MaxMessage))
			return b, err == nil
		}
		if depth >= MaxDepth {
			return nil, false
		}
		mr := textproto.NewMultipartReader(body, params["boundary"])
		for n <= want {
			p, err := mr.NextPart()
			if err != nil {
				return nil, false
			}
			if b, ok := visit(p.Header, p, depth+1); ok {
				return b, true
			}
		}
		return nil, false
	}
	return visit(h, br, 0)
}

// walk visits the leaf parts of e, depth first, within MaxDepth and MaxParts.
func walk(e *message.Entity, depth int, parts *int, leafErr error, visit func(*message.Entity, error)) error {
	mr := e.MultipartReader()
	if mr == nil {
		*parts++
		visit(e, leafErr)
		return nil
	}
	if depth >= MaxDepth {
		return fmt.Errorf("MIME nested deeper than %d levels: the rest was left out", MaxDepth)
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && p == nil {
			return fmt.Errorf("MIME structure broken (%v): the rest was left out", err)
		}
		if *parts >= MaxParts {
			return fmt.Errorf("more than %d MIME parts: the rest was left out", MaxParts)
		}
		if p.MultipartReader() != nil {
			if werr := walk(p, depth+1, parts, err, visit); werr != nil {
				return werr
			}
			continue
		}
		*parts++
		visit(p, err)
	}
}

func (m *Message) readHeader(h mail.Header) {
	id, err := h.MessageID()
	if err != nil || id == "" {
		id = strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
	}
	m.MessageID = id
	m.InReplyTo, _ = h.MsgIDList("In-Reply-To")
	m.References, _ = h.MsgIDList("References")
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		m.FromName, m.FromEmail = from[0].Name, strings.ToLower(from[0].Address)
	} else if raw := h.Get("From"); raw != "" {
		m.FromName, m.FromEmail = firstAddress(raw)
	}
	m.Date, _ = h.Date()
	// Words in a charset nobody knows are decoded as best possible.
	m.Subject, _ = decodeHeader(h.Get("Subject"))
	// Raw 8-bit headers in an undeclared charset (it happens): decode them as best possible.
	if !utf8.ValidString(m.Subject) {
		m.Subject = bestEffort([]byte(m.Subject))
	}
	if !utf8.ValidString(m.FromName) {
		m.FromName = bestEffort([]byte(m.FromName))
	}
	if !utf8.ValidString(m.MessageID) {
		m.MessageID = strings.ToValidUTF8(m.MessageID, "?")
	}
	if m.MessageID == "" { // nothing to recognise it by: derive one from what it says
		sum := sha256.Sum256(m.Raw[:min(len(m.Raw), 64<<10)])
		m.MessageID = "sha256-" + hex.EncodeToString(sum[:12]) + "@koe.invalid"
	}
}

// bestEffort decodes bytes in an unknown charset: UTF-8 if it is, a Japanese legacy encoding if
// one fits, else Latin-1 (which never fails).
func bestEffort(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	if text, _, err := textenc.Decode(b); err == nil {
		return text
	}
	out, _ := charmap.ISO8859_1.NewDecoder().Bytes(b)
	return string(out)
}
