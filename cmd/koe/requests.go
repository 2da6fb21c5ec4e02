package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/triage"
)

func newRequestsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "requests", Short: "Requests: merge duplicates"}
	var actor string
	merge := &cobra.Command{
		Use:   "merge FROM INTO",
		Short: "Merge request FROM into INTO: every linked voice moves, the audit log keeps the trail",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			from, err1 := strconv.ParseInt(args[0], 10, 64)
			into, err2 := strconv.ParseInt(args[1], 10, 64)
			if err1 != nil || err2 != nil {
				return fmt.Errorf("give two request ids, such as: koe requests merge 12 3")
			}
			db, err := e.openDatabase(cmd.Context(), e.newLogger(), "koe")
			if err != nil {
				return err
			}
			defer db.Close()
			actor = e.actor(actor)
			n, err := db.MergeRequest(cmd.Context(), from, into, actor)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.say().T("cli.request_merged", "From", from, "Into", into, "Count", n))
			return nil
		},
	}
	merge.Flags().StringVar(&actor, "actor", "", "who merges, for the audit log (default cli:$USER)")
	cmd.AddCommand(merge)
	return cmd
}

func newTriageCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "triage", Short: "Suggestions for new voices and candidate new requests"}
	suggest := &cobra.Command{
		Use:   "suggest",
		Short: "Store the top three request suggestions of every new voice that has none",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			start := time.Now()
			n, err := e.intake(db.DB, nil).Suggest(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.say().T("cli.suggested", "Count", n, "Took", time.Since(start).Round(time.Millisecond)))
			return nil
		}),
	}
	var limit, minSize int
	var threshold float64
	clusters := &cobra.Command{
		Use:   "clusters",
		Short: "Group new voices that match no request well into candidate new requests",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			list, err := triage.Clusters(ctx, db.DB, limit, threshold, minSize)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetEscapeHTML(false)
			for _, c := range list {
				if err := enc.Encode(c); err != nil {
					return err
				}
			}
			return nil
		}),
	}
	clusters.Flags().IntVar(&limit, "limit", 5000, "how many of the newest voices to look at")
	clusters.Flags().Float64Var(&threshold, "similarity", triage.ClusterSimilarity, "how alike voices must be to group")
	clusters.Flags().IntVar(&minSize, "min-size", 2, "the smallest group worth showing")
	cmd.AddCommand(suggest, clusters)
	return cmd
}

func readJSONFile(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
