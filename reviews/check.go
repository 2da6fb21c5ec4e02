package reviews

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/koehq/koe/replies"
)

// CheckElsewhere asks the stores what reply they show on up to CheckBatch reviews not asked
// about for Recheck, of the sources named (every source with reviews when nil), and marks the
// ones answered in the store's own console; before asking, it reads the raw records written
// since they were last read (ReadRaw), which need no call. Sites without a reply API are skipped. It returns
// how many reviews it found answered elsewhere; one review's failure does not stop the others.
//
// It only reads w's settings, so it may run beside Run.
func (w *Worker) CheckElsewhere(ctx context.Context, sources []string) (int, error) {
	log, batch, recheck := w.Log, w.CheckBatch, w.Recheck
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if batch == 0 {
		batch = 50
	}
	if recheck == 0 {
		recheck = 24 * time.Hour
	}
	// The raw records first: what ingest already saw needs no call to the store.
	_, found, err := ReadRaw(ctx, w.Store, log, nil, batch)
	if err != nil {
		return 0, err
	}
	if sources == nil {
		if sources, err = w.Store.ReviewSources(ctx); err != nil {
			return found, err
		}
	}
	repliers := map[string]replies.Replier{}
	var names []string
	for _, name := range sources {
		r, err := w.Repliers(name)
		if errors.Is(err, replies.ErrNoReplyAPI) {
			continue
		}
		if err != nil {
			log.Warn("review replies: replier", "source", name, "err", err)
			continue
		}
		repliers[name] = r
		names = append(names, name)
	}
	if len(names) == 0 {
		return found, nil
	}
	list, err := w.Store.ReviewsToCheck(ctx, names, time.Now().Add(-recheck), batch)
	if err != nil {
		return found, err
	}
	failed := 0
	var last error
	for _, rv := range list {
		cur, err := repliers[rv.SourceName].Current(ctx, rv.SourceID)
		if err != nil {
			// Counted as asked, so that a review the store cannot answer about (removed, say)
			// does not hold the head of every batch; it is asked again after Recheck.
			failed++
			last = fmt.Errorf("review %d: %w", rv.ID, err)
			if _, err := w.Store.ReplyChecked(ctx, rv.ID, ""); err != nil {
				return found, err
			}
			continue
		}
		text := ""
		if cur != nil {
			text = cur.Text
		}
		changed, err := w.Store.ReplyChecked(ctx, rv.ID, text)
		if err != nil {
			return found, err
		}
		if changed {
			found++
		}
	}
	if failed > 0 {
		log.Warn("review replies: check elsewhere", "failed", failed, "of", len(list), "last_err", last)
	}
	return found, nil
}
