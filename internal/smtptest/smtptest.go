// Package smtptest runs a local SMTP server (github.com/emersion/go-smtp) for tests: it keeps
// every mail it accepts, decoded, and can be told to refuse the next ones.
package smtptest

import (
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"
)

// Mail is one accepted message.
type Mail struct {
	From, To, Subject, Body string
}

// Server is a running test SMTP server.
type Server struct {
	Addr string

	mu     sync.Mutex
	mails  []Mail
	refuse []*smtp.SMTPError
}

// Start starts a server on loopback; it stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }))
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return s
}

// Mails returns the mail accepted so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Refuse makes the next messages fail with these replies, one each (451: try later; 550: never).
func (s *Server) Refuse(errs ...*smtp.SMTPError) {
	s.mu.Lock()
	s.refuse = append(s.refuse, errs...)
	s.mu.Unlock()
}

type session struct {
	srv      *Server
	from, to string
}

func (x *session) Reset()        {}
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = to
	return nil
}

func (x *session) Data(r io.Reader) error {
	x.srv.mu.Lock()
	if len(x.srv.refuse) > 0 {
		err := x.srv.refuse[0]
		x.srv.refuse = x.srv.refuse[1:]
		x.srv.mu.Unlock()
		_, _ = io.Copy(io.Discard, r)
		return err
	}
	x.srv.mu.Unlock()
	mr, err := mail.CreateReader(r)
	if err != nil {
		return err
	}
	subject, _ := mr.Header.Subject()
	var body strings.Builder
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(p.Body)
		body.Write(b)
	}
	x.srv.mu.Lock()
	x.srv.mails = append(x.srv.mails, Mail{From: x.from, To: x.to, Subject: subject, Body: body.String()})
	x.srv.mu.Unlock()
	return nil
}
