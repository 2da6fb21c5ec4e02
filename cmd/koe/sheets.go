package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/sheets"
)

func newSheetsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sheets",
		Short: "Google Sheets: the public roadmap sheet",
		Long: `Keep Google Sheets in step with Koe. The public roadmap sheet (KOE_SHEETS_ROADMAP_ID, tab
KOE_SHEETS_ROADMAP_TAB) gets exactly the public list of /roadmap, one way. Credentials: a
service-account JSON file in KOE_GOOGLE_CREDENTIALS or GOOGLE_APPLICATION_CREDENTIALS; share the
spreadsheet with the account's email as an editor. ` + "`koe serve`" + ` syncs every KOE_SHEETS_INTERVAL
and soon after a public change.`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "push",
		Short: "Write the public roadmap sheet now",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			c, err := e.sheetsClient(ctx, nil)
			if err != nil {
				return err
			}
			start := time.Now()
			res, err := e.pushRoadmapSheet(ctx, db, c)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "roadmap sheet: %d requests, %d rows written, %d cleared (%.1fs)\n", res.Rows, res.Written, res.Cleared, time.Since(start).Seconds())
			return nil
		}),
	}, &cobra.Command{
		Use:   "check",
		Short: "Check that Koe can reach the sheets and that their headers are Koe's",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := e.sheetsClient(cmd.Context(), nil)
			if err != nil {
				return err
			}
			c.MaxAttempts = 2
			s := e.cfg.Sheets
			if err := c.Check(cmd.Context(), s.RoadmapID, s.RoadmapTab, feedback.RoadmapHeader(s.Language, e.cfg.Roadmap.AskedBy)); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "roadmap sheet %s, tab %q: reachable, header matches\n", s.RoadmapID, s.RoadmapTab)
			return nil
		},
	})
	return cmd
}

// sheetsClient builds the Sheets client from the configuration, or says what is missing.
func (e *env) sheetsClient(ctx context.Context, log *slog.Logger) (*sheets.Client, error) {
	if e.cfg.Sheets.RoadmapID == "" {
		return nil, errors.New("no spreadsheet is set: set KOE_SHEETS_ROADMAP_ID to the id in the spreadsheet's URL (after /d/)")
	}
	creds := e.getenv("KOE_GOOGLE_CREDENTIALS")
	if creds == "" {
		creds = e.getenv("GOOGLE_APPLICATION_CREDENTIALS")
	}
	opts, err := sheets.Options(creds, e.cfg.Sheets.Endpoint)
	if err != nil {
		return nil, err
	}
	c, err := sheets.New(ctx, opts...)
	if err != nil {
		return nil, err
	}
	c.Log = log
	return c, nil
}

func (e *env) pushRoadmapSheet(ctx context.Context, db *database, c *sheets.Client) (sheets.Result, error) {
	reqs, err := db.PublicRequests(ctx, e.cfg.Roadmap.AskedBy)
	if err != nil {
		return sheets.Result{}, err
	}
	s := e.cfg.Sheets
	return c.PushRoadmap(ctx, s.RoadmapID, s.RoadmapTab, reqs, s.Language, e.cfg.BaseURL, e.cfg.Roadmap.AskedBy)
}

// syncSheets pushes the roadmap sheet every interval and within a minute of a public change,
// on one replica at a time, until ctx ends.
func (e *env) syncSheets(ctx context.Context, log *slog.Logger, db *database, c *sheets.Client) {
	var pushedAt, changedAt time.Time
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		changed, err := db.PublicChangedAt(ctx)
		due := time.Since(pushedAt) >= e.cfg.Sheets.Interval || err == nil && changed.After(changedAt)
		if due {
			if release, ok, err := db.TryLock(ctx, "koe-sheets"); err != nil {
				log.Warn("sheets sync", "err", err)
			} else if ok {
				if res, err := e.pushRoadmapSheet(ctx, db, c); err != nil && ctx.Err() == nil {
					log.Warn("sheets sync", "err", err)
				} else if err == nil {
					pushedAt, changedAt = time.Now(), changed
					log.Debug("roadmap sheet pushed", "rows", res.Rows, "written", res.Written)
				}
				release()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
