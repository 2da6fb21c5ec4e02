package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/api"
	"github.com/koehq/koe/auth"
	"github.com/koehq/koe/config"
	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/sources"
	"github.com/koehq/koe/metrics"
	"github.com/koehq/koe/notify"
	"github.com/koehq/koe/reviews"
	"github.com/koehq/koe/slackbot"
	"github.com/koehq/koe/webhooks"
)

func newServeCmd(e *env) *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the dashboard, public roadmap, API and background workers",
		Long: `Run the dashboard, the public roadmap, the API and the background workers until Ctrl-C or
SIGTERM, then stop taking requests, finish those in flight and close the database (stopping the
embedded PostgreSQL if this process started it).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if addr != "" {
				if err := e.listenOn(addr); err != nil {
					return err
				}
			}
			log := e.newLogger()
			ctx := cmd.Context()
			db, err := e.openDatabase(ctx, log, "koe")
			if err != nil {
				return err
			}
			defer db.Close()
			opts := dashboard.NewOptions(e.cfg, log)
			m := metrics.New(db.DB)
			opts.Metrics, opts.MetricsHandler = m, m.Handler()
			in := e.intake(db.DB, log)
			in.Start(ctx)
			opts.API = api.New(db.DB, in, api.Options{Log: log.With("handler", "api"), Currency: e.cfg.Currency})
			opts.SuggestVoices = in.SuggestVoices
			var mailer *notify.SMTP
			if e.cfg.Mail.SMTPAddr != "" {
				mailer = &notify.SMTP{Addr: e.cfg.Mail.SMTPAddr, Username: e.cfg.Mail.Username, Password: e.cfg.Mail.Password, From: e.cfg.Mail.From}
				opts.Mail = mailer
			} else {
				log.Info("KOE_SMTP_ADDR is not set: customers cannot sign in by email, and shipped notices wait in the outbox")
			}
			if e.cfg.GoogleClientID != "" {
				g, err := auth.NewGoogle(ctx, e.cfg.GoogleClientID, e.cfg.AllowedDomains, nil)
				if err != nil {
					return err
				}
				opts.Google, opts.GoogleClientID = g, e.cfg.GoogleClientID
				if opts.CustomerGoogle, err = auth.NewGoogleCustomers(ctx, e.cfg.GoogleClientID, nil); err != nil {
					return err
				}
			}
			opts.OIDC = oidcProviders(e.cfg.OIDC, e.cfg.BaseURL)
			if opts.Google == nil && mailer == nil && !slices.ContainsFunc(opts.OIDC, func(p dashboard.OIDCProvider) bool { return p.Staff }) {
				log.Info("staff sign-in is not set up (KOE_OIDC_PROVIDERS, KOE_GOOGLE_CLIENT_ID or KOE_SMTP_ADDR): /app answers 401 to everyone")
			}
			repliers := e.repliers(db.DB)
			opts.Replies = repliers
			if e.cfg.Slack.SigningSecret != "" {
				h := &slackbot.Interactions{Store: db.DB, Backlog: db.DB, Intake: in, Config: e.slackConfig(), SigningSecret: e.cfg.Slack.SigningSecret,
					Log: log.With("handler", "slack"), Replies: repliers, App: e.cfg.CompanyName}
				opts.SlackInteractivity, opts.SlackCommands = h, h.Commands()
			}
			srv, err := dashboard.New(db.DB, opts)
			if err != nil {
				return err
			}
			// Background workers stop with the server, before the database closes.
			workCtx, stopWork := context.WithCancel(ctx)
			var workers sync.WaitGroup
			runner := &sources.Runner{Store: db.DB, Intake: in, Getenv: e.getenv, Log: log,
				Observe: func(source string, c ingest.Counts, err error) {
					m.ObserveIngest(source, c.New, c.Updated, c.Duplicate, c.Skipped, c.Failed, err)
				}}
			workers.Go(func() { runner.Run(workCtx) })
			if cfg := e.slackConfig(); cfg.BotToken != "" {
				bot := &slackbot.Worker{Store: db.DB, Config: cfg, Log: log.With("worker", "slack")}
				workers.Go(func() { bot.Run(workCtx) })
				// The Slack posts about the backlog, every 10 minutes; one replica ranks (the keys would
				// keep the others from posting twice, but not from ranking the whole backlog for nothing).
				workers.Go(func() {
					periodically(workCtx, log, db, "koe-slack-watch", "slack backlog watch", 10*time.Minute, func(ctx context.Context) error {
						_, err := cfg.Watch(ctx, db.DB, time.Now())
						return err
					})
				})
				if e.cfg.Slack.AppToken != "" {
					sock := &slackbot.Socket{AppToken: e.cfg.Slack.AppToken,
						Interactions: &slackbot.Interactions{Store: db.DB, Backlog: db.DB, Intake: in, Config: cfg, Log: log.With("worker", "slack-socket"),
							Replies: repliers, App: e.cfg.CompanyName}}
					workers.Go(func() { sock.Run(workCtx) })
				}
			} else {
				log.Info("SLACK_BOT_TOKEN is not set: Slack messages wait in the outbox")
			}
			if e.cfg.Sheets.RoadmapID != "" || e.cfg.Sheets.FeedbackID != "" {
				if c, err := e.sheetsClient(ctx, log.With("worker", "sheets")); err != nil {
					log.Error("sheets sync is off", "err", err)
				} else {
					workers.Go(func() { e.syncSheets(workCtx, log.With("worker", "sheets"), db, c) })
				}
			}
			workers.Go(func() {
				periodically(workCtx, log, db, "koe-purge", "purge", time.Hour, func(ctx context.Context) error {
					_, err := db.Purge(ctx)
					return err
				})
			})
			// Replies to reviews, posted to the stores once; and every hour, on one replica, the
			// replies written in a store's own console (answered elsewhere).
			rw := &reviews.Worker{Store: db.DB, Repliers: repliers, Log: log.With("worker", "review-replies")}
			workers.Go(func() { rw.Run(workCtx) })
			check := &reviews.Worker{Store: db.DB, Repliers: repliers, Log: log.With("worker", "review-replies-check")}
			workers.Go(func() {
				periodically(workCtx, log, db, "koe-review-replies-check", "review replies: answered elsewhere", time.Hour, func(ctx context.Context) error {
					n, err := check.CheckElsewhere(ctx, nil)
					if n > 0 {
						log.Info("reviews answered elsewhere", "reviews", n)
					}
					return err
				})
			})
			hooks := &webhooks.Worker{Store: db.DB, Log: log.With("worker", "webhooks")}
			workers.Go(func() { hooks.Run(workCtx) })
			if mailer != nil {
				mw := &notify.Worker{Store: db.DB, Mail: mailer, BaseURL: e.cfg.BaseURL, Company: e.cfg.CompanyName,
					Language: e.cfg.Mail.Language, Log: log.With("worker", "mail")}
				workers.Go(func() { mw.Run(workCtx) })
			}
			defer func() { stopWork(); workers.Wait() }()
			return e.listenAndServe(ctx, log, srv.Handler(), func(url string) {
				log.Info("koe is serving", "url", url, "version", version)
			})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "listen address (default $KOE_ADDR or 127.0.0.1:8080); also the links' base when KOE_BASE_URL is unset")
	return cmd
}

// oidcProviders sets up the OpenID Connect providers of the configuration, each with its
// callback under baseURL (discovery waits for the first sign-in).
func oidcProviders(cfg []config.OIDCProvider, baseURL string) []dashboard.OIDCProvider {
	var out []dashboard.OIDCProvider
	for _, p := range cfg {
		flow := auth.NewOIDC(auth.OIDCConfig{Issuer: p.Issuer, ClientID: p.ClientID, ClientSecret: p.ClientSecret,
			RedirectURL: baseURL + dashboard.OIDCCallbackPath(p.Name), Domains: p.AllowedDomains, Tenants: p.Tenants}, nil)
		out = append(out, dashboard.OIDCProvider{Name: p.Name, Label: p.Label, Staff: p.Staff(), Customers: p.Customers(), Flow: flow})
	}
	return out
}

// listenAndServe serves h on the configured address until ctx ends, then shuts down gracefully
// within the configured timeout. ready is called once the port is open.
func (e *env) listenAndServe(ctx context.Context, log *slog.Logger, h http.Handler, ready func(url string)) error {
	ln, err := net.Listen("tcp", e.cfg.Addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("address %s is already in use: stop the other process, or pass --addr (or set KOE_ADDR) to another port", e.cfg.Addr)
	}
	if err != nil {
		return fmt.Errorf("listen on %s: %w", e.cfg.Addr, err)
	}
	srv := newHTTPServer(h)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	ready("http://" + ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight", "timeout", e.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), e.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// newHTTPServer serves h with timeouts, so a client that sends its headers or its body slowly,
// or keeps an idle connection, cannot hold a connection (and its memory) for ever. Bodies are
// small (the dashboard's forms, a voice to the API), so a minute is plenty to send one.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
}

// periodically runs job at once and then every interval until ctx ends, on one replica at a
// time: an advisory lock named lock is held while it runs, and a replica that cannot take it
// skips that turn. Errors are logged as what.
func periodically(ctx context.Context, log *slog.Logger, db *database, lock, what string, every time.Duration, job func(context.Context) error) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if release, ok, err := db.TryLock(ctx, lock); err != nil {
			log.Warn(what, "err", err)
		} else if ok {
			if err := job(ctx); err != nil && ctx.Err() == nil {
				log.Warn(what, "err", err)
			}
			release()
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
