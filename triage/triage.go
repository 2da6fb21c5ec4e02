// Package triage puts scoring to work on the stored feedback sheet: the ranked backlog with the
// configured weights, suggestions stored for each new voice, and candidate new requests grouped
// from voices that match no request well.
package triage

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
)

// WeightsKey is the setting that holds the ranking weights.
const WeightsKey = "scoring.weights"

// Weights returns the saved ranking weights, or the defaults.
func Weights(ctx context.Context, st *store.DB) (scoring.Weights, error) {
	w := scoring.DefaultWeights
	if _, err := st.Setting(ctx, WeightsKey, &w); err != nil {
		return w, err
	}
	return w, nil
}

// Query is what a view of the backlog asks for: the voices that count (Filter), the requests
// shown by status (Statuses; nil: the open ones, feedback.OpenStatuses), and the base currency
// every amount is converted to (Currency; JPY when empty).
type Query struct {
	Filter   feedback.BacklogFilter
	Statuses []feedback.RequestStatus
	Currency string
}

// Backlog is a ranking with what it was made with: the rates (for the working), and the
// accounts left out of it because their currency has no rate (for the warning).
type Backlog struct {
	Requests []scoring.Ranked
	Rates    feedback.Rates
	Missing  []scoring.Unconverted
}

// Rank ranks the requests q asks for by revenue at stake for the voices its filter lets through,
// in q's currency with the stored rates, and writes out the working of the first explain of them
// (all when explain < 0). Unfiltered, every request of those statuses is ranked; filtered, only
// those with voices that pass the filter.
func Rank(ctx context.Context, st *store.DB, q Query, w scoring.Weights, now time.Time, explain int) (Backlog, error) {
	if q.Currency == "" {
		q.Currency = "JPY"
	}
	statuses := q.Statuses
	if statuses == nil {
		statuses = feedback.OpenStatuses
	}
	rates, err := st.Rates(ctx, q.Currency)
	if err != nil {
		return Backlog{}, err
	}
	ranked, accounts, err := rank(ctx, st, q.Filter, rates, statuses, w, now)
	if err != nil {
		return Backlog{}, err
	}
	if explain < 0 || explain > len(ranked) {
		explain = len(ranked)
	}
	scoring.Explain(ranked[:explain], accounts, rates, w, now)
	scoring.Release(ranked)
	return Backlog{Requests: ranked, Rates: rates, Missing: scoring.MissingRates(ranked)}, nil
}

// shown keeps the requests whose status is one of statuses.
func shown(reqs []feedback.Request, statuses []feedback.RequestStatus) []feedback.Request {
	out := reqs[:0]
	for _, r := range reqs {
		if slices.Contains(statuses, r.Status) {
			out = append(out, r)
		}
	}
	return out
}

