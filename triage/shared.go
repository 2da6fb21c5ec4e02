package triage

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
)

// Shared ranks like Rank, but rankings asked for at once share one computation, and a ranking
// is reused while the data under it (store.BacklogVersion) has not changed and it is younger
// than MaxAge (decay and renewal windows move with the clock). The zero value is ready; it is
// safe for concurrent use. What it returns is shared between callers: read it, never change it.
type Shared struct {
	// MaxAge bounds how long an unchanged ranking is reused (one minute when zero).
	MaxAge time.Duration
	// Keep is how many rankings (queries × weights × pages explained) are kept (8 when zero).
	Keep int

	group singleflight.Group
	mu    sync.Mutex
	kept  map[string]sharedRanking
}

type sharedRanking struct {
	version int64
	at      time.Time
	backlog Backlog
}

// Rank is Rank over st, shared; now is the clock (a reused ranking keeps the time it was made at).
func (s *Shared) Rank(ctx context.Context, st *store.DB, q Query, w scoring.Weights, now time.Time, explain int) (Backlog, error) {
	raw, err := json.Marshal(struct {
		Q       Query
		W       scoring.Weights
		Explain int
	}{q, w, explain})
	if err != nil {
		return Backlog{}, err
	}
	version, err := st.BacklogVersion(ctx)
	if err != nil {
		return Backlog{}, err
	}
	// The version is part of the key: a caller that has seen a change never joins a
	// computation begun before it.
	key := strconv.FormatInt(version, 10) + string(raw)
	if b, ok := s.fresh(key, version, now); ok {
		return b, nil
	}
	// The computation runs apart from any one caller's context: others may be waiting on it.
	ch := s.group.DoChan(key, func() (any, error) {
		if b, ok := s.fresh(key, version, now); ok {
			return b, nil
		}
		b, err := Rank(context.WithoutCancel(ctx), st, q, w, now, explain)
		if err != nil {
			return Backlog{}, err
		}
		s.keep(key, sharedRanking{version: version, at: now, backlog: b})
		return b, nil
	})
	select {
	case <-ctx.Done():
		return Backlog{}, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return Backlog{}, r.Err
		}
		return r.Val.(Backlog), nil
	}
}

func (s *Shared) fresh(key string, version int64, now time.Time) (Backlog, bool) {
	maxAge := s.MaxAge
	if maxAge == 0 {
		maxAge = time.Minute
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.kept[key]
	if !ok || r.version != version || now.Sub(r.at) > maxAge || now.Before(r.at.Add(-maxAge)) {
		return Backlog{}, false
	}
	return r.backlog, true
}

func (s *Shared) keep(key string, r sharedRanking) {
	keep := s.Keep
	if keep == 0 {
		keep = 8
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kept == nil {
		s.kept = map[string]sharedRanking{}
	}
	for k, old := range s.kept { // rankings of older data are of no use any more
		if old.version != r.version {
			delete(s.kept, k)
		}
	}
	if len(s.kept) >= keep {
		oldest := ""
		for k, old := range s.kept {
			if oldest == "" || old.at.Before(s.kept[oldest].at) {
				oldest = k
			}
		}
		delete(s.kept, oldest)
	}
	s.kept[key] = r
}
