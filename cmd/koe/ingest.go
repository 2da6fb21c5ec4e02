package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/sources"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/store"
)

func newIngestCmd(e *env) *cobra.Command {
	var st sources.Settings
	cmd := &cobra.Command{
		Use:   "ingest KIND [--file PATH | --base-url URL …]",
		Short: "Run one source once: chat transcripts, reviews, files",
		Long: `Run one source once and add its voices to the feedback sheet. Re-running adds nothing already
there; API sources continue from their saved cursor. Every record not stored is reported as
WHERE: WHY; the last line is always
  ingested source=KIND read=N new=N duplicate=N skipped=N failed=N

Kinds:
  jsonl --file F       one voice per line; keys id, text, title, email, name, company, date, rating, url
  csv --file F         CSV/TSV of any chat tool or an existing CS feedback sheet (English or Japanese
                       headers: 本文, メール, 会社名, 日時 …; request / tag / insight / who_benefits columns
                       are imported as triage work); --map text=お問い合わせ内容,email=メールアドレス
  itreview --file F    ITreview reviews copied with the site's headings (改善してほしいポイント is the voice)
  intercom             the Intercom API (token in KOE_INTERCOM_TOKEN), or --file with exported conversations
  zendesk --base-url https://SUB.zendesk.com [--email agent@…]   token in KOE_ZENDESK_TOKEN
  appstore --app ID --country jp,us                                 Apple's public review feed
  googleplay --package jp.example.app   service account in KOE_GOOGLE_CREDENTIALS
  g2                   token in KOE_G2_TOKEN
  imap --addr host:993 --user U [--mailbox INBOX] [--security tls|starttls|plain]   password in KOE_IMAP_PASSWORD
  gmail --user support@example.com --query 'to:support@example.com'   service account in KOE_GOOGLE_CREDENTIALS
  mbox --file x.mbox   eml --file a.eml|DIR   mail exported from any client
  Mail: --own-domains example.com skips our own mail; quoted replies and signatures go to context.`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: sources.Kinds,
		RunE: func(cmd *cobra.Command, args []string) error {
			st.Kind = args[0]
			if st.Name == "" {
				st.Name = st.Kind
			}
			src, err := sources.Build(st, e.getenv)
			if err != nil {
				fmt.Fprintln(e.stdout, ingest.Counts{}.Summary(st.Kind))
				return err
			}
			return e.runIngest(cmd, st.Kind, src)
		},
	}
	addSettingsFlags(cmd, &st)
	addConnectKeyFlags(cmd, &st)
	return cmd
}

// addSettingsFlags declares the flags that fill source settings.
func addSettingsFlags(cmd *cobra.Command, st *sources.Settings) {
	f := cmd.Flags()
	f.StringVar(&st.Name, "name", "", "source name (default: the kind); keep it the same for every run of one source, so reruns find their duplicates")
	f.StringVar(&st.File, "file", "", "file to read (jsonl, csv, itreview; intercom export)")
	f.StringVar(&st.Map, "map", "", "FIELD=COLUMN pairs, comma-separated (files)")
	f.StringVar(&st.Preset, "preset", "", "a known column mapping: itreview (csv)")
	f.StringVar(&st.Voice, "kind", "", "what a file's voices are: chat (default), review, email, slack, manual, sheet")
	f.StringVar(&st.TimeZone, "timezone", "", "time zone of dates written without one (default Asia/Tokyo)")
	f.StringVar(&st.BaseURL, "base-url", "", "API base URL (zendesk: https://SUB.zendesk.com; others: for proxies and tests)")
	f.StringVar(&st.AppID, "app", "", "App Store app id (appstore)")
	f.StringVar(&st.Countries, "country", "", "App Store countries, comma-separated: jp,us (appstore)")
	f.StringVar(&st.Package, "package", "", "Android package name (googleplay)")
	f.StringVar(&st.Email, "email", "", "agent email for a Zendesk API token (zendesk)")
	f.StringVar(&st.Since, "since", "", "first run only: tickets updated since this date, 2026-01-01 (zendesk; default a year ago)")
	f.StringVar(&st.TokenEnv, "token-env", "", "environment variable holding the API token (default KOE_INTERCOM_TOKEN, KOE_ZENDESK_TOKEN, KOE_G2_TOKEN)")
	f.StringVar(&st.Credentials, "credentials", "", "Google service-account JSON file (googleplay; gmail with domain-wide delegation)")
	f.StringVar(&st.Addr, "addr", "", "IMAP server host:port (imap)")
	f.StringVar(&st.Security, "security", "", "IMAP connection: tls (default), starttls or plain (imap)")
	f.StringVar(&st.User, "user", "", "IMAP login (imap); the mailbox address, or me (gmail)")
	f.StringVar(&st.Mailbox, "mailbox", "", "IMAP mailbox (imap; default INBOX)")
	f.StringVar(&st.CAFile, "ca-file", "", "PEM file of a private CA the IMAP server's certificate chains to (imap)")
	f.StringVar(&st.Query, "query", "", "Gmail search, e.g. 'to:support@example.com newer_than:30d' (gmail)")
	f.StringVar(&st.OwnDomains, "own-domains", "", "our mail domains, comma-separated: mail from them is skipped (imap, gmail, mbox, eml)")
	f.StringVar(&st.OAuthClient, "oauth-client", "", "OAuth client_secret.json (gmail)")
	f.StringVar(&st.OAuthToken, "oauth-token", "", "saved OAuth token JSON (gmail)")
}

