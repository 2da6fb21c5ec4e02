package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/api"
	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/demo"
)

func newDemoCmd(e *env) *cobra.Command {
	var (
		addr    string
		seed    uint64
		noServe bool
		reset   bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run Koe with freshly generated demo data on the embedded database",
		Long: `Generate a realistic, bilingual demo dataset (accounts with MRR, chats, reviews, emails,
requests), load it into the database "koe_demo" of the embedded PostgreSQL, and serve the dashboard
(default http://127.0.0.1:8080) with the visitor signed in as the demo admin.

Every run replaces the demo database with fresh data. With DATABASE_URL set, the demo loads into
that database instead, and refuses to replace existing data unless --reset is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if addr != "" {
				if err := e.listenOn(addr); err != nil {
					return err
				}
			}
			start := time.Now()
			log := e.newLogger()
			ctx := cmd.Context()
			db, err := e.openDatabase(ctx, log, "koe_demo")
			if err != nil {
				return err
			}
			defer db.Close()
			if e.cfg.DatabaseURL != "" && !reset {
				n, err := db.Counts(ctx)
				if err != nil {
					return err
				}
				if n.Accounts+n.Feedback+n.Requests+n.Users > 0 {
					return fmt.Errorf("the database at DATABASE_URL already holds data (%d accounts, %d feedback): koe demo would replace it — pass --reset to do so, or unset DATABASE_URL to use the embedded demo database", n.Accounts, n.Feedback)
				}
			}
			ds := demo.Generate(demo.Options{Seed: seed, Now: time.Now()})
			in := e.intake(db.DB, log)
			if err := in.Replace(ctx, ds); err != nil {
				return err
			}
			n, err := db.Counts(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "demo data loaded: accounts=%d contacts=%d requests=%d feedback=%d triaged=%d users=%d (%.1fs)\n",
				n.Accounts, n.Contacts, n.Requests, n.Feedback, n.Triaged, n.Users, time.Since(start).Seconds())
			if noServe {
				return nil
			}
			opts := dashboard.NewOptions(e.cfg, log)
			opts.Demo, opts.DemoUser = true, ds.Users[0]
			opts.API = api.New(db.DB, in, api.Options{Log: log.With("handler", "api"), Currency: e.cfg.Currency})
			opts.SuggestVoices = in.SuggestVoices
			srv, err := dashboard.New(db.DB, opts)
			if err != nil {
				return err
			}
			return e.listenAndServe(ctx, log, srv.Handler(), func(url string) {
				fmt.Fprintln(e.stdout, e.say().T("cli.demo_running", "URL", url, "Email", demo.AdminEmail))
			})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "listen address (default $KOE_ADDR or 127.0.0.1:8080); also the links' base when KOE_BASE_URL is unset")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the data generator: the same seed gives the same data")
	cmd.Flags().BoolVar(&noServe, "no-serve", false, "load the demo data and exit")
	cmd.Flags().BoolVar(&reset, "reset", false, "with DATABASE_URL: replace the data already there")
	return cmd
}
