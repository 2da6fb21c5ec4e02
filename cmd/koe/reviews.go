package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest/sources"
	"github.com/koehq/koe/internal/safecsv"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/replies/stores"
	"github.com/koehq/koe/reviews"
	"github.com/koehq/koe/store"
)

// repliers finds the Replier of a source from its stored settings: a configured Google Play or
// App Store source replies through its store; a source without settings (a one-off `koe ingest`)
// or of another kind has no reply API.
func (e *env) repliers(db *store.DB) reviews.Repliers {
	return func(name string) (replies.Replier, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		src, err := db.Source(ctx, name)
		if feedback.ErrorCode(err) == feedback.ENOTFOUND {
			return nil, replies.ErrNoReplyAPI
		}
		if err != nil {
			return nil, err
		}
		var st sources.Settings
		if err := json.Unmarshal(src.Config, &st); err != nil || st.Kind == "" {
			return nil, replies.ErrNoReplyAPI
		}
		st.Name = src.Name
		return stores.Build(st, e.getenv)
	}
}

func newReviewsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "reviews", Short: "The review queue: list reviews and reply to them"}
	var (
		unanswered     bool
		format, source string
		language, age  string
		rating, limit  int
	)
	list := &cobra.Command{
		Use:   "list [--unanswered] [--format table|json|csv]",
		Short: "Reviews from every source, newest first, with their reply state",
		Long: `List reviews from every source, newest first, with rating, language and reply state
(unanswered, draft, sending, sent, failed, elsewhere, marked). --unanswered keeps the ones that
still wait for an answer (unanswered, draft, failed); --older-than 7d the ones received before
then.`,
		Args: cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			f := store.ReviewFilter{Source: source, Language: language, Rating: rating, Limit: limit}
			if unanswered {
				f.State = "open"
			}
			if age != "" {
				d, err := parseAge(age)
				if err != nil {
					return err
				}
				f.OlderThan = d
			}
			list, err := db.Reviews(ctx, f)
			if err != nil {
				return err
			}
			return e.writeReviews(format, list)
		}),
	}
	list.Flags().BoolVar(&unanswered, "unanswered", false, "only reviews that wait for an answer")
	list.Flags().StringVar(&format, "format", "table", "table, json or csv")
	list.Flags().StringVar(&source, "source", "", "only this source (its name)")
	list.Flags().StringVar(&language, "language", "", "only this language (ja, en, other)")
	list.Flags().IntVar(&rating, "rating", 0, "only this many stars (1–5)")
	list.Flags().StringVar(&age, "older-than", "", "only reviews received before this long ago (7d, 48h)")
	list.Flags().IntVar(&limit, "limit", 500, "at most this many reviews")

	var (
		text, actor  string
		mark, noWait bool
	)
	reply := &cobra.Command{
		Use:   "reply ID --text TEXT [--mark] [--queue-only]",
		Short: "Send a reply to a review through the outbox, or mark it answered",
		Long: `Send TEXT as the reply to review ID, the way the Send button does: checked against the
store's limit, queued in the outbox (sent once), then posted here and now unless --queue-only
(koe serve posts it then). Prints what the store answered. For a site without a reply API, reply
on the site and record it with --mark.`,
		Args: cobra.ExactArgs(1),
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return fmt.Errorf("%s", e.say().T("cli.reviews.bad_id", "Value", args[0]))
			}
			return e.replyToReview(ctx, db.DB, e.repliers(db.DB), id, text, e.actor(actor), mark, !noWait)
		}),
	}
	reply.Flags().StringVar(&text, "text", "", "the reply")
	reply.Flags().StringVar(&actor, "actor", "", "who replies, for the audit log (default cli:$USER)")
	reply.Flags().BoolVar(&mark, "mark", false, "record that the review was answered on its site (no reply API)")
	reply.Flags().BoolVar(&noWait, "queue-only", false, "queue the reply for koe serve instead of posting it now")
	var batch int
	check := &cobra.Command{
		Use:   "check [--limit N]",
		Short: "Ask the stores now which reviews were answered outside Koe",
		Long: `Ask the stores with a reply API what reply they show on up to N reviews not asked about
in the last day, and mark the ones answered in the store's own console as answered elsewhere
(koe serve does it every hour). Prints answered_elsewhere=N.`,
		Args: cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			w := &reviews.Worker{Store: db.DB, Repliers: e.repliers(db.DB), Log: e.newLogger(), CheckBatch: batch}
			n, err := w.CheckElsewhere(ctx, nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "answered_elsewhere=%d\n", n)
			return nil
		}),
	}
	check.Flags().IntVar(&batch, "limit", 50, "ask about at most this many reviews")
	cmd.AddCommand(list, reply, check)
	return cmd
}

