package email_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"golang.org/x/text/encoding/japanese"

	"github.com/koehq/koe/ingest/email"
	"github.com/koehq/koe/ingest/sourcetest"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func iso2022(t *testing.T, s string) string {
	out, err := japanese.ISO2022JP.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mimeWord(t *testing.T, s string) string {
	return "=?ISO-2022-JP?B?" + base64.StdEncoding.EncodeToString([]byte(iso2022(t, s))) + "?="
}

func TestIMAPAgainstDovecot(t *testing.T) {
	d := startDovecot(t)
	db := storetest.Open(t)
	first := "From: " + mimeWord(t, "山田 太郎") + " <taro@abc.co.jp>\nTo: support@koe.example\nSubject: " + mimeWord(t, "CSV出力のご要望") +
		"\nMessage-ID: <m1@abc.co.jp>\nDate: Mon, 06 Oct 2026 10:00:00 +0900\nMIME-Version: 1.0\nContent-Type: text/plain; charset=ISO-2022-JP\n\n" +
		iso2022(t, "お世話になっております。\nレポートをCSVで出力したいです。\n\n━━━━━━━━━━━━━━━━\n株式会社ＡＢＣ商事 山田太郎\nTEL 03-1234-5678\n━━━━━━━━━━━━━━━━") + "\n"
	ours := "From: Support <support@koe.example>\nSubject: Re: CSV\nMessage-ID: <m2@koe.example>\nIn-Reply-To: <m1@abc.co.jp>\nReferences: <m1@abc.co.jp>\nDate: Mon, 06 Oct 2026 11:00:00 +0900\n\nWe are on it.\n"
	reply := "From: taro@abc.co.jp\nSubject: Re: CSV\nMessage-ID: <m3@abc.co.jp>\nIn-Reply-To: <m2@koe.example>\nReferences: <m1@abc.co.jp> <m2@koe.example>\nDate: Tue, 07 Oct 2026 09:00:00 +0900\nContent-Type: text/plain; charset=utf-8\n\n月末までに必要です。\n\n2026年10月6日(月) 11:00 Support <support@koe.example>:\n> We are on it.\n"
	auto := "From: hanako@abc.co.jp\nSubject: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("自動返信: 不在です")) + "?=\nMessage-ID: <m4@abc.co.jp>\nAuto-Submitted: auto-replied\n\n不在です。\n"
	news := "From: news@saas.example\nSubject: Newsletter\nMessage-ID: <m5@saas.example>\nList-Unsubscribe: <mailto:u@saas.example>\n\nNews.\n"
	for _, m := range []string{first, ours, reply, auto, news} {
		d.deliver(t, m)
	}
	src := &email.IMAPSource{Addr: d.tlsAddr, User: imapUser, Password: imapPassword, Mailbox: "INBOX", TLSConfig: d.tls,
		SourceName: "support-inbox", Filter: email.Filter{OwnDomains: []string{"koe.example"}}}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.log"))
		t.Fatalf("%v\n%s", err, log)
	}
	if c.Read != 5 || c.New != 1 || c.Updated != 1 || c.Skipped != 3 {
		t.Fatalf("counts %+v, problems %v", c, problems)
	}
	v := sourcetest.Items(t, db)["m1@abc.co.jp"]
	if v.Body != "お世話になっております。\nレポートをCSVで出力したいです。\n\n月末までに必要です。" || v.Title != "CSV出力のご要望" ||
		v.AuthorName != "山田 太郎" || !strings.Contains(v.Context, "TEL 03-1234-5678") || !strings.Contains(v.Context, "> We are on it.") {
		t.Fatalf("thread voice = body %q title %q author %q context %q", v.Body, v.Title, v.AuthorName, v.Context)
	}
	assertUnseen(t, d)

	// Nothing new: nothing read.
	if c, _, err := sourcetest.Run(t, db, src); err != nil || c.Read != 0 {
		t.Fatalf("quiet run: %+v %v", c, err)
	}
	// A new message, read over STARTTLS this time.
	d.deliver(t, "From: emma@globex.com\nSubject: SSO\nMessage-ID: <m6@globex.com>\nDate: Wed, 08 Oct 2026 09:00:00 +0000\n\nDo you support SAML SSO?\n\n-- \nEmma\n")
	src.Addr, src.Security = d.plainAddr, "starttls"
	if c, _, err := sourcetest.Run(t, db, src); err != nil || c.Read != 1 || c.New != 1 {
		t.Fatalf("new message: %+v %v", c, err)
	}
	// UIDVALIDITY changes (the mailbox was rebuilt): everything is read again, nothing doubles.
	d.restart(t, func() {
		time.Sleep(1100 * time.Millisecond) // dovecot takes the clock's second as the new UIDVALIDITY
		matches, _ := filepath.Glob(filepath.Join(d.maildir, "dovecot*"))
		for _, m := range matches {
			os.Remove(m)
		}
	})
	src.Security = "plain"
	c, _, err = sourcetest.Run(t, db, src)
	if err != nil || c.Read != 6 || c.New != 0 {
		t.Fatalf("after UIDVALIDITY changed: %+v %v", c, err)
	}
	if got := sourcetest.Items(t, db)["m1@abc.co.jp"].Body; strings.Count(got, "月末までに必要です。") != 1 {
		t.Fatalf("the re-scan doubled the thread: %q", got)
	}
	if len(sourcetest.Items(t, db)) != 2 {
		t.Fatalf("voices = %d, want 2", len(sourcetest.Items(t, db)))
	}

	src.Password = "wrong"
	if _, _, err := sourcetest.Run(t, db, src); err == nil || !strings.Contains(err.Error(), "log in as cs") {
		t.Fatalf("wrong password: %v", err)
	}
}

// assertUnseen checks that reading marked nothing as read.
func assertUnseen(t *testing.T, d *dovecot) {
	t.Helper()
	c, err := imapclient.DialTLS(d.tlsAddr, &imapclient.Options{TLSConfig: d.tls})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(imapUser, imapPassword).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{Flag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(data.AllUIDs()); n != 0 {
		t.Fatalf("%d messages were marked read", n)
	}
}