func rank(ctx context.Context, st *store.DB, f feedback.BacklogFilter, rates feedback.Rates, statuses []feedback.RequestStatus,
	w scoring.Weights, now time.Time) ([]scoring.Ranked, map[int64]feedback.Account, error) {
	if f == (feedback.BacklogFilter{}) {
		// The links are read (and their rows parsed) on one goroutine from the start; accounts
		// and requests load beside it; then the ranker takes the links as they come, in chunks.
		chunks := make(chan []feedback.VoiceLink, 256)
		readErr := make(chan error, 1)
		go func() {
			defer close(chunks)
			chunk := make([]feedback.VoiceLink, 0, 4096)
			readErr <- st.EachVoiceLink(ctx, f, rates, func(l feedback.VoiceLink) {
				chunk = append(chunk, l)
				if len(chunk) == cap(chunk) {
					chunks <- chunk
					chunk = make([]feedback.VoiceLink, 0, 4096)
				}
			})
			chunks <- chunk
		}()
		var (
			accounts map[int64]feedback.Account
			reqs     []feedback.Request
		)
		g, gctx := errgroup.WithContext(ctx)
		g.Go(func() (err error) { accounts, err = st.RankedAccounts(gctx, nil); return })
		g.Go(func() (err error) { reqs, err = st.RankedRequests(gctx); return })
		loadErr := g.Wait()
		r := scoring.NewRanker(shown(reqs, statuses), accounts, rates, w, now)
		for chunk := range chunks { // drained even after a load error, so the reader ends
			if loadErr == nil {
				for _, l := range chunk {
					r.Add(l)
				}
			}
		}
		if err := errors.Join(loadErr, <-readErr); err != nil {
			return nil, nil, err
		}
		return r.Ranked(), accounts, nil
	}
	// Filtered: the links and the (few, small) requests side by side, then only the accounts
	// the links name; requests without a link that passes are left out.
	var (
		links []feedback.VoiceLink
		all   []feedback.Request
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { links, err = st.VoiceLinks(gctx, f, rates); return })
	g.Go(func() (err error) { all, err = st.RankedRequests(gctx); return })
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	var accountIDs []int64
	seenA, seenR := map[int64]bool{}, map[int64]bool{}
	for _, l := range links {
		if !seenA[l.AccountID] {
			seenA[l.AccountID] = true
			accountIDs = append(accountIDs, l.AccountID)
		}
		seenR[l.RequestID] = true
	}
	reqs := all[:0]
	for _, r := range shown(all, statuses) {
		if seenR[r.ID] {
			reqs = append(reqs, r)
		}
	}
	accounts, err := st.RankedAccounts(ctx, append(accountIDs, 0)) // never nil: nil means all
	if err != nil {
		return nil, nil, err
	}
	return scoring.RankRequests(reqs, links, accounts, rates, w, now), accounts, nil
}

// NewRequestHint is the score under which a voice's best suggestion is too weak to trust: the
// voice probably asks for something new (scoring.NoMatchScore, measured there).
const NewRequestHint = scoring.NoMatchScore

// Suggester builds a suggester over the open requests (titles and up to 50 recent linked voices
// each), with term weights learned from a sample of all voices; nil when there is no request, in
// which case nothing else is read.
func Suggester(ctx context.Context, st *store.DB) (*scoring.Suggester, error) {
	texts, err := st.RequestTexts(ctx, 50)
	if err != nil || len(texts) == 0 {
		return nil, err
	}
	corpus, err := st.CorpusSample(ctx, 20000)
	if err != nil {
		return nil, err
	}
	reqs := make([]scoring.RequestText, len(texts))
	for i, t := range texts {
		reqs[i] = scoring.RequestText{ID: strconv.FormatInt(t.ID, 10), Title: t.Title, Examples: t.Examples}
	}
	return scoring.NewSuggester(reqs, corpus), nil
}

// Recent is how far back suggestions are made as voices come in: what CS still triages. Older
// voices (an import's history) are suggested for when someone opens them (SuggestVoices).
const Recent = 30 * 24 * time.Hour

// SuggestNew stores the top three suggestions of up to limit (all when limit ≤ 0) new, unlinked
// voices received since since that have none, newest first, on every core; and returns how many
// voices it did. Nothing is built, and no voice is marked, when there is no request.
func SuggestNew(ctx context.Context, st *store.DB, live *Live, since time.Time, limit int) (int, error) {
	const batch = 2000
	total := 0
	var s *scoring.Suggester
	for limit <= 0 || total < limit {
		n := batch
		if limit > 0 {
			n = min(batch, limit-total)
		}
		voices, err := st.UnsuggestedVoices(ctx, since, n)
		if err != nil || len(voices) == 0 {
			return total, err
		}
		if s == nil {
			if s, err = live.Suggester(ctx, st); err != nil || s == nil {
				return total, err
			}
		}
		if err := st.SaveSuggestions(ctx, suggestAll(s, voices)); err != nil {
			return total, err
		}
		total += len(voices)
	}
	return total, nil
}

// SuggestVoices stores suggestions for those of ids that are new, unlinked and have none yet —
// history an import left, now about to be shown — and returns how many it did.
func SuggestVoices(ctx context.Context, st *store.DB, live *Live, ids []int64) (int, error) {
	voices, err := st.UnsuggestedAmong(ctx, ids)
	if err != nil || len(voices) == 0 {
		return 0, err
	}
	s, err := live.Suggester(ctx, st)
	if err != nil || s == nil {
		return 0, err
	}
	return len(voices), st.SaveSuggestions(ctx, suggestAll(s, voices))
}

