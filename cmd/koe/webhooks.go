package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/internal/redact"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/webhooks"
)

func newWebhooksCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhooks",
		Short: "Outgoing webhooks: request.created, request.status_changed, feedback.linked",
		Long: `Koe posts each event as JSON to the endpoints that subscribe to it, signed with the endpoint's
secret: X-Koe-Signature: t=UNIX,v1=hex(HMAC-SHA256(secret, "UNIX." + body)). Failed posts (5xx,
429, time-outs) are retried with backoff; a 4xx is given up. ` + "`koe serve`" + ` delivers them.`,
	}
	var events string
	var allowPrivate bool
	add := &cobra.Command{
		Use:   "add URL [--events a,b] [--allow-private]",
		Short: "Register an endpoint; its signing secret is printed once",
		Long: `Register an endpoint; its signing secret is printed once. Receivers on loopback, private,
link-local (the cloud metadata service) and other non-public addresses are refused — when the URL
is added and at every delivery, whatever its name resolves to and wherever it redirects — unless
--allow-private is given, for a receiver on the internal network.`,
		Args: cobra.ExactArgs(1),
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			var ev []string
			for _, s := range strings.Split(events, ",") {
				if s = strings.TrimSpace(s); s != "" {
					ev = append(ev, s)
				}
			}
			if err := webhooks.CheckURL(args[0], allowPrivate); errors.Is(err, webhooks.ErrPrivate) {
				u, _ := url.Parse(args[0])
				return errors.New(e.say().T("cli.harden_webhook_private", "Host", u.Hostname()))
			} else if err != nil {
				return err
			}
			w, err := db.AddWebhook(ctx, args[0], ev, allowPrivate, e.actor(""))
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stderr, e.say().T("cli.webhook_added", "ID", w.ID, "URL", redact.URL(w.URL), "Events", strings.Join(w.Events, ", ")))
			fmt.Fprintln(e.stdout, w.Secret)
			return nil
		}),
	}
	add.Flags().BoolVar(&allowPrivate, "allow-private", false, "allow a receiver on loopback, private or link-local addresses")
	add.Flags().StringVar(&events, "events", "", "events to send, comma-separated (default: all: "+strings.Join(store.WebhookEvents, ", ")+")")
	list := &cobra.Command{
		Use:   "list",
		Short: "The endpoints",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			hooks, err := db.Webhooks(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tURL\tEVENTS\tACTIVE\tCREATED")
			for _, h := range hooks {
				fmt.Fprintf(w, "%d\t%s\t%s\t%v\t%s\n", h.ID, redact.URL(h.URL), strings.Join(h.Events, ","), h.Active, e.day(h.CreatedAt))
			}
			return w.Flush()
		}),
	}
	disable := &cobra.Command{
		Use:   "disable ID",
		Short: "Stop sending to an endpoint",
		Args:  cobra.ExactArgs(1),
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a webhook id: see `koe webhooks list`", args[0])
			}
			if err := db.DisableWebhook(ctx, id, e.actor("")); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.say().T("cli.webhook_disabled", "ID", id))
			return nil
		}),
	}
	deliveries := &cobra.Command{
		Use:   "deliveries [ID]",
		Short: "The delivery log: every attempt, newest first",
		Args:  cobra.MaximumNArgs(1),
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			var id int64
			if len(args) == 1 {
				var err error
				if id, err = strconv.ParseInt(args[0], 10, 64); err != nil {
					return fmt.Errorf("%q is not a webhook id", args[0])
				}
			}
			log, err := db.Deliveries(ctx, id, 100)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "AT\tWEBHOOK\tEVENT\tATTEMPT\tSTATUS\tMS\tERROR")
			for _, d := range log {
				status := "—"
				if d.StatusCode != nil {
					status = strconv.Itoa(*d.StatusCode)
				}
				fmt.Fprintf(w, "%s\t%d\t%s\t%d\t%s\t%d\t%s\n", d.At.In(e.cfg.Location).Format("2006-01-02 15:04:05 MST"), d.WebhookID, d.Event, d.Attempt, status, d.DurationMS, d.Error)
			}
			return w.Flush()
		}),
	}
	cmd.AddCommand(add, list, disable, deliveries)
	return cmd
}
