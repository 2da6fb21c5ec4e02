package intake

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/textproc"
	"github.com/koehq/koe/store"
)

// sentimentModel is this process's copy of the stored sentiment model.
type sentimentModel struct {
	// mu makes this process's learning runs take turns (replicas take turns in the store).
	mu sync.Mutex
	// cur is the latest model this process loaded or learned. A model stored here is never
	// changed again (learning stores a changed clone), so runs score with it from their own
	// goroutines while the process goes on learning.
	cur atomic.Pointer[textproc.Model]
	// rulesScored is set when a run stored voices with the rules' sentiment because the model had
	// not learned enough yet: the next learning scores them with the model once it has.
	rulesScored atomic.Bool
	// rescorings counts the rescorings run (what tests look at: a voice scored by the model when
	// stored is not rewritten after).
	rescorings atomic.Int64
}

// Learning runs where suggestions run, just before them: in the background after Start (so a
// voice posted to the API never waits for a rescoring), else before Ingest returns.

// LearnSentiment learns from the rated reviews stored since the model last learned, then scores
// with rules and model together (textproc.SentimentWith) the voices without a rating stored since
// the last scoring — every one of them with all. Until the model has learned from
// textproc.ModelMinExamples reviews it scores nothing: the rules' score, stored with each voice,
// is the answer, and the first scoring that counts reaches back to those voices. It returns how
// many reviews it learned from and how many voices' sentiment changed.
func (s *Service) LearnSentiment(ctx context.Context, all bool) (learned, changed int, err error) {
	return s.learnAndScore(ctx, all, true)
}

// learnAndScore is LearnSentiment; with rescore unset it only learns.
func (s *Service) learnAndScore(ctx context.Context, all, rescore bool) (learned, changed int, err error) {
	s.sentiment.mu.Lock()
	defer s.sentiment.mu.Unlock()
	delta := textproc.NewModel()
	before, after, learned, err := s.DB.LearnSentiment(ctx, func(batch []store.RatedText) store.SentimentModel {
		d := textproc.NewModel()
		for _, r := range batch {
			d.Learn(r.Text, r.Positive)
		}
		delta.Add(d)
		return store.SentimentModel{Docs: d.Docs, Tokens: d.Tokens, Counts: d.Counts}
	})
	if err != nil {
		return 0, 0, err
	}
	if m := s.sentiment.cur.Load(); m != nil && m.Version == before && after == before+1 && learned > 0 {
		// Only this learning changed the stored model (not another replica's, nor a reset):
		// no need to load it again. The model held stays as it is: runs may be scoring with it.
		next := m.Clone()
		next.Add(delta)
		next.Version = after
		s.sentiment.cur.CompareAndSwap(m, next)
	}
	m, err := s.sentimentModel(ctx)
	if err != nil {
		return learned, 0, err
	}
	if !rescore || m.Examples() < textproc.ModelMinExamples {
		return learned, 0, nil
	}
	s.sentiment.rescorings.Add(1)
	changed, err = s.DB.RescoreSentiment(ctx, all, func(v store.UnratedVoice) float64 {
		score, _ := textproc.SentimentWith(m, v.Text)
		return score
	})
	return learned, changed, err
}

// sentimentModel is the stored model, loaded again only when its version moved (another replica
// learned, or the model was reset).
func (s *Service) sentimentModel(ctx context.Context) (*textproc.Model, error) {
	v, err := s.DB.SentimentVersion(ctx)
	if err != nil {
		return nil, err
	}
	held := s.sentiment.cur.Load()
	if held != nil && held.Version == v {
		return held, nil
	}
	stored, err := s.DB.SentimentModelCounts(ctx)
	if err != nil {
		return nil, err
	}
	m := &textproc.Model{Version: stored.Version, Docs: stored.Docs, Tokens: stored.Tokens, Counts: stored.Counts}
	s.sentiment.cur.CompareAndSwap(held, m)
	return m, nil
}

// sentimentScorer is what a run scores its voices with (ingest.Pipeline.Sentiment): the model
// this process holds once it has learned enough — looked for in the store when the one held has
// not, as another process may have taught it — else nil, the rules. scored is to be called with
// the run's counts: a run that stored voices with the rules' score asks the next learning to
// score them with the model.
func (s *Service) sentimentScorer(ctx context.Context) (score func(string) (float64, string), scored func(ingest.Counts)) {
	m := s.sentiment.cur.Load()
	if m.Examples() < textproc.ModelMinExamples {
		var err error
		if m, err = s.sentimentModel(ctx); err != nil {
			s.log().Warn("loading the sentiment model failed: the rules score this run", "err", err)
			m = nil
		}
	}
	if m.Examples() < textproc.ModelMinExamples {
		return nil, func(c ingest.Counts) {
			if c.New+c.Updated > 0 {
				s.sentiment.rulesScored.Store(true)
			}
		}
	}
	return func(text string) (float64, string) { return textproc.SentimentWith(m, text) }, func(ingest.Counts) {}
}

// learnSentiment is learning after an intake (source names it; "" in the background): it scores
// with the model only the voices a run stored with the rules' score — those stored after the
// model was ready have its score already. A failure is logged, not returned — the voices are in,
// and the next intake catches up.
func (s *Service) learnSentiment(ctx context.Context, source string) {
	rescore := s.sentiment.rulesScored.Swap(false)
	if _, _, err := s.learnAndScore(ctx, false, rescore); err != nil {
		if rescore {
			s.sentiment.rulesScored.Store(true)
		}
		if ctx.Err() == nil {
			s.log().Warn("learning sentiment from the new reviews failed", "source", source, "err", err)
		}
	}
}

// RelearnSentiment forgets the model, learns again from every rated review stored now, and scores
// every voice without a rating with it (`koe sentiment model --relearn`).
func (s *Service) RelearnSentiment(ctx context.Context) (learned, changed int, err error) {
	if err := s.DB.ResetSentimentModel(ctx); err != nil {
		return 0, 0, err
	}
	return s.LearnSentiment(ctx, true)
}

// forgetSentiment forgets the model and learns from the voices stored now, leaving their
// sentiment as it came (Replace: its voices are history, with the sentiment their dataset gave
// them, and took the ids of those the model learned from).
func (s *Service) forgetSentiment(ctx context.Context) error {
	if err := s.DB.ResetSentimentModel(ctx); err != nil {
		return err
	}
	_, _, err := s.LearnSentiment(ctx, false)
	return err
}
