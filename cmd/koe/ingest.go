package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/file"
)

// ingestFlags are the flags every `koe ingest KIND` shares.
type ingestFlags struct {
	name string
}

func newIngestCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ingest KIND",
		Short: "Run one source once: chat transcripts, reviews, files",
		Long: `Run one source once and add its voices to the feedback sheet. Re-running adds nothing that is
already there; API sources continue from their saved cursor. Every record that is not stored is
reported as WHERE: WHY, and the last line is always
  ingested source=KIND read=N new=N duplicate=N skipped=N failed=N`,
	}
	cmd.AddCommand(newFileIngestCmd(e, "jsonl", "JSON Lines: one voice per line", "", feedback.SourceChat),
		newFileIngestCmd(e, "csv", "CSV or TSV export of any chat tool, or an existing CS feedback sheet", "", feedback.SourceChat),
		newFileIngestCmd(e, "itreview", "ITreview reviews copied into a CSV/TSV with the site's Japanese headings", "itreview", feedback.SourceReview))
	return cmd
}

func newFileIngestCmd(e *env, kind, short, preset string, defaultKind feedback.SourceKind) *cobra.Command {
	var (
		path, mapping, tz, sourceKind string
		f                             ingestFlags
	)
	cmd := &cobra.Command{
		Use:   kind + " --file PATH",
		Short: short,
		Long: short + `.

Columns (or JSON keys) are found by name, English or Japanese: id, text (本文, 内容), title (件名),
email (メール), name (氏名), company (会社名), date (日時), rating (評価, 満足度), url, context (回答),
and for a feedback sheet request (要望), tag (タグ), insight (インサイト), who_benefits (対象者).
--map text=お問い合わせ内容,email=メールアドレス names them explicitly. A record without an id gets one
derived from its date, email, title and text, so importing the same file again adds nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := file.NewMapping(preset, mapping)
			if err != nil {
				return err
			}
			loc, err := time.LoadLocation(tz)
			if err != nil {
				return fmt.Errorf("--timezone %q: %w", tz, err)
			}
			k := feedback.SourceKind(sourceKind)
			if !k.Valid() {
				return fmt.Errorf("--kind %q: use chat, review, email, slack, manual or sheet", sourceKind)
			}
			format := "csv"
			if kind == "jsonl" {
				format = "jsonl"
			}
			src := &file.Source{Path: path, Format: format, SourceKind: k, SourceName: f.name, Mapping: m, Location: loc}
			return e.runIngest(cmd, kind, src)
		},
	}
	cmd.Flags().StringVar(&path, "file", "", "the file (required)")
	cmd.Flags().StringVar(&mapping, "map", "", "FIELD=COLUMN pairs, comma-separated")
	cmd.Flags().StringVar(&tz, "timezone", "Asia/Tokyo", "time zone of dates written without one")
	cmd.Flags().StringVar(&sourceKind, "kind", string(defaultKind), "what the voices are: chat, review, email, slack, manual or sheet")
	cmd.Flags().StringVar(&f.name, "name", kind, "source name: keep it the same for every export of one tool, so reruns find their duplicates")
	cmd.MarkFlagRequired("file")
	return cmd
}

// runIngest runs src through the pipeline, with a progress bar on a terminal, problems on
// stderr and the summary line on stdout.
func (e *env) runIngest(cmd *cobra.Command, kind string, src ingest.Source) error {
	log := e.newLogger()
	db, err := e.openDatabase(cmd.Context(), log, "koe")
	if err != nil {
		return err
	}
	defer db.Close()
	bar := newProgress(e.stderr)
	p := &ingest.Pipeline{
		Store: db, ExtraFreeMail: e.cfg.FreeMailDomains, Log: log, Progress: bar.update,
		Problem: func(pr ingest.Problem) { bar.clear(); fmt.Fprintln(e.stderr, pr.String()) },
	}
	counts, runErr := p.Run(cmd.Context(), src)
	bar.clear()
	fmt.Fprintln(e.stdout, counts.Summary(kind))
	return runErr
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
