package accounts

import (
	"context"
	"fmt"
	"io"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// Result is what one import or sync did.
type Result struct {
	Source    string
	Counts    feedback.SyncCounts
	Problems  []Problem
	Rematched int
	Encoding  string // CSV only
}

// Summary is the last line an import ("imported") or sync ("synced") prints.
func (r Result) Summary(verb string) string {
	c := r.Counts
	return fmt.Sprintf("%s source=%s read=%d new=%d updated=%d unchanged=%d skipped=%d failed=%d rematched=%d",
		verb, r.Source, c.Read, c.New, c.Updated, c.Unchanged, c.Skipped, c.Failed, r.Rematched)
}

// Options are shared by every sync.
type Options struct {
	// ExtraFreeMail extends FreeMailDomains (KOE_FREEMAIL_DOMAINS).
	ExtraFreeMail []string
	// Full ignores the saved cursor and reads everything again.
	Full bool
}

// ImportCSV imports an account CSV in one transaction: rows with problems are skipped and
// reported by line, the rest land together or not at all. Voices are then re-matched.
func ImportCSV(ctx context.Context, st *store.DB, name string, r io.Reader, opts Options) (Result, error) {
	res := Result{Source: "csv"}
	parsed, err := ParseCSV(name, r)
	if err != nil {
		return res, err
	}
	res.Encoding, res.Problems = parsed.Encoding, parsed.Problems
	err = recordRun(ctx, st, "accounts", "csv:"+name, &res, func() error {
		counts, err := st.SaveAccounts(ctx, store.AccountBatch{Source: "csv", Fields: parsed.Fields, Records: parsed.Records})
		if err != nil {
			return err
		}
		res.Counts.Add(counts)
		res.Counts.Read = parsed.Rows
		res.Counts.Skipped = parsed.Rows - len(parsed.Records)
		return nil
	})
	if err != nil {
		return res, err
	}
	return res, rematch(ctx, st, &res, opts)
}

// recordRun runs fn as a recorded run of kind/name.
func recordRun(ctx context.Context, st *store.DB, kind, name string, res *Result, fn func() error) error {
	id, err := st.StartRun(ctx, kind, name)
	if err != nil {
		return err
	}
	runErr := fn()
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
	}
	// The run's record is written even when ctx was cancelled mid-run.
	if err := st.FinishRun(context.WithoutCancel(ctx), id, res.Counts, msg); err != nil && runErr == nil {
		return err
	}
	return runErr
}

func rematch(ctx context.Context, st *store.DB, res *Result, opts Options) error {
	n, err := Rematch(ctx, st, opts.ExtraFreeMail)
	res.Rematched = n
	return err
}
