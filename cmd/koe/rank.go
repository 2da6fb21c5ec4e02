package main

import (
	"context"
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
	"github.com/koehq/koe/store"
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
	fl.StringVar(&f.plan, "plan", "", "accounts on this plan, any case (koe rank --choices lists them)")
	fl.StringVar(&f.lifecycle, "lifecycle", "", "prospect, customer or churned")
	fl.StringVar(&f.mrrBand, "mrr-band", "", "<50k, 50k-200k, 200k-500k, 500k-1M or 1M+")
	fl.StringVar(&f.employees, "employees", "", "1-49, 50-249, 250-999 or 1000+")
	fl.StringVar(&f.source, "source", "", "chat, review, email, slack, manual or sheet")
	fl.StringVar(&f.language, "language", "", "a language the voices are in: ja, en, other, und (koe rank --choices lists them)")
}

// flagName is the flag a filter's value comes from: mrr_band is --mrr-band.
func flagName(key string) string { return "--" + strings.ReplaceAll(key, "_", "-") }

func (f *filterFlags) filter() (feedback.BacklogFilter, error) {
	values := map[string]string{"from": f.from, "to": f.to, "tag": f.tag, "plan": f.plan, "lifecycle": f.lifecycle,
		"mrr_band": f.mrrBand, "employees": f.employees, "source": f.source, "language": f.language}
	return feedback.ParseBacklogFilter(func(k string) string { return values[k] }, flagName)
}

// checkSegments refuses a plan or language the data does not have, or an employee band that does
// not exist, naming the values there are (the other flags are checked as they are read).
func checkSegments(ctx context.Context, db *store.DB, f feedback.BacklogFilter, currency string) (feedback.BacklogFilter, error) {
	if f.Plan == "" && f.Language == "" && f.Employees == "" {
		return f, nil
	}
	choices, err := segmentChoices(ctx, db, currency)
	if err != nil {
		return f, err
	}
	if err := choices.Check(f, flagName); err != nil {
		return f, err
	}
	return choices.Canonical(f), nil
}

func segmentChoices(ctx context.Context, db *store.DB, currency string) (store.BacklogChoices, error) {
	rates, err := db.Rates(ctx, currency)
	if err != nil {
		return store.BacklogChoices{}, err
	}
	return db.BacklogChoices(ctx, rates)
}

// writeChoices lists each segment flag's values as the data has them: one line per flag, each
// value with its number of accounts (a source kind with its named sources), or the choices as JSON.
func writeChoices(e *env, format string, c store.BacklogChoices) error {
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	}
	counted := func(list []store.Choice) string {
		out := make([]string, len(list))
		for i, x := range list {
			out[i] = x.Value
			if x.Count > 0 {
				out[i] += " (" + strconv.FormatInt(x.Count, 10) + ")"
			}
		}
		return strings.Join(out, ", ")
	}
	sources := make([]string, len(c.Sources))
	for i, s := range c.Sources {
		sources[i] = string(s.Kind) + " (" + strings.Join(s.Names, ", ") + ")"
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, l := range [][2]string{{"--plan", counted(c.Plans)}, {"--lifecycle", counted(c.Lifecycles)}, {"--mrr-band", counted(c.MRRBands)},
		{"--employees", counted(c.EmployeeBands)}, {"--source", strings.Join(sources, ", ")}, {"--language", counted(c.Languages)}} {
		fmt.Fprintf(w, "%s\t%s\n", l[0], l[1])
	}
	return w.Flush()
}

func newRankCmd(e *env) *cobra.Command {
	var (
		format, status string
		limit          int
		weights        string
		breakdown      bool
		choices        bool
		ff             filterFlags
	)
	cmd := &cobra.Command{
		Use:   "rank [--format table|json|csv] [--status all|STATUS,…] [--breakdown] [--choices]",
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
probability, decay, the working.

Segment flags take their values in any case (--plan enterprise is Enterprise); --plan and
--language take the values the data has, and an unknown one is answered with the list.
--choices lists every segment flag's values as the data has them (with --format json, as JSON).`,
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
			if choices {
				c, err := segmentChoices(cmd.Context(), db.DB, e.cfg.Currency)
				if err != nil {
					return err
				}
				return writeChoices(e, format, c)
			}
			if f, err = checkSegments(cmd.Context(), db.DB, f, e.cfg.Currency); err != nil {
				return err
			}
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
	cmd.Flags().BoolVar(&choices, "choices", false, "list the values each segment flag can take, from the data")
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
