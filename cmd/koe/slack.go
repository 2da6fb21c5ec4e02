package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/slackbot"
	"github.com/koehq/koe/store"
)

// slackConfig is the bot's configuration, from Koe's.
func (e *env) slackConfig() slackbot.Config { return slackbot.NewConfig(e.cfg) }

func newSlackCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "slack",
		Short: "The Slack bot: check its setup, see and retry its outbox, post what is due",
		Long: `New chat voices (and email voices, if KOE_SLACK_EMAIL_VOICES) and notable reviews are queued in
the outbox in the same transaction that stores them, whether or not Slack is configured. "koe serve"
posts them when SLACK_BOT_TOKEN is set, each exactly once; "koe slack send" does the same once.
"koe serve" also watches the backlog every 10 minutes for notable requests, churn risks from big
accounts and the weekly digest; "koe slack watch" does that once.`,
	}
	cmd.AddCommand(newSlackCheckCmd(e), newSlackOutboxCmd(e), newSlackRetryCmd(e), newSlackSendCmd(e), newSlackWatchCmd(e))
	return cmd
}

func newSlackCheckCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Verify the token, its scopes and the bot's membership of each channel",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			failed := 0
			for _, f := range slackbot.Check(cmd.Context(), e.slackConfig()) {
				mark := "ok  "
				if !f.OK {
					mark = "FAIL"
					failed++
				}
				fmt.Fprintln(e.stdout, mark, f.What)
			}
			if failed > 0 {
				return fmt.Errorf("slack check: %d problem(s)", failed)
			}
			return nil
		},
	}
}

func newSlackOutboxCmd(e *env) *cobra.Command {
	var failed bool
	var limit int
	cmd := &cobra.Command{
		Use:   "outbox",
		Short: "List the outbox, newest first, with each message's status and last error",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			rows, err := db.Outbox(ctx, store.TargetSlack, failed, limit)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tKIND\tCHANNEL\tSTATUS\tATTEMPTS\tPOSTED\tERROR")
			for _, r := range rows {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", r.ID, r.Kind, r.Channel, r.Status, r.Attempts, r.PostedTS, r.LastError)
			}
			return w.Flush()
		}),
	}
	cmd.Flags().BoolVar(&failed, "failed", false, "only the messages given up on")
	cmd.Flags().IntVar(&limit, "limit", 50, "how many to list")
	return cmd
}

func newSlackRetryCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "retry [ID]",
		Short: "Put failed messages (all, or the one with ID) back in the queue",
		Args:  cobra.MaximumNArgs(1),
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			var id int64
			if len(args) == 1 {
				var err error
				if id, err = strconv.ParseInt(args[0], 10, 64); err != nil || id <= 0 {
					return fmt.Errorf("%q is not an outbox id: see `koe slack outbox --failed`", args[0])
				}
			}
			n, err := db.RetryFailed(ctx, store.TargetSlack, id)
			if err != nil {
				return err
			}
			if id != 0 && n == 0 {
				return fmt.Errorf("no failed message %d: see `koe slack outbox --failed`", id)
			}
			fmt.Fprintln(e.stdout, e.say().T("cli.slack_requeued", "Count", n))
			return nil
		}),
	}
}

func newSlackSendCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "send",
		Short: "Post every message that is due now, then exit (for cron; koe serve does this all the time)",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			cfg := e.slackConfig()
			if cfg.BotToken == "" {
				return errors.New("SLACK_BOT_TOKEN is not set: nothing can be posted (see `koe slack check`)")
			}
			w := &slackbot.Worker{Store: db.DB, Config: cfg, Log: e.newLogger()}
			sent, err := w.Drain(ctx)
			fmt.Fprintln(e.stdout, e.say().T("cli.slack_handled", "Count", sent))
			return err
		}),
	}
}

func newSlackWatchCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "watch",
		Short: "Queue the posts about the backlog that are due: notable requests, churn risks, the weekly digest (koe serve does this every 10 minutes)",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			n, err := e.slackConfig().Watch(ctx, db.DB, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.say().T("cli.slack_backlog_due", "Count", n))
			return nil
		}),
	}
}
