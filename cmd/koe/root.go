package main

import (
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/config"
)

// env is what every command gets: the configuration, read once, and where to write.
type env struct {
	getenv func(string) string
	in     io.Reader
	cfg    config.Config
	stdout io.Writer
	stderr io.Writer
}

func newRootCmd(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	e := &env{getenv: getenv, in: os.Stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "koe",
		Short: "Koe (声) turns customer voices into a revenue-ranked product backlog",
		Long: `Koe (声) collects what customers say — support chats, reviews, emails — into one feedback
sheet, joins each voice to its account and MRR, and ranks requests by the revenue at stake.

Configuration comes from environment variables (see "koe config"). With DATABASE_URL unset, koe
runs a private PostgreSQL under KOE_DATA_DIR from the server binaries installed on this machine.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := config.Load(e.getenv)
			if err != nil {
				return err
			}
			e.cfg = cfg
			return nil
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(
		newServeCmd(e),
		newDemoCmd(e),
		newMigrateCmd(e),
		newAccountsCmd(e),
		newIngestCmd(e),
		newSourcesCmd(e),
		newSentimentCmd(e),
		newSuggestCmd(e),
		newRankCmd(e),
		newRatesCmd(e),
		newExportCmd(e),
		newImportCmd(e),
		newRequestsCmd(e),
		newReviewsCmd(e),
		newTriageCmd(e),
		newSimilarityCmd(e),
		newEvalCmd(e),
		newSlackCmd(e),
		newSheetsCmd(e),
		newUsersCmd(e),
		newTokensCmd(e),
		newWebhooksCmd(e),
		newConfigCmd(e),
		newVersionCmd(e),
	)
	return root
}

// actor names who made a change from the command line, for the audit log: the --actor flag when
// given, else cli:$USER.
func (e *env) actor(flag string) string {
	if flag != "" {
		return flag
	}
	return "cli:" + e.getenv("USER")
}

// moment shows a time to the person at the terminal: in KOE_TIMEZONE, with the zone's name.
func (e *env) moment(t time.Time) string { return t.In(e.cfg.Location).Format("2006-01-02 15:04 MST") }

// day is the date a time fell on in KOE_TIMEZONE.
func (e *env) day(t time.Time) string { return t.In(e.cfg.Location).Format("2006-01-02") }
