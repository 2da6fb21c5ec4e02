package notify_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/internal/smtptest"
	"github.com/koehq/koe/notify"
)

func TestSMTPSendsJapanese(t *testing.T) {
	srv := smtptest.Start(t)
	m := &notify.SMTP{Addr: srv.Addr, From: "株式会社アクメ <roadmap@acme.example>"}
	body := "御社からいただいたリクエストをリリースしました。\n" + strings.Repeat("長い行", 60) + "\n"
	if err := m.Send(context.Background(), "Taro <taro@customer.example>", "リリースしました: CSVで書き出す", body); err != nil {
		t.Fatal(err)
	}
	got := srv.Mails()
	if len(got) != 1 || got[0].To != "taro@customer.example" || got[0].From != "roadmap@acme.example" ||
		got[0].Subject != "リリースしました: CSVで書き出す" || strings.ReplaceAll(got[0].Body, "\r\n", "\n") != body {
		t.Fatalf("mail = %+v", got)
	}
	if err := m.Send(context.Background(), "not an address", "s", "b"); err == nil || !strings.Contains(err.Error(), "recipient") {
		t.Errorf("bad recipient: %v", err)
	}
	if err := (&notify.SMTP{Addr: "127.0.0.1:1", From: "a@b.example"}).Send(context.Background(), "c@d.example", "s", "b"); err == nil ||
		!strings.Contains(err.Error(), "connect to 127.0.0.1:1") {
		t.Errorf("refused port: %v", err)
	}
}

// TestSMTPTimeout: a server that accepts and then says nothing does not hold Send past its timeout.
func TestSMTPTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // silent: no greeting
		}
	}()
	start := time.Now()
	err = (&notify.SMTP{Addr: ln.Addr().String(), From: "a@b.example", Timeout: 300 * time.Millisecond}).Send(context.Background(), "c@d.example", "s", "b")
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("Send against a silent server: %v after %s", err, time.Since(start))
	}
}
