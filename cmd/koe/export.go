package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/safecsv"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/migrations"
	"github.com/koehq/koe/store"
)

func newExportCmd(e *env) *cobra.Command {
	var format, lang string
	cmd := &cobra.Command{
		Use:   "export feedback|roadmap|all [--format csv|jsonl|json]",
		Short: "Write the feedback sheet, the public request list, or everything (a backup), to standard output",
		Long: `Write the whole feedback sheet (every voice with its account, MRR at receipt, tag, insight, who
benefits, linked request and status, oldest first, from one snapshot), or the public request list
(exactly what /roadmap shows: the same privacy filter), to standard output.

CSV starts with a BOM so that Excel opens Japanese text right; jsonl is one object a line; json is
one array.

all writes every table of Koe's data as JSON Lines from one snapshot — a header line, then
{"table": …, "row": …} — for backups and for moving to another instance with ` + "`koe import all`" + `.`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"feedback", "roadmap", "all"},
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			if args[0] == "all" {
				if cmd.Flags().Changed("format") && format != "jsonl" {
					return fmt.Errorf("export all writes JSON Lines only: drop --format %s", format)
				}
				format = "jsonl"
			}
			if format != "csv" && format != "jsonl" && format != "json" {
				return fmt.Errorf("--format %q: use csv, jsonl or json", format)
			}
			if !locale.Supported(lang) {
				return fmt.Errorf("--lang %q: use %s", lang, strings.Join(locale.Languages(), " or "))
			}
			db, err := e.openDatabase(cmd.Context(), e.newLogger(), "koe")
			if err != nil {
				return err
			}
			defer db.Close()
			out := bufio.NewWriterSize(e.stdout, 1<<16)
			defer func() { err = flushed(err, out.Flush) }()
			switch args[0] {
			case "roadmap":
				reqs, err := db.PublicRequests(cmd.Context(), lang, e.cfg.Roadmap.AskedBy)
				if err != nil {
					return err
				}
				switch format {
				case "csv":
					out.WriteString("\ufeff")
					return dashboard.WriteRoadmapCSV(out, reqs, lang, e.cfg.BaseURL, e.cfg.Roadmap.AskedBy)
				case "json":
					if reqs == nil {
						reqs = []feedback.PublicRequest{}
					}
					return json.NewEncoder(out).Encode(reqs)
				}
				enc := json.NewEncoder(out)
				for _, r := range reqs {
					if err := enc.Encode(r); err != nil {
						return err
					}
				}
				return nil
			case "feedback":
				return exportFeedback(cmd, db, out, format, e.cfg.Location)
			case "all":
				return exportAll(cmd, db, out, e.say())
			}
			return fmt.Errorf("export %q: use feedback, roadmap or all", args[0])
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "csv, jsonl or json")
	cmd.Flags().StringVar(&lang, "lang", "ja", "language of the roadmap's titles, notes and status labels: "+strings.Join(locale.Languages(), " or "))
	return cmd
}

// exportFeedback writes the feedback sheet; CSV, for a spreadsheet, gives received_at in RFC 3339
// at loc's offset (KOE_TIMEZONE), the same instant that reads as local time.
func exportFeedback(cmd *cobra.Command, db *database, out *bufio.Writer, format string, loc *time.Location) error {
	ctx := cmd.Context()
	switch format {
	case "csv":
		out.WriteString("\ufeff")
		w := safecsv.NewWriter(out)
		_ = w.Write([]string{"id", "received_at", "source", "source_name", "account", "mrr_at_receipt", "currency", "plan", "employees",
			"author_email", "title", "text", "language", "rating", "sentiment", "tag", "insight", "who_benefits", "request_id", "request", "status", "url"})
		err := db.EachExportRow(ctx, func(r store.VoiceRow) error {
			return w.Write([]string{strconv.FormatInt(r.ID, 10), r.ReceivedAt.In(loc).Format(time.RFC3339), r.Source, r.SourceName, r.Account,
				optInt(r.MRRMinor), r.Currency, r.Plan, optInt(r.Employees), r.Author, r.Title, r.Body, r.Language,
				optFloat(r.Rating), optFloat(r.Sentiment), r.Tag, r.Insight, r.WhoBenefits, optInt(r.RequestID), r.RequestTitle, r.Status, r.URL})
		})
		w.Flush()
		if err == nil {
			err = w.Error()
		}
		return err
	case "json":
		first := true
		out.WriteString("[")
		err := db.EachExportRow(ctx, func(r store.VoiceRow) error {
			if !first {
				out.WriteString(",")
			}
			first = false
			b, err := json.Marshal(r)
			out.Write(b)
			return err
		})
		out.WriteString("]\n")
		return err
	}
	enc := json.NewEncoder(out)
	return db.EachExportRow(ctx, func(r store.VoiceRow) error { return enc.Encode(r) })
}

func optInt[T int | int64](v *T) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(int64(*v), 10)
}

func optFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// backupHeader is the first line of `koe export all`.
type backupHeader struct {
	KoeExport  int       `json:"koe_export"`
	Schema     int64     `json:"schema"`
	ExportedAt time.Time `json:"exported_at"`
	Version    string    `json:"koe_version"`
}

func exportAll(cmd *cobra.Command, db *database, out *bufio.Writer, say locale.Printer) error {
	enc := json.NewEncoder(out)
	if err := enc.Encode(backupHeader{KoeExport: 1, Schema: migrations.Latest(), ExportedAt: time.Now().UTC(), Version: version}); err != nil {
		return err
	}
	n := 0
	err := flushed(db.ExportAll(cmd.Context(), func(table string, row json.RawMessage) error {
		n++
		return enc.Encode(struct {
			Table string          `json:"table"`
			Row   json.RawMessage `json:"row"`
		}{table, row})
	}), out.Flush)
	if err == nil {
		fmt.Fprintln(cmd.ErrOrStderr(), say.T("cli.exported", "Count", n))
	}
	return err
}