// runIngest runs src through the pipeline, with a progress bar on a terminal, problems on
// stderr and the summary line on stdout.
func (e *env) runIngest(cmd *cobra.Command, kind string, src ingest.Source) error {
	log := e.newLogger()
	db, err := e.openDatabase(cmd.Context(), log, "koe")
	if err != nil {
		fmt.Fprintln(e.stdout, ingest.Counts{}.Summary(kind))
		return err
	}
	defer db.Close()
	bar := newProgress(e.stderr)
	counts, runErr := e.intake(db.DB, log).Ingest(cmd.Context(), src, intake.Run{SourceType: kind, Progress: bar.update,
		Problem: func(pr ingest.Problem) { bar.clear(); fmt.Fprintln(e.stderr, pr.String()) }})
	bar.clear()
	fmt.Fprintln(e.stdout, counts.Summary(kind))
	return e.runError(runErr, counts)
}

// runError is what a run's error says to the person who ran it: a run whose every record failed
// says so in their language (each record's reason is above it).
func (e *env) runError(err error, c ingest.Counts) error {
	if errors.Is(err, ingest.ErrAllFailed) {
		return errors.New(e.say().T("ingest.all_failed", "Count", c.Failed))
	}
	return err
}

// intake is the one door voices come in by, with the Slack rules of the configuration.
func (e *env) intake(db *store.DB, log *slog.Logger) *intake.Service {
	return &intake.Service{DB: db, Rules: e.slackConfig().Messages, ExtraFreeMail: e.cfg.FreeMailDomains, Log: log}
}

// progress draws a one-line bar on a terminal and nothing when output is piped.
type progress struct {
	w     io.Writer
	on    bool
	drawn bool
	start time.Time
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, on: ok && isatty.IsTerminal(f.Fd()), start: time.Now()}
}

func (p *progress) update(c ingest.Counts) {
	if !p.on {
		return
	}
	bar := ""
	if c.Total > 0 {
		frac := float64(c.Done) / float64(c.Total)
		n := int(frac * 30)
		bar = fmt.Sprintf("[%s%s] %3.0f%% ", strings.Repeat("#", n), strings.Repeat(" ", 30-n), frac*100)
	}
	rate := float64(c.Read) / max(time.Since(p.start).Seconds(), 0.001)
	fmt.Fprintf(p.w, "\r%sread=%d new=%d duplicate=%d skipped=%d failed=%d (%.0f/s)\x1b[K", bar, c.Read, c.New, c.Duplicate+c.Updated, c.Skipped, c.Failed, rate)
	p.drawn = true
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}