// suggestAll suggests the top three requests of each voice, on every core. A voice with nothing
// in common with any request gets none, and is looked at all the same.
func suggestAll(s *scoring.Suggester, voices []store.VoiceText) []store.Suggested {
	out := make([]store.Suggested, len(voices))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(voices)/16))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(voices); i += workers {
				sg := store.Suggested{FeedbackID: voices[i].ID}
				for _, x := range s.Suggest(voices[i].Text, 3) {
					id, _ := strconv.ParseInt(x.RequestID, 10, 64)
					sg.Requests, sg.Scores = append(sg.Requests, id), append(sg.Scores, x.Score)
				}
				out[i] = sg
			}
		})
	}
	wg.Wait()
	return out
}

// ClusterSimilarity is how alike two voices must be to group as a candidate request, by
// default. Measured on BANKING77's test set (20,000 random pairs, TestClusterThresholdReport)
// with the text features of scoring/text.go:
//
//	threshold   same-intent pairs grouped   different-intent pairs   precision (77 intents)   F1
//	0.15        0.534                       0.0298                   0.191                    0.28
//	0.20        0.399                       0.0130                   0.287                    0.33
//	0.25        0.294                       0.0061                   0.387                    0.33
//	0.30        0.219                       0.0036                   0.442                    0.29
//	0.35        0.162                       0.0017                   0.553                    0.25
//
// JSTS (Japanese), pairs people scored 4–5 / 0–1 that group: 0.938 / 0.065 at 0.20, 0.925 /
// 0.047 at 0.25, 0.890 / 0.029 at 0.30. 0.20 and 0.25 tie on F1; 0.25 groups half as many
// different-intent pairs and fewer unrelated Japanese ones for 0.013 fewer same-meaning ones, and
// is where scoring.NoMatchScore now starts. (Before the text features 0.20 was the best: 0.348 /
// 0.009; 0.35, the first default, grouped only 0.144 of same-intent pairs.)
const ClusterSimilarity = 0.25

// Cluster is a group of new voices that match no request well and resemble each other: a
// candidate new request.
type Cluster struct {
	Voices []int64 `json:"voices"`
	// Sample is the voice closest to the group's start, to name the candidate by.
	Sample string `json:"sample"`
}

// Clusters groups up to limit new voices whose best suggestion scores under NewRequestHint:
// each joins the first group whose first voice it resembles (similarity ≥ threshold), else
// starts one. Groups of at least minSize are returned, largest first.
func Clusters(ctx context.Context, st *store.DB, limit int, threshold float64, minSize int) ([]Cluster, error) {
	s, err := Suggester(ctx, st)
	if err != nil {
		return nil, err
	}
	voices, err := st.NewVoices(ctx, limit)
	if err != nil {
		return nil, err
	}
	var m *scoring.Model
	if s != nil {
		m = s.Model()
	} else { // no request yet: every voice is a candidate, weighed by the voices themselves
		texts := make([]string, len(voices))
		for i, v := range voices {
			texts[i] = v.Text
		}
		m = scoring.NewModel(texts)
	}
	type group struct {
		lead scoring.Vec
		c    Cluster
	}
	var groups []*group
	for _, v := range voices {
		if best := suggest1(s, v.Text); len(best) > 0 && best[0].Score >= NewRequestHint {
			continue
		}
		vec := m.Vector(v.Text)
		placed := false
		for _, g := range groups {
			if scoring.Dot(vec, g.lead) >= threshold {
				g.c.Voices = append(g.c.Voices, v.ID)
				placed = true
				break
			}
		}
		if !placed {
			groups = append(groups, &group{lead: vec, c: Cluster{Voices: []int64{v.ID}, Sample: v.Text}})
		}
	}
	var out []Cluster
	for _, g := range groups {
		if len(g.c.Voices) >= minSize {
			out = append(out, g.c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Voices) > len(out[j].Voices) })
	return out, nil
}

func suggest1(s *scoring.Suggester, text string) []scoring.Suggestion {
	if s == nil {
		return nil
	}
	return s.Suggest(text, 1)
}
