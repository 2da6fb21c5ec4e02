package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/safecsv"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/triage"
)

// filterFlags fill a backlog filter.
type filterFlags struct {
	from, to, tag, plan, lifecycle, mrrBand, employees, source, language string
}

func (f *filterFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.from, "from", "", "voices received on or after this date (2026-01-01)")
	fl.StringVar(&f.to, "to", "", "voices received before this date")
	fl.StringVar(&f.tag, "tag", "", "churn_risk, expansion, usability or internal_efficiency")
	fl.StringVar(&f.plan, "plan", "", "accounts on this plan")
	fl.StringVar(&f.lifecycle, "lifecycle", "", "prospect, customer or churned")
	fl.StringVar(&f.mrrBand, "mrr-band", "", "<50k, 50k-200k, 200k-500k, 500k-1M or 1M+")
	fl.StringVar(&f.employees, "employees", "", "1-49, 50-249, 250-999 or 1000+")
	fl.StringVar(&f.source, "source", "", "chat, review, email, slack, manual or sheet")
	fl.StringVar(&f.language, "language", "", "ja, en or other")
}

func (f *filterFlags) filter() (feedback.BacklogFilter, error) {
	values := map[string]string{"from": f.from, "to": f.to, "tag": f.tag, "plan": f.plan, "lifecycle": f.lifecycle,
		"mrr_band": f.mrrBand, "employees": f.employees, "source": f.source, "language": f.language}
	return feedback.ParseBacklogFilter(func(k string) string { return values[k] },
		func(k string) string { return "--" + strings.ReplaceAll(k, "_", "-") })
}

func newRankCmd(e *env) *cobra.Command {
	var (
		format, status string
		limit          int
		weights        string
		breakdown      bool
		ff             filterFlags
	)
	cmd := &cobra.Command{
		Use:   "rank [--format table|json|csv] [--status all|STATUS,…] [--breakdown]",
		Short: "The backlog ranked by revenue at stake per year, with its breakdown",
		Long: `Rank requests by revenue at stake per year: over the distinct accounts whose voices are linked
to a request, each account once with its strongest reason — churn (MRR × churn probability),
expansion (CRM estimate or MRR × uplift), pipeline (a prospect's deal × win probability), other
(MRR × a small weight) — × 12, decayed by the age of the account's newest voice. The weights are
the saved ones (or the defaults); --weights FILE.json overrides them for this run.

Open requests (under review, planned, in progress) are ranked unless --status says otherwise.
Amounts are in the base currency (KOE_CURRENCY), converted with the rates of "koe rates set"; an
account whose currency has no rate is left out, with a warning. With --breakdown, --format csv
gives one row per request and account: reason, MRR in its currency and in the base one, rate,
probability, decay, the working.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := ff.filter()
			if err != nil {
				return err
			}
			statuses, err := feedback.ParseStatuses(status, "--status")
			if err != nil {
				return err
			}
			db, err := e.openDatabase(cmd.Context(), e.newLogger(), "koe")
			if err != nil {
				return err
			}
			defer db.Close()
			w, err := triage.Weights(cmd.Context(), db.DB)
			if err != nil {
				return err
			}
			if weights != "" {
				if err := readJSONFile(weights, &w); err != nil {
					return err
				}
				if err := w.Validate(); err != nil {
					return err
				}
			}
			explain := -1
			if limit > 0 {
				explain = limit
			}
			b, err := triage.Rank(cmd.Context(), db.DB, triage.Query{Filter: f, Statuses: statuses, Currency: e.cfg.Currency}, w, time.Now(), explain)
			if err != nil {
				return err
			}
			p := e.say()
			for _, m := range b.Missing {
				fmt.Fprintln(e.stderr, p.T("cli.rank_missing_rate", "Currency", m.Currency, "Count", len(m.Accounts)))
			}
			ranked := b.Requests
			if limit > 0 && len(ranked) > limit {
				ranked = ranked[:limit]
			}
			if breakdown {
				return writeBreakdown(e, format, ranked, b.Rates.Base)
			}
			return writeRanking(e, format, ranked, b.Rates.Base)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "table, json or csv")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many requests (0: all)")
	cmd.Flags().StringVar(&weights, "weights", "", "JSON file of weights for this run")
	cmd.Flags().StringVar(&status, "status", "", "all, or statuses comma-separated (under_review, planned, in_progress, shipped, declined); default: the open ones")
	cmd.Flags().BoolVar(&breakdown, "breakdown", false, "one row per request and account (csv, json)")
	ff.add(cmd)
	return cmd
}

// writeBreakdown writes one row per request and account: CSV with headers in the reader's
// language, or JSON lines of the same columns (BreakdownColumns as keys).
func writeBreakdown(e *env, format string, ranked []scoring.Ranked, base string) error {
	p := e.say()
	switch format {
	case "csv":
		w := safecsv.NewWriter(e.stdout)
		for _, row := range triage.BreakdownRows(p, ranked, base, e.cfg.Location, true) {
			_ = w.Write(row)
		}
		w.Flush()
		return w.Error()
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, row := range triage.BreakdownRows(p, ranked, base, e.cfg.Location, false) {
			m := make(map[string]string, len(row))
			for i, c := range triage.BreakdownColumns {
				m[c] = row[i]
			}
			if err := enc.Encode(m); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("--breakdown: use --format csv or json")
}

func writeRanking(e *env, format string, ranked []scoring.Ranked, base string) error {
	money := feedback.Rates{Base: base}.Format
	switch format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if ranked == nil {
			ranked = []scoring.Ranked{}
		}
		return enc.Encode(ranked)
	case "csv":
		w := safecsv.NewWriter(e.stdout)
		w.Write([]string{"rank", "request_id", "title", "status", "score", "accounts", "mrr_total", "churn", "expansion", "pipeline", "other"})
		for _, r := range ranked {
			w.Write([]string{strconv.Itoa(r.Rank), strconv.FormatInt(r.RequestID, 10), r.Title, string(r.Status), ftoa(r.Score),
				strconv.Itoa(r.Accounts), strconv.FormatInt(r.MRRTotal, 10), ftoa(r.Churn), ftoa(r.Expansion), ftoa(r.Pipeline), ftoa(r.Other)})
		}
		w.Flush()
		return w.Error()
	case "table":
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(w, e.say().T("cli.rank_columns"))
		for _, r := range ranked {
			fmt.Fprintf(w, "%d\t%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t  %s\n", r.Rank, r.RequestID, money(r.Score), r.Accounts,
				money(float64(r.MRRTotal)), money(r.Churn), money(r.Expansion), money(r.Pipeline), money(r.Other), r.Title)
		}
		return w.Flush()
	}
	return fmt.Errorf("--format %q: use table, json or csv", format)
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
