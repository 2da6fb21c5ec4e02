package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/feedback"
)

func newRatesCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rates",
		Short: "Exchange rates to the base currency (KOE_CURRENCY), with their date",
		Long: `Every sum of money — rankings, MRR bands, Slack, exports — is made in the base currency
(KOE_CURRENCY, default JPY). An amount in another currency is converted with that currency's
latest rate; an amount whose currency has no rate is left out of the sum, with a warning.`,
	}
	var on string
	set := &cobra.Command{
		Use:   "set CUR=RATE …",
		Short: "Set rates: USD=150.25 means one US dollar is worth 150.25 of the base currency",
		Args:  cobra.MinimumNArgs(1),
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			day := time.Now().In(e.cfg.Location)
			if on != "" {
				t, err := time.Parse("2006-01-02", on)
				if err != nil {
					return fmt.Errorf("--on %q: write the date like 2026-11-30", on)
				}
				day = t
			}
			day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
			var rates []feedback.Rate
			for _, a := range args {
				r, err := feedback.ParseRate(a, e.cfg.Currency, day)
				if err != nil {
					return err
				}
				rates = append(rates, r)
			}
			if err := db.SetRates(ctx, e.cfg.Currency, rates, e.actor("")); err != nil {
				return err
			}
			p := e.say()
			for _, r := range rates {
				fmt.Fprintln(e.stdout, p.T("cli.rates_set", "Currency", r.Currency, "Rate", rateText(r.Rate), "Base", e.cfg.Currency, "On", r.On.Format("2006-01-02")))
			}
			return nil
		}),
	}
	set.Flags().StringVar(&on, "on", "", "the date the rates hold from (default: today)")
	list := &cobra.Command{
		Use:   "list",
		Short: "The latest rate of each currency",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			rates, err := db.RateList(ctx, e.cfg.Currency)
			if err != nil {
				return err
			}
			p := e.say()
			if len(rates) == 0 {
				fmt.Fprintln(e.stderr, p.T("cli.rates_none", "Base", e.cfg.Currency))
				return nil
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, p.T("cli.rates_columns", "Base", e.cfg.Currency))
			for _, r := range rates {
				fmt.Fprintf(w, "%s\t%s\t%s\n", r.Currency, rateText(r.Rate), r.On.Format("2006-01-02"))
			}
			return w.Flush()
		}),
	}
	cmd.AddCommand(set, list)
	return cmd
}

// rateText writes a rate as given, without trailing zeros (150.25, 162).
func rateText(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
