package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/sources"
)

func newSourcesCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sources",
		Short: "Sources configured once and run by koe serve on their interval",
	}
	cmd.AddCommand(newSourcesAddCmd(e), newSourcesListCmd(e), newSourcesRunCmd(e), newSourcesRemoveCmd(e))
	return cmd
}

func newSourcesAddCmd(e *env) *cobra.Command {
	var (
		st       sources.Settings
		interval time.Duration
	)
	cmd := &cobra.Command{
		Use:   "add KIND --name NAME [--interval 15m] [options of koe ingest KIND]",
		Short: "Configure a source for koe serve to run on its interval",
		Long: `Configure a source once; every koe serve replica then runs it on its interval, one replica at
a time. The options are those of "koe ingest KIND". Secrets are never stored: the source reads its
token from the environment variable named by --token-env (default per kind) where it runs.
An App Store source given an App Store Connect key (--key-id, --issuer-id, --key-file) reads
reviews through App Store Connect, and replies written in Koe are posted to the App Store; only
the key file's path is stored.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st.Kind = args[0]
			if err := st.Validate(); err != nil {
				return err
			}
			db, err := e.openDatabase(cmd.Context(), e.newLogger(), "koe")
			if err != nil {
				return err
			}
			defer db.Close()
			s, err := db.AddSource(cmd.Context(), st.Kind, st.Name, st, interval)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.say().T("cli.source_added", "Name", s.Name, "Kind", s.Kind, "Every", s.Interval))
			if _, err := sources.Build(st, e.getenv); err != nil {
				fmt.Fprintln(e.stderr, e.say().T("cli.source_cannot_run", "Error", err))
			}
			return nil
		},
	}
	addSettingsFlags(cmd, &st)
	addConnectKeyFlags(cmd, &st)
	cmd.Flags().StringVar(&st.AppName, "app-name", "", "the app its reviews are about, as replies name it ({app} in reply templates; default KOE_COMPANY_NAME)")
	cmd.Flags().DurationVar(&interval, "interval", 15*time.Minute, "how often koe serve runs it")
	cmd.MarkFlagRequired("name")
	return cmd
}

// addConnectKeyFlags adds the App Store Connect key of an appstore source: with it the source
// reads reviews through App Store Connect and Koe can reply to them. The .p8 file stays where it
// is; only its path is stored.
func addConnectKeyFlags(cmd *cobra.Command, st *sources.Settings) {
	f := cmd.Flags()
	f.StringVar(&st.KeyID, "key-id", "", "App Store Connect API key id, e.g. 2X9R4HXF34 (appstore: read reviews through App Store Connect and reply to them)")
	f.StringVar(&st.IssuerID, "issuer-id", "", "App Store Connect issuer id of the team (appstore, with --key-id)")
	f.StringVar(&st.KeyFile, "key-file", "", "path of the AuthKey_KEYID.p8 file downloaded from App Store Connect (appstore, with --key-id)")
}

func newSourcesListCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List sources with their last run, counts and last error",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			list, err := db.Sources(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tKIND\tEVERY\tLAST RUN\tLAST SUCCESS\tREAD\tNEW\tDUPLICATE\tSKIPPED\tFAILED\tLAST ERROR")
			when := func(t *time.Time) string {
				if t == nil {
					return "never"
				}
				return e.moment(*t)
			}
			for _, s := range list {
				every := s.Interval.String()
				if string(s.Config) == "{}" {
					every = "(manual)"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", s.Name, s.Kind, every, when(s.LastRunAt), when(s.LastSuccessAt),
					s.LastRead, s.LastNew, s.LastDuplicate, s.LastSkipped, s.LastFailed, s.LastError)
			}
			return w.Flush()
		}),
	}
}

func newSourcesRunCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "run NAME",
		Short: "Run a configured source now",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			log := e.newLogger()
			db, err := e.openDatabase(cmd.Context(), log, "koe")
			if err != nil {
				return err
			}
			defer db.Close()
			s, err := db.Source(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			bar := newProgress(e.stderr)
			r := &sources.Runner{Store: db.DB, Intake: e.intake(db.DB, log), Getenv: e.getenv, Log: log}
			c, runErr := r.RunOne(cmd.Context(), args[0], bar.update, func(pr ingest.Problem) { bar.clear(); fmt.Fprintln(e.stderr, pr.String()) })
			bar.clear()
			fmt.Fprintln(e.stdout, c.Summary(s.Kind))
			return e.runError(runErr, c)
		},
	}
}

func newSourcesRemoveCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a source and its cursor (the voices it brought stay)",
		Args:  cobra.ExactArgs(1),
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			if err := db.RemoveSource(ctx, args[0]); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.say().T("cli.source_removed", "Name", args[0]))
			return nil
		}),
	}
}
