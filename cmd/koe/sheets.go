package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/config"
	"github.com/koehq/koe/sheets"
	"github.com/koehq/koe/store"
)

func newSheetsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sheets",
		Short: "Google Sheets: the CS feedback sheet and the public roadmap sheet",
		Long: `Keep Google Sheets in step with Koe.

The feedback sheet (KOE_SHEETS_FEEDBACK_ID, tab KOE_SHEETS_FEEDBACK_TAB) has one row per voice,
keyed by its Koe ID. Koe writes new and changed voices; people may edit the insight, who benefits,
tag and request columns, and ` + "`koe sheets pull`" + ` reads those edits back (an unknown tag or request is
reported, not applied; an edit to a voice changed in Koe since loses to Koe's). Columns are found
by their header, so people may move them and add their own.

The public roadmap sheet (KOE_SHEETS_ROADMAP_ID, tab KOE_SHEETS_ROADMAP_TAB) gets exactly the
public list of /roadmap, one way.

Credentials: a service-account JSON file in KOE_GOOGLE_CREDENTIALS or GOOGLE_APPLICATION_CREDENTIALS;
share each spreadsheet with the account's email as an editor. ` + "`koe serve`" + ` pulls and pushes every
KOE_SHEETS_INTERVAL and within a minute of a change, on one replica at a time.`,
	}
	var full bool
	push := &cobra.Command{
		Use:   "push [--full]",
		Short: "Write the sheets now (only what changed; --full compares every voice and puts back deleted rows)",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			c, err := e.sheetsClient(ctx, nil)
			if err != nil {
				return err
			}
			if e.cfg.Sheets.FeedbackID != "" {
				start := time.Now()
				res, err := e.feedbackSheet(db.DB, c).Push(ctx, full)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "feedback sheet: %d appended, %d updated, %d unchanged, %d waiting for a pull, %d deleted in the sheet left out (%.1fs)\n",
					res.Appended, res.Updated, res.Unchanged, res.Pending, res.Deleted, time.Since(start).Seconds())
			}
			if e.cfg.Sheets.RoadmapID != "" {
				start := time.Now()
				res, err := e.pushRoadmapSheet(ctx, db, c)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "roadmap sheet: %d requests, %d rows written, %d cleared (%.1fs)\n", res.Rows, res.Written, res.Cleared, time.Since(start).Seconds())
			}
			return nil
		}),
	}
	push.Flags().BoolVar(&full, "full", false, "look at every voice, not only those changed since the last push; put back rows people deleted")
	pull := &cobra.Command{
		Use:   "pull",
		Short: "Read people's edits of the feedback sheet back into Koe",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			if e.cfg.Sheets.FeedbackID == "" {
				return errors.New("no feedback sheet: set KOE_SHEETS_FEEDBACK_ID to the id in the spreadsheet's URL (after /d/)")
			}
			c, err := e.sheetsClient(ctx, nil)
			if err != nil {
				return err
			}
			res, err := e.feedbackSheet(db.DB, c).Pull(ctx)
			if err != nil {
				return err
			}
			for _, p := range res.Problems {
				fmt.Fprintf(e.stderr, "%s: %s\n", e.cfg.Sheets.FeedbackTab, p)
			}
			fmt.Fprintf(e.stdout, "feedback sheet: %d edits applied, %d lost to newer edits in Koe, %d not applied\n",
				res.Applied, res.Conflicts, len(res.Problems)-res.Conflicts)
			return nil
		}),
	}
	check := &cobra.Command{
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
			if s.FeedbackID != "" {
				if err := e.feedbackSheet(nil, c).Check(cmd.Context()); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "feedback sheet %s, tab %q: reachable, header has Koe's columns\n", s.FeedbackID, s.FeedbackTab)
			}
			if s.RoadmapID != "" {
				if err := c.CheckRoadmap(cmd.Context(), s.RoadmapID, s.RoadmapTab, s.Language, e.cfg.Roadmap.AskedBy); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "roadmap sheet %s, tab %q: reachable, header matches\n", s.RoadmapID, s.RoadmapTab)
			}
			return nil
		},
	}
	cmd.AddCommand(push, pull, check)
	return cmd
}

// sheetsClient builds the Sheets client from the configuration, or says what is missing.
func (e *env) sheetsClient(ctx context.Context, log *slog.Logger) (*sheets.Client, error) {
	if e.cfg.Sheets.RoadmapID == "" && e.cfg.Sheets.FeedbackID == "" {
		return nil, errors.New("no spreadsheet is set: set KOE_SHEETS_FEEDBACK_ID and/or KOE_SHEETS_ROADMAP_ID to the id in the spreadsheet's URL (after /d/)")
	}
	opts, err := sheets.Options(config.GoogleCredentials("", e.getenv), e.cfg.Sheets.Endpoint)
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

// feedbackSheet is the configured feedback sheet; st may be nil for a check, which reads no data.
func (e *env) feedbackSheet(st *store.DB, c *sheets.Client) *sheets.Feedback {
	s := e.cfg.Sheets
	return &sheets.Feedback{Client: c, Store: st, SpreadsheetID: s.FeedbackID, Tab: s.FeedbackTab, Lang: s.Language,
		BaseURL: e.cfg.BaseURL, Location: e.cfg.Location}
}

func (e *env) pushRoadmapSheet(ctx context.Context, db *database, c *sheets.Client) (sheets.Result, error) {
	reqs, err := db.PublicRequests(ctx, e.cfg.Sheets.Language, e.cfg.Roadmap.AskedBy)
	if err != nil {
		return sheets.Result{}, err
	}
	s := e.cfg.Sheets
	return c.PushRoadmap(ctx, s.RoadmapID, s.RoadmapTab, reqs, s.Language, e.cfg.BaseURL, e.cfg.Roadmap.AskedBy)
}

// syncSheets, until ctx ends, pulls and pushes the feedback sheet and pushes the roadmap sheet
// every interval, and within 30 s of a change (a new voice or edit; a public change), on one
// replica at a time.
func (e *env) syncSheets(ctx context.Context, log *slog.Logger, db *database, c *sheets.Client) {
	var syncedAt, publicAt time.Time
	var mark string
	periodically(ctx, log, db, "koe-sheets", "sheets sync", 30*time.Second, func(ctx context.Context) error {
		public, _ := db.PublicChangedAt(ctx)
		m, _ := db.ChangeMark(ctx)
		if time.Since(syncedAt) < e.cfg.Sheets.Interval && m == mark && !public.After(publicAt) {
			return nil // nothing new
		}
		if err := e.syncSheetsOnce(ctx, log, db, c); err != nil {
			return err
		}
		syncedAt, publicAt = time.Now(), public
		mark, _ = db.ChangeMark(ctx) // the sync's own edits are not news
		return nil
	})
}

func (e *env) syncSheetsOnce(ctx context.Context, log *slog.Logger, db *database, c *sheets.Client) error {
	if e.cfg.Sheets.FeedbackID != "" {
		pulled, pushed, err := e.feedbackSheet(db.DB, c).Sync(ctx)
		for _, p := range pulled.Problems {
			log.Warn("feedback sheet edit not applied", "where", p)
		}
		if err != nil {
			return err
		}
		log.Debug("feedback sheet synced", "applied", pulled.Applied, "appended", pushed.Appended, "updated", pushed.Updated)
	}
	if e.cfg.Sheets.RoadmapID != "" {
		if _, err := e.pushRoadmapSheet(ctx, db, c); err != nil {
			return err
		}
	}
	return nil
}