// replyToReview sends (or, with mark, records) a reply and says what happened; with post, it
// posts the queued reply now through the reply worker.
func (e *env) replyToReview(ctx context.Context, db *store.DB, rep reviews.Repliers, id int64, text, actor string, mark, post bool) error {
	p := e.say()
	svc := &reviews.Service{Store: db, Repliers: rep, App: e.cfg.CompanyName}
	rv, err := db.Review(ctx, id)
	if err != nil {
		return err
	}
	if mark {
		if err := svc.Mark(ctx, id, text, actor); err != nil {
			return e.replyError(err, rv)
		}
		fmt.Fprintln(e.stdout, p.T("cli.reviews.marked", "ID", id))
		return nil
	}
	if err := svc.Send(ctx, id, text, actor); err != nil {
		return e.replyError(err, rv)
	}
	if !post {
		fmt.Fprintln(e.stdout, p.T("cli.reviews.queued", "ID", id, "Source", rv.SourceName))
		return nil
	}
	w := &reviews.Worker{Store: db, Repliers: rep, Log: e.newLogger()}
	if _, err := w.Drain(ctx); err != nil {
		return err
	}
	if rv, err = db.Review(ctx, id); err != nil {
		return err
	}
	switch rv.Reply.State {
	case store.ReplySent:
		fmt.Fprintln(e.stdout, p.T("cli.reviews.sent", "ID", id, "Source", rv.SourceName))
		return nil
	case store.ReplyFailed:
		return fmt.Errorf("%s", p.T("cli.reviews.failed", "ID", id, "Source", rv.SourceName, "Error", rv.Reply.StoreError))
	}
	fmt.Fprintln(e.stdout, p.T("cli.reviews.retrying", "ID", id, "Source", rv.SourceName))
	return nil
}

// replyError says why a reply was refused, in the reader's words.
func (e *env) replyError(err error, rv store.Review) error {
	p := e.say()
	var tooLong *reviews.TooLongError
	switch {
	case errors.As(err, &tooLong):
		return fmt.Errorf("%s", p.T("cli.reviews.too_long", "Len", tooLong.Len, "Max", tooLong.Max, "Source", rv.SourceName))
	case errors.Is(err, replies.ErrNoReplyAPI):
		return fmt.Errorf("%s", p.T("cli.reviews.no_api", "Source", rv.SourceName, "ID", rv.ID, "URL", rv.URL))
	case errors.Is(err, store.ErrReplyInFlight):
		return fmt.Errorf("%s", p.T("cli.reviews.in_flight", "ID", rv.ID))
	case errors.Is(err, reviews.ErrEmpty):
		return fmt.Errorf("%s", p.T("cli.reviews.empty"))
	}
	return err
}

// parseAge reads 7d or a Go duration (48h).
func parseAge(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(d); err == nil && n >= 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("--older-than %q: use days (7d) or hours (48h)", s)
	}
	return d, nil
}

// reviewJSON is a review as `koe reviews list --format json` writes it.
type reviewJSON struct {
	ID         int64    `json:"id"`
	ReceivedAt string   `json:"received_at"`
	Source     string   `json:"source"`
	SourceID   string   `json:"source_id"`
	Rating     *float64 `json:"rating"`
	Language   string   `json:"language"`
	Author     string   `json:"author"`
	Account    string   `json:"account"`
	Title      string   `json:"title"`
	Text       string   `json:"text"`
	URL        string   `json:"url"`
	State      string   `json:"state"`
	Reply      string   `json:"reply"`
	StoreError string   `json:"store_error"`
}

func (e *env) writeReviews(format string, list []store.Review) error {
	rows := make([]reviewJSON, len(list))
	for i, r := range list {
		rows[i] = reviewJSON{ID: r.ID, ReceivedAt: r.ReceivedAt.UTC().Format(time.RFC3339), Source: r.SourceName, SourceID: r.SourceID,
			Rating: r.Rating, Language: r.Language, Author: r.AuthorName, Account: r.AccountName, Title: r.Title, Text: r.Body, URL: r.URL,
			State: string(r.Reply.State), Reply: r.Reply.Draft, StoreError: r.Reply.StoreError}
	}
	switch format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	case "csv":
		w := safecsv.NewWriter(e.stdout)
		_ = w.Write([]string{"id", "received_at", "source", "source_id", "rating", "language", "author", "account", "title", "text", "url", "state", "reply", "store_error"})
		for _, r := range rows {
			rating := ""
			if r.Rating != nil {
				rating = strconv.FormatFloat(*r.Rating, 'f', -1, 64)
			}
			_ = w.Write([]string{strconv.FormatInt(r.ID, 10), r.ReceivedAt, r.Source, r.SourceID, rating, r.Language, r.Author, r.Account,
				r.Title, r.Text, r.URL, r.State, r.Reply, r.StoreError})
		}
		w.Flush()
		return w.Error()
	case "table":
		// The states are codes, as scripts read them in every language; only the heading is translated.
		p := e.say()
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, p.T("cli.reviews.columns"))
		for _, r := range list {
			stars := "-"
			if r.Rating != nil {
				stars = strconv.FormatFloat(*r.Rating, 'f', -1, 64)
			}
			words := strings.Join(strings.Fields(strings.TrimSpace(r.Title+" "+r.Body)), " ")
			if rs := []rune(words); len(rs) > 50 {
				words = string(rs[:50]) + "…"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, e.day(r.ReceivedAt), r.SourceName, stars, r.Language,
				r.Reply.State, words)
		}
		return w.Flush()
	}
	return fmt.Errorf("--format %q: use table, json or csv", format)
}
