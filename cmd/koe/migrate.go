package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newMigrateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending database migrations and exit",
		Long: `Apply pending database migrations and exit. Safe to run from several replicas at once: an
advisory lock makes them take turns, and a second run finds nothing to do.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := e.newLogger()
			ctx := cmd.Context()
			// openDatabase migrates; report what it found and did.
			db, err := e.openDatabase(ctx, log, "koe")
			if err != nil {
				return err
			}
			defer db.Close()
			current, pending, err := db.SchemaStatus(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.say().T("cli.schema_version", "Version", current, "Pending", pending))
			return nil
		},
	}
}
