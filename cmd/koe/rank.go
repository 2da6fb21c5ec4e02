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
		format  string
		limit   int
		weights string
		ff      filterFlags
	)
	cmd := &cobra.Command{
		Use:   "rank [--format table|json|csv]",
		Short: "The backlog ranked by revenue at stake per year, with its breakdown",
		Long: `Rank requests by revenue at stake per year: over the distinct accounts whose voices are linked
to a request, each account once with its strongest reason — churn (MRR × churn probability),
expansion (CRM estimate or MRR × uplift), pipeline (a prospect's deal × win probability), other
(MRR × a small weight) — × 12, decayed by the age of the account's newest voice. The weights are
the saved ones (or the defaults); --weights FILE.json overrides them for this run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := ff.filter()
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
			ranked, err := triage.Rank(cmd.Context(), db.DB, f, w, time.Now(), explain)
			if err != nil {
				return err
			}
			if limit > 0 && len(ranked) > limit {
				ranked = ranked[:limit]
			}
			return writeRanking(e, format, ranked)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "table, json or csv")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many requests (0: all)")
	cmd.Flags().StringVar(&weights, "weights", "", "JSON file of weights for this run")
	ff.add(cmd)
	return cmd
}

func writeRanking(e *env, format string, ranked []scoring.Ranked) error {
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
		fmt.Fprintln(w, "RANK\tID\tSCORE/YEAR\tACCOUNTS\tMRR\tCHURN\tEXPANSION\tPIPELINE\tOTHER\t  TITLE")
		for _, r := range ranked {
			fmt.Fprintf(w, "%d\t%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t  %s\n", r.Rank, r.RequestID, feedback.Yen(r.Score), r.Accounts,
				feedback.Yen(float64(r.MRRTotal)), feedback.Yen(r.Churn), feedback.Yen(r.Expansion), feedback.Yen(r.Pipeline), feedback.Yen(r.Other), r.Title)
		}
		return w.Flush()
	}
	return fmt.Errorf("--format %q: use table, json or csv", format)
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
