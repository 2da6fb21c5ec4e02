package email_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koehq/koe/ingest/email"
	"github.com/koehq/koe/ingest/sourcetest"
	"github.com/koehq/koe/internal/storetest"
)

const mboxSample = `From taro@abc.co.jp Mon Oct  6 10:00:00 2026
From: taro@abc.co.jp
Subject: CSV
Message-ID: <f1@abc.co.jp>
Date: Mon, 06 Oct 2026 10:00:00 +0900

CSVで出力したいです。
>From the old days, a quoted From line.

From support@koe.example Mon Oct  6 11:00:00 2026
From: support@koe.example
Subject: Re: CSV
Message-ID: <f2@koe.example>
References: <f1@abc.co.jp>

On it.

From broken Mon Oct  6 12:00:00 2026
this is not a message header at all

From emma@globex.com Tue Oct  7 09:00:00 2026
From: emma@globex.com
Subject: Dark mode
Message-ID: <f3@globex.com>

Please add dark mode.
`

func TestMboxAndEml(t *testing.T) {
	db := storetest.Open(t)
	dir := t.TempDir()
	mbox := filepath.Join(dir, "export.mbox")
	os.WriteFile(mbox, []byte(mboxSample), 0o644)
	src := &email.FileSource{Path: mbox, Mbox: true, SourceName: "mail-export", Filter: email.Filter{OwnDomains: []string{"koe.example"}}}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil || c.Read != 4 || c.New != 2 || c.Skipped != 1 || c.Failed != 1 {
		t.Fatalf("counts %+v problems %v err %v", c, problems, err)
	}
	if !strings.Contains(problems[1], "export.mbox:18") {
		t.Fatalf("the broken message is not named by line: %v", problems)
	}
	if !strings.HasSuffix(problems[0], "export.mbox:10 <f2@koe.example>: mail from our own domain (support@koe.example)") {
		t.Fatalf("a skipped mail is not named by line and Message-ID: %v", problems)
	}
	if v := sourcetest.Items(t, db)["f1@abc.co.jp"]; v.Body != "CSVで出力したいです。\nFrom the old days, a quoted From line." {
		t.Fatalf("mboxrd unescaping: %q", v.Body)
	}
	if c, _, _ := sourcetest.Run(t, db, src); c.New != 0 || c.Duplicate+c.Updated != 2 {
		t.Fatalf("rerun: %+v", c)
	}

	emls := filepath.Join(dir, "emls")
	os.MkdirAll(filepath.Join(emls, "sub"), 0o755)
	os.WriteFile(filepath.Join(emls, "a.eml"), []byte("From: emma@globex.com\r\nSubject: Re: Dark mode\r\nMessage-ID: <f4@globex.com>\r\nIn-Reply-To: <f3@globex.com>\r\n\r\nAnd a high-contrast theme.\r\n"), 0o644)
	os.WriteFile(filepath.Join(emls, "sub", "b.EML"), []byte("From: ken@minato.co.jp\r\nSubject: SSO\r\nMessage-ID: <f5@minato.co.jp>\r\n\r\nSSO対応の予定は？\r\n"), 0o644)
	os.WriteFile(filepath.Join(emls, "notes.txt"), []byte("not mail"), 0o644)
	eml := &email.FileSource{Path: emls, SourceName: "mail-export"}
	c, _, err = sourcetest.Run(t, db, eml)
	if err != nil || c.Read != 2 || c.New != 1 || c.Updated != 1 {
		t.Fatalf("eml dir: %+v %v", c, err)
	}
	if v := sourcetest.Items(t, db)["f3@globex.com"]; v.Body != "Please add dark mode.\n\nAnd a high-contrast theme." {
		t.Fatalf("thread across files: %q", v.Body)
	}
}

// writeMbox writes n messages in m threads, alternating Japanese and English.
func writeMbox(tb testing.TB, n int) string {
	path := filepath.Join(tb.TempDir(), "big.mbox")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	for i := 0; i < n; i++ {
		thread := i - i%4
		refs := ""
		if i != thread {
			refs = fmt.Sprintf("References: <m%d@c%d.co.jp>\n", thread, thread%500)
		}
		body := "レポートをCSVで出力したいです。毎月の締め作業で困っています。"
		if i%2 == 1 {
			body = "We would love to export reports to CSV.\n\nOn Mon, Oct 6, 2026 at 10:00 AM Support <s@koe.example> wrote:\n> Thanks"
		}
		fmt.Fprintf(f, "From x@c%d.co.jp Mon Oct  6 10:00:00 2026\nFrom: user%d@c%d.co.jp\nSubject: Re: CSV %d\nMessage-ID: <m%d@c%d.co.jp>\n%sDate: Mon, 06 Oct 2026 10:00:00 +0900\nContent-Type: text/plain; charset=utf-8\n\n%s\n\n",
			i%500, i%50, i%500, thread, i, i%500, refs, body)
	}
	return path
}

