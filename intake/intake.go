// Package intake is the one door voices come in by. Every entry point — `koe ingest`, the
// configured sources (`koe serve`, `koe sources run`), the REST API, Slack capture and the demo —
// hands its voices to a Service, which stores them through the ingest pipeline, queues the Slack
// messages its rules make of the new ones in the same transaction, learns sentiment from the
// rated reviews among them and scores the others with it (sentiment.go), and then stores request
// suggestions for them.
package intake

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/triage"
)

// Service stores voices from any entry point. It is safe for concurrent use once set up.
type Service struct {
	DB *store.DB
	// Rules turns the voices a batch adds into outbox messages (the Slack bot's rules,
	// slackbot.Config.Messages); nothing is queued when nil.
	Rules func(added []feedback.Item) []store.OutboxMessage
	// ExtraFreeMail are mail domains, besides the known free ones, that say nothing of a
	// voice's company.
	ExtraFreeMail []string
	// Log hears of suggestions that failed after the voices were stored.
	Log *slog.Logger
	// Bound is how many of a run's new voices a command without Start suggests for before it
	// returns (the newest; 5,000 when zero): the rest are left to `koe serve`, which suggests in
	// the background, and to the pages that show them.
	Bound int

	// live is the suggester this process keeps, learning the links people make.
	live triage.Live

	// suggesting makes this process's suggestion runs take turns: two at once would both take
	// the same new voices; the one that waited finds them done. (Replicas take turns in
	// store.SaveSuggestions.)
	suggesting sync.Mutex
	// kick, once Start has run, asks the background loop for a suggestion run.
	kick chan struct{}
	// sentiment is the learned sentiment model (sentiment.go).
	sentiment sentimentModel
}

// Start suggests in the background until ctx ends (koe serve): Ingest then returns as soon as
// the voices are stored, and voices posted one by one through the API share a suggestion run
// rather than each building the suggester over every request. Without Start, Ingest suggests
// before it returns — what a command that exits next needs. Call Start before the service is
// shared.
func (s *Service) Start(ctx context.Context) {
	s.kick = make(chan struct{}, 1)
	s.kick <- struct{}{} // what an import (or another replica) left behind
	go func() {
		tick := time.NewTicker(time.Minute)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.kick:
			case <-tick.C:
			}
			s.learnSentiment(ctx, "")
			if _, err := s.suggestRecent(ctx); err != nil && ctx.Err() == nil {
				s.log().Warn("suggestions for the new voices failed", "err", err)
			}
		}
	}()
}

// Run is one run's own settings.
type Run struct {
	// SourceType names the kind of source in the run records (ingest.Pipeline.SourceType).
	SourceType string
	Progress   func(ingest.Counts)
	Problem    func(ingest.Problem)
	// Index matches voices to accounts instead of one built for this run (the API keeps one).
	Index *accounts.Index
	// NoRunRecord leaves the run out of ingest_runs (one posted voice is not a run).
	NoRunRecord bool
}

// Ingest reads src from its saved cursor to the end, storing its voices with their Slack
// messages, and suggests requests for the recent ones it added (triage.Recent). After Start that
// happens in the background and Ingest returns as soon as the voices are stored. Without Start
// (a command that exits next) suggestions run beside the storing, on what is stored so far, for
// at most Bound voices, and Ingest waits only for the last batch: a large import is never held
// up by its suggestions, and `koe serve` or the pages that show the voices do the rest. The
// counts and error are the pipeline's: voices stored before an error stay stored. A failure to
// suggest is logged, not returned.
func (s *Service) Ingest(ctx context.Context, src ingest.Source, r Run) (ingest.Counts, error) {
	rs := s.sentimentScorer(ctx)
	p := &ingest.Pipeline{Store: s.DB, Rules: s.Rules, ExtraFreeMail: s.ExtraFreeMail, SourceType: r.SourceType,
		Progress: r.Progress, Problem: r.Problem, Index: r.Index, NoRunRecord: r.NoRunRecord,
		Sentiment: rs.score, Learn: rs.learn}
	if rs.stored != nil {
		rules := s.Rules
		p.Rules = func(added []feedback.Item) []store.OutboxMessage {
			rs.stored(added)
			if rules == nil {
				return nil
			}
			return rules(added)
		}
	}
	if s.kick != nil {
		c, err := p.Run(ctx, src)
		rs.scored(c)
		if c.New+c.Updated > 0 {
			select {
			case s.kick <- struct{}{}:
			default: // a run is asked for already; it will find these voices too
			}
		}
		return c, err
	}
	stored := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := s.suggestBeside(ctx, stored); err != nil {
			s.log().Warn("suggestions for the new voices failed", "source", src.Name(), "err", err)
		}
	}()
	c, err := p.Run(ctx, src)
	close(stored)
	rs.scored(c)
	if c.New+c.Updated > 0 {
		s.learnSentiment(ctx, src.Name())
	}
	<-done
	return c, err
}

// suggestBeside suggests for recent new voices while the pipeline stores (until stored closes),
// in batches as they appear, and then once more, up to s.Bound voices in all.
func (s *Service) suggestBeside(ctx context.Context, stored <-chan struct{}) (int, error) {
	s.suggesting.Lock()
	defer s.suggesting.Unlock()
	bound := s.Bound
	if bound <= 0 {
		bound = 5000
	}
	total := 0
	for {
		finished := false
		select {
		case <-stored:
			finished = true
		case <-ctx.Done():
			return total, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		n, err := triage.SuggestNew(ctx, s.DB, &s.live, time.Now().Add(-triage.Recent), bound-total)
		total += n
		if err != nil || finished || total >= bound {
			return total, err
		}
	}
}

// Replace empties the database and loads ds (the demo's data), then suggests requests for its
// new voices. Its voices are history, not news: no Slack message is queued for them.
func (s *Service) Replace(ctx context.Context, ds feedback.Dataset) error {
	if err := s.DB.ReplaceAll(ctx, ds); err != nil {
		return err
	}
	if err := s.forgetSentiment(ctx); err != nil {
		return err
	}
	_, err := s.Suggest(ctx)
	return err
}

// Suggest stores the top three request suggestions of every new voice that has none, however
// old (`koe triage suggest`, the demo's data), and returns how many voices it did.
func (s *Service) Suggest(ctx context.Context) (int, error) {
	s.suggesting.Lock()
	defer s.suggesting.Unlock()
	return triage.SuggestNew(ctx, s.DB, &s.live, time.Time{}, 0)
}

// suggestRecent is Suggest for the recent voices only (triage.Recent): the background's work.
func (s *Service) suggestRecent(ctx context.Context) (int, error) {
	s.suggesting.Lock()
	defer s.suggesting.Unlock()
	return triage.SuggestNew(ctx, s.DB, &s.live, time.Now().Add(-triage.Recent), 0)
}

// SuggestVoices stores suggestions for those of ids still without any (history an import left),
// for a page about to show them, and returns how many it did.
func (s *Service) SuggestVoices(ctx context.Context, ids []int64) (int, error) {
	return triage.SuggestVoices(ctx, s.DB, &s.live, ids)
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}
