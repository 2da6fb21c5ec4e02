package sources

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/store"
)

// Runner runs configured sources on their intervals. Every replica of `koe serve` runs one; an
// advisory lock per source makes sure a source runs on one replica at a time, and the due check
// is repeated under the lock so a run that just finished elsewhere is not repeated.
type Runner struct {
	Store *store.DB
	// Intake stores what a run reads (with the Slack rules and suggestions).
	Intake *intake.Service
	Getenv func(string) string
	Log    *slog.Logger
	// Poll is how often due sources are looked for; 30s by default.
	Poll time.Duration
	Now  func() time.Time
	// Observe, when set, hears of every run (for /metrics).
	Observe func(source string, c ingest.Counts, err error)
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Run runs due sources until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	poll := r.Poll
	if poll <= 0 {
		poll = 30 * time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("sources: looking for due sources failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue runs every source that is due and not running elsewhere, one after another, and returns
// the names it ran.
func (r *Runner) RunDue(ctx context.Context) ([]string, error) {
	due, err := r.Store.DueSources(ctx, r.now())
	if err != nil {
		return nil, err
	}
	var ran []string
	for _, s := range due {
		if ctx.Err() != nil {
			break
		}
		did, _, err := r.runWith(ctx, s.Name, true, nil, nil)
		if err != nil {
			r.Log.Warn("source run failed", "source", s.Name, "err", err)
		}
		if did {
			ran = append(ran, s.Name)
		}
	}
	return ran, nil
}

// RunOne runs the named source now, whether due or not; it refuses if it runs elsewhere.
func (r *Runner) RunOne(ctx context.Context, name string, progress func(ingest.Counts), problem func(ingest.Problem)) (ingest.Counts, error) {
	did, c, err := r.runWith(ctx, name, false, progress, problem)
	if err == nil && !did {
		return c, feedback.Errorf(feedback.ECONFLICT, "Source %q is running on another replica right now: try again when it is done.", name)
	}
	return c, err
}

func (r *Runner) runWith(ctx context.Context, name string, onlyIfDue bool, progress func(ingest.Counts), problem func(ingest.Problem)) (bool, ingest.Counts, error) {
	release, ok, err := r.Store.TryLock(ctx, "koe-source:"+name)
	if err != nil || !ok {
		return false, ingest.Counts{}, err
	}
	defer release()
	var s store.ConfiguredSource
	if onlyIfDue { // due again under the lock: another replica may have run it while we waited
		var due bool
		if s, due, err = r.Store.DueSource(ctx, name, r.now()); err != nil || !due {
			return false, ingest.Counts{}, err
		}
	} else if s, err = r.Store.Source(ctx, name); err != nil {
		return false, ingest.Counts{}, err
	}
	var st Settings
	if err := json.Unmarshal(s.Config, &st); err != nil || st.Kind == "" {
		return false, ingest.Counts{}, fmt.Errorf("source %s: its settings are not readable: remove it and add it again", name)
	}
	st.Name = s.Name
	src, err := Build(st, r.Getenv)
	if err != nil {
		// Recorded as a run, so that the error shows and the source waits its interval.
		if id, serr := r.Store.StartRun(ctx, st.Kind, name); serr == nil {
			_ = r.Store.FinishRun(ctx, id, feedback.SyncCounts{}, err.Error())
		}
		return true, ingest.Counts{}, err
	}
	log := r.Log.With("source", name, "kind", st.Kind)
	start := time.Now()
	c, err := r.Intake.Ingest(ctx, src, intake.Run{SourceType: st.Kind, Progress: progress, Problem: problem})
	log.Info("source run", "read", c.Read, "new", c.New, "duplicate", c.Duplicate+c.Updated, "skipped", c.Skipped,
		"failed", c.Failed, "duration_ms", time.Since(start).Milliseconds(), "ok", err == nil)
	if r.Observe != nil {
		r.Observe(name, c, err)
	}
	return true, c, err
}