// BenchmarkMbox100k ingests a 100,000-message mbox (25,000 threads) and reports messages/s.
func BenchmarkMbox100k(b *testing.B) {
	path := writeMbox(b, 100_000)
	for b.Loop() {
		b.StopTimer()
		db := storetest.Open(b)
		b.StartTimer()
		src := &email.FileSource{Path: path, Mbox: true, SourceName: "bench"}
		c, _, err := sourcetest.Run(b, db, src)
		if err != nil || c.Read != 100_000 {
			b.Fatalf("%+v %v", c, err)
		}
		b.ReportMetric(float64(c.Read)/b.Elapsed().Seconds(), "messages/s")
	}
}

// TestEmlWithMboxFromLine: many clients save a single message with the mbox "From " line on top;
// such a file was refused as "malformed MIME header key". The line is dropped, and its date
// dates a message that has no Date header.
func TestEmlWithMboxFromLine(t *testing.T) {
	db := storetest.Open(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.eml"), []byte("From taro@abc.co.jp Mon Oct  6 10:00:00 2026\r\nFrom: taro@abc.co.jp\r\nSubject: CSV\r\nMessage-ID: <e1@abc.co.jp>\r\n\r\nCSVで出力したいです。\r\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.eml"), []byte("From: emma@globex.com\nSubject: SSO\nMessage-ID: <e2@globex.com>\nDate: Tue, 07 Oct 2026 09:00:00 +0000\n\nSSO please.\n"), 0o644)
	src := &email.FileSource{Path: dir, SourceName: "eml"}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil || c.New != 2 || c.Failed != 0 {
		t.Fatalf("counts %+v problems %v err %v", c, problems, err)
	}
	v := sourcetest.Items(t, db)["e1@abc.co.jp"]
	if v.Body != "CSVで出力したいです。" || v.ReceivedAt.UTC().Format("2006-01-02 15:04") != "2026-10-06 10:00" {
		t.Fatalf("voice = %q at %v", v.Body, v.ReceivedAt)
	}
}

// TestMailWithBadBytesCostsNoBatch: a mail with a NUL byte or a byte that is not UTF-8 in its
// body made PostgreSQL refuse the whole batch (an IMAP run then stalled on it for good). Every
// mail lands; the bad one is named by file, line and Message-ID.
func TestMailWithBadBytesCostsNoBatch(t *testing.T) {
	db := storetest.Open(t)
	mbox := filepath.Join(t.TempDir(), "bad.mbox")
	os.WriteFile(mbox, []byte("From a Mon Oct  6 10:00:00 2026\nFrom: a@abc.co.jp\nSubject: one\nMessage-ID: <n1@abc.co.jp>\n\nfirst\n\n"+
		"From b Mon Oct  6 10:00:00 2026\nFrom: b@abc.co.jp\nSubject: nul\nMessage-ID: <n2@abc.co.jp>\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nCSV\x00 please\n\n"+
		"From c Mon Oct  6 10:00:00 2026\nFrom: c@abc.co.jp\nSubject: ff\nMessage-ID: <n3@abc.co.jp>\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nbad \xff byte\n\n"+
		"From d Mon Oct  6 10:00:00 2026\nFrom: d@abc.co.jp\nSubject: last\nMessage-ID: <n4@abc.co.jp>\n\nlast\n"), 0o644)
	src := &email.FileSource{Path: mbox, Mbox: true, SourceName: "bad-mail"}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil || c.New != 4 || c.Failed != 0 {
		t.Fatalf("counts %+v problems %q err %v", c, problems, err)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "bad.mbox:8 <n2@abc.co.jp>: NUL characters") {
		t.Fatalf("problems = %q", problems)
	}
	if got := sourcetest.Items(t, db)["n2@abc.co.jp"].Body; got != "CSV please" {
		t.Fatalf("body = %q", got)
	}
	if c, _, err := sourcetest.Run(t, db, src); err != nil || c.New != 0 {
		t.Fatalf("rerun = %+v %v", c, err)
	}
}
