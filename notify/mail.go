// Package notify sends Koe's mail: customers' one-time sign-in links (at once) and the notice
// that one of their requests shipped (through the outbox, exactly once). SMTP through
// github.com/emersion/go-smtp; messages built with github.com/emersion/go-message.
package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/mail"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP sends mail through one SMTP server. Port 465 speaks TLS from the first byte; any other
// port must offer STARTTLS, except a server on a loopback address (a local relay).
type SMTP struct {
	Addr               string // host:port
	Username, Password string
	From               string // "Name <address>"
	// Timeout bounds one delivery (30 s when zero).
	Timeout time.Duration
	// TLS is the TLS configuration (tests trust their own certificate with it).
	TLS *tls.Config
}

// Send delivers one plain-text UTF-8 mail.
func (m *SMTP) Send(ctx context.Context, to, subject, body string) error {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return fmt.Errorf("mail: sender %q: %w", m.From, err)
	}
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		return fmt.Errorf("mail: recipient %q: %w", to, err)
	}
	msg, err := compose(from, rcpt, subject, body, time.Now())
	if err != nil {
		return err
	}
	timeout := m.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, port, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return fmt.Errorf("mail: KOE_SMTP_ADDR %q: %w", m.Addr, err)
	}
	tlsConf := m.TLS
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	// go-smtp sets its own deadline on every command, so a deadline on the connection would be
	// replaced: the timeout closes the connection instead, which ends whatever is waiting.
	dial := func() (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", m.Addr)
		if err != nil {
			return nil, fmt.Errorf("mail: connect to %s: %w", m.Addr, err)
		}
		context.AfterFunc(ctx, func() { conn.Close() }) // ctx ends with Send at the latest
		return conn, nil
	}
	conn, err := dial()
	if err != nil {
		return err
	}
	var c *smtp.Client
	switch {
	case port == "465":
		c = smtp.NewClient(tls.Client(conn, tlsConf))
	case isLoopback(host):
		c = smtp.NewClient(conn)
		if ok, _ := c.Extension("STARTTLS"); ok {
			c.Close()
			if conn, err = dial(); err != nil {
				return err
			}
			if c, err = smtp.NewClientStartTLS(conn, tlsConf); err != nil {
				return fmt.Errorf("mail: STARTTLS with %s: %w", m.Addr, err)
			}
		}
	default:
		if c, err = smtp.NewClientStartTLS(conn, tlsConf); err != nil {
			return fmt.Errorf("mail: STARTTLS with %s (needed to send mail safely; port 465 uses TLS directly): %w", m.Addr, err)
		}
	}
	defer c.Close()
	if m.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", m.Username, m.Password)); err != nil {
			return fmt.Errorf("mail: sign in to %s as %s: %w", m.Addr, m.Username, err)
		}
	}
	if err := c.SendMail(from.Address, []string{rcpt.Address}, bytes.NewReader(msg)); err != nil {
		return fmt.Errorf("mail: send to %s: %w", rcpt.Address, err)
	}
	return c.Quit()
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// compose builds the message: UTF-8 headers encoded as RFC 2047 asks, a quoted-printable body.
func compose(from, to *mail.Address, subject, body string, now time.Time) ([]byte, error) {
	var h gomail.Header
	h.SetDate(now)
	h.SetAddressList("From", []*gomail.Address{{Name: from.Name, Address: from.Address}})
	h.SetAddressList("To", []*gomail.Address{{Name: to.Name, Address: to.Address}})
	h.SetSubject(subject)
	if err := h.GenerateMessageID(); err != nil {
		return nil, fmt.Errorf("mail: message id: %w", err)
	}
	h.Set("Auto-Submitted", "auto-generated")
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	var buf bytes.Buffer
	w, err := gomail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return nil, fmt.Errorf("mail: compose: %w", err)
	}
	if _, err := w.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
