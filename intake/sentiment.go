package intake

import (
	"context"
	"math"
	"sync"
	"sync/atomic"

	"github.com/koehq/koe/feedback"
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
	// until is the last voice a run stored with the rules' sentiment because the model had not
	// learned enough yet (0: none): the next learning scores the voices up to it with the model
	// once it has.
	until atomic.Int64
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
	return s.learnAndScore(ctx, all, math.MaxInt64)
}

// learnAndScore is LearnSentiment, rescoring only the voices up to the id until (none for 0).
func (s *Service) learnAndScore(ctx context.Context, all bool, until int64) (learned, changed int, err error) {
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
	if m.Examples() < textproc.ModelMinExamples {
		if until > 0 {
			s.sentiment.rescoreUntil(until) // for the first learning that has learned enough
		}
		return learned, 0, nil
	}
	if until == 0 {
		return learned, 0, nil
	}
	s.sentiment.rescorings.Add(1)
	changed, err = s.DB.RescoreSentiment(ctx, all, until, func(v store.UnratedVoice) float64 {
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

// runSentiment is how one run scores and learns (ingest.Pipeline.Sentiment and Learn), and what
// it asks of the learning after it.
type runSentiment struct {
	score func(sourceID, text string) (float64, string)
	// learn is nil when the model had learned enough when the run started.
	learn func(text string, positive bool)
	// stored sees the voices each batch adds, with their ids; nil when learn is.
	stored func(added []feedback.Item)
	// scored is called with the run's counts once it has stored everything.
	scored func(ingest.Counts)
}

// matureExamples is how many reviews a model learning from a run's own reviews (runModel) has
// learned before the run's voices are scored with it rather than by the rules: forty times what
// the stored model needs before it is listened to at all (textproc.ModelMinExamples). Chosen, not
// tuned: no voice of an import is scored by a model that learned from fewer.
const matureExamples = 2000

// snapshotEvery is how many more reviews a learning run's model learns before the voices after
// them are scored with what it learned (a copy of the model, taken then).
const snapshotEvery = 2000

// runModel scores the voices of a run that started before the model had learned
// textproc.ModelMinExamples: it learns from the run's own rated reviews as they are read, scores
// with the rules until it has learned matureExamples, then with the model as it stands (a copy
// taken every snapshotEvery reviews). The voices the rules scored are rescored with the model
// learned from every review once the run is stored (learnSentiment), and only those: an import of
// 200,000 voices with 50,000 reviews no longer rewrote the sentiment of most of its voices after
// storing them. What it learns here is only for scoring: the store learns from the stored reviews
// after the run, as from any other.
type runModel struct {
	learning *textproc.Model // the model as stored at the start, and the run's reviews since
	scoring  *textproc.Model // the copy voices are scored with; nil until matureExamples
	since    int             // reviews learned since scoring was taken

	mu       sync.Mutex
	young    map[string]bool // source ids of the voices the rules scored
	youngMax int64           // the largest id the store gave one of them
	tooMany  bool            // more than youngKept: every voice since the last rescoring is rescored
}

// youngKept is how many source ids of voices the rules scored a run keeps (about 10 MB) to find
// the last of them; a run with more rescores as if its model never learned enough.
const youngKept = 100_000

func (r *runModel) learn(text string, positive bool) {
	r.learning.Learn(text, positive)
	r.since++
	if r.learning.Examples() >= matureExamples && (r.scoring == nil || r.since >= snapshotEvery) {
		r.scoring, r.since = r.learning.Clone(), 0
	}
}

func (r *runModel) score(sourceID, text string) (float64, string) {
	if r.scoring != nil {
		return textproc.SentimentWith(r.scoring, text)
	}
	r.mu.Lock()
	if len(r.young) < youngKept {
		r.young[sourceID] = true
	} else {
		r.tooMany = true
	}
	r.mu.Unlock()
	return textproc.Sentiment(text)
}

func (r *runModel) stored(added []feedback.Item) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, it := range added {
		if r.young[it.SourceID] {
			r.youngMax = max(r.youngMax, it.ID)
		}
	}
}

// sentimentScorer is what a run scores its voices with: the model this process holds once it
// has learned enough — looked for in the store when the one held has not, as another process may
// have taught it — else a runModel, which learns from the run's reviews. A run that stored voices
// with the rules' score asks the next learning to score them with the model: up to the last such
// voice when the run's model learned enough on the way, else every voice since the last rescoring.
func (s *Service) sentimentScorer(ctx context.Context) runSentiment {
	m := s.sentiment.cur.Load()
	if m.Examples() < textproc.ModelMinExamples {
		var err error
		if m, err = s.sentimentModel(ctx); err != nil {
			s.log().Warn("loading the sentiment model failed: the rules score this run", "err", err)
			m = nil
		}
	}
	if m.Examples() >= textproc.ModelMinExamples {
		return runSentiment{
			score:  func(_, text string) (float64, string) { return textproc.SentimentWith(m, text) },
			scored: func(ingest.Counts) {},
		}
	}
	r := &runModel{learning: textproc.NewModel(), young: map[string]bool{}}
	if m != nil {
		r.learning = m.Clone()
	}
	return runSentiment{score: r.score, learn: r.learn, stored: r.stored, scored: func(c ingest.Counts) {
		r.mu.Lock()
		until, tooMany := r.youngMax, r.tooMany
		r.mu.Unlock()
		if (r.scoring == nil || tooMany) && c.New+c.Updated > 0 {
			// The model never learned enough here: the first learning that has rescores every
			// voice stored since the last rescoring, this replica's or another's.
			until = math.MaxInt64
		}
		if until > 0 {
			s.sentiment.rescoreUntil(until)
		}
	}}
}

// rescoreUntil asks the next learning to rescore the voices up to id (those a run stored with
// the rules' score).
func (m *sentimentModel) rescoreUntil(id int64) {
	for {
		cur := m.until.Load()
		if cur >= id || m.until.CompareAndSwap(cur, id) {
			return
		}
	}
}

// learnSentiment is learning after an intake (source names it; "" in the background): it scores
// with the model only the voices a run stored with the rules' score — those stored after the
// model was ready have its score already. A failure is logged, not returned — the voices are in,
// and the next intake catches up.
func (s *Service) learnSentiment(ctx context.Context, source string) {
	until := s.sentiment.until.Swap(0)
	if _, _, err := s.learnAndScore(ctx, false, until); err != nil {
		if until > 0 {
			s.sentiment.rescoreUntil(until)
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
