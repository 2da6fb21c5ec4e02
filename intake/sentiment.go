package intake

import (
	"context"
	"sync"

	"github.com/koehq/koe/ingest/textproc"
	"github.com/koehq/koe/store"
)

// sentimentModel is this process's copy of the stored sentiment model. Its lock also makes this
// process's learning runs take turns (replicas take turns in the store).
type sentimentModel struct {
	mu sync.Mutex
	m  *textproc.Model
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
	if m := s.sentiment.m; m != nil && m.Version == before && after == before+1 && learned > 0 {
		// Only this learning changed the stored model (not another replica's, nor a reset):
		// no need to load it again.
		m.Add(delta)
		m.Version = after
	}
	m, err := s.sentimentModel(ctx)
	if err != nil {
		return learned, 0, err
	}
	if m.Examples() < textproc.ModelMinExamples {
		return learned, 0, nil
	}
	changed, err = s.DB.RescoreSentiment(ctx, all, func(v store.UnratedVoice) float64 {
		score, _ := textproc.SentimentWith(m, v.Text)
		return score
	})
	return learned, changed, err
}

// sentimentModel is the stored model, loaded again only when its version moved (another replica
// learned, or the model was reset). The caller holds s.sentiment.mu.
func (s *Service) sentimentModel(ctx context.Context) (*textproc.Model, error) {
	v, err := s.DB.SentimentVersion(ctx)
	if err != nil {
		return nil, err
	}
	if s.sentiment.m != nil && s.sentiment.m.Version == v {
		return s.sentiment.m, nil
	}
	stored, err := s.DB.SentimentModelCounts(ctx)
	if err != nil {
		return nil, err
	}
	s.sentiment.m = &textproc.Model{Version: stored.Version, Docs: stored.Docs, Tokens: stored.Tokens, Counts: stored.Counts}
	return s.sentiment.m, nil
}

// learnSentiment is LearnSentiment after an intake (source names it; "" in the background): a
// failure is logged, not returned — the voices are in with the rules' sentiment, and the next
// intake catches up.
func (s *Service) learnSentiment(ctx context.Context, source string) {
	if _, _, err := s.LearnSentiment(ctx, false); err != nil && ctx.Err() == nil {
		s.log().Warn("learning sentiment from the new reviews failed", "source", source, "err", err)
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
