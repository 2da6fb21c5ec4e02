package triage

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
)

// Shared ranks like Rank, but rankings asked for at once share one computation, and a ranking
// is reused while the data under it (store.BacklogVersion) has not changed and it is younger
// than MaxAge (decay and renewal windows move with the clock). The zero value is ready; it is
// safe for concurrent use. What it returns is shared between callers: read it, never change it.
//
// At most one ranking of a query (filter, weights, page explained) runs at a time. A caller
// that arrives while one runs waits for it when it began after the data the caller saw (its
// version is at least the caller's); otherwise the caller waits for the next one, which begins
// when the running one ends and serves everyone waiting for it. So with the data changing all
// the time a query has at most two rankings, one running and one queued, and a caller still gets
// a ranking that reflects every change it could have seen when it asked.
type Shared struct {
	// MaxAge bounds how long an unchanged ranking is reused (one minute when zero).
	MaxAge time.Duration
	// Keep is how many queries (queries × weights × pages explained) are kept, the least
	// recently asked dropped first (8 when zero). Queries with a ranking in flight are dropped
	// only once it ends, so there may be more while more are asked at once.
	Keep int

	mu      sync.Mutex
	queries map[string]*sharedQuery
	tick    uint64 // counts asks: the LRU's clock
	started int64  // rankings begun or queued, for tests
	ranking int    // rankings running now
	most    int    // the most rankings that ran at once, for tests
}

// sharedQuery is one query's last ranking and the rankings in flight.
type sharedQuery struct {
	key     string
	used    uint64
	done    *flight // the last ranking that succeeded
	running *flight
	queued  *flight // begins when running ends
}

// flight is one ranking; ready closes when backlog and err are set.
type flight struct {
	// version is the newest data version its callers saw before asking, all read before it
	// began: what it ranks reflects at least that.
	version int64
	at      time.Time
	ready   chan struct{}
	backlog Backlog
	err     error
}

// Rank is Rank over st, shared; now is the clock (a reused ranking keeps the time it was made at).
func (s *Shared) Rank(ctx context.Context, st *store.DB, q Query, w scoring.Weights, now time.Time, explain int) (Backlog, error) {
	b, _, err := s.rank(ctx, st, q, w, now, explain)
	return b, err
}

// rank is Rank that also says which data version the ranking answered reflects at least.
func (s *Shared) rank(ctx context.Context, st *store.DB, q Query, w scoring.Weights, now time.Time, explain int) (Backlog, int64, error) {
	raw, err := json.Marshal(struct {
		Q       Query
		W       scoring.Weights
		Explain int
	}{q, w, explain})
	if err != nil {
		return Backlog{}, 0, err
	}
	key := string(raw)
	version, err := st.BacklogVersion(ctx)
	if err != nil {
		return Backlog{}, 0, err
	}
	s.mu.Lock()
	sq := s.query(key)
	if d := sq.done; d != nil && d.version >= version && s.young(d.at, now) {
		s.mu.Unlock()
		return d.backlog, d.version, nil
	}
	var f *flight
	switch {
	case sq.running == nil:
		f = &flight{version: version, at: now, ready: make(chan struct{})}
		sq.running = f
		s.started++
		// The ranking runs apart from any one caller's context: others may be waiting on it.
		go s.run(context.WithoutCancel(ctx), st, sq, f, q, w, explain)
	case sq.running.version >= version:
		f = sq.running
	default: // the running ranking began before the data this caller saw
		if sq.queued == nil {
			sq.queued = &flight{version: version, at: now, ready: make(chan struct{})}
			s.started++
		}
		f = sq.queued
		f.version = max(f.version, version)
		if now.After(f.at) {
			f.at = now
		}
	}
	s.mu.Unlock()
	select {
	case <-ctx.Done():
		return Backlog{}, 0, ctx.Err()
	case <-f.ready:
		return f.backlog, f.version, f.err
	}
}

// query is key's entry, made if need be and marked as just used; s.mu is held.
func (s *Shared) query(key string) *sharedQuery {
	if s.queries == nil {
		s.queries = map[string]*sharedQuery{}
	}
	s.tick++
	sq := s.queries[key]
	if sq == nil {
		sq = &sharedQuery{key: key}
		s.queries[key] = sq
	}
	sq.used = s.tick
	s.trim()
	return sq
}

// trim drops the least recently asked idle queries beyond Keep; s.mu is held.
func (s *Shared) trim() {
	keep := s.Keep
	if keep <= 0 {
		keep = 8
	}
	for len(s.queries) > keep {
		var oldest *sharedQuery
		for _, sq := range s.queries {
			if sq.running == nil && sq.used != s.tick && (oldest == nil || sq.used < oldest.used) {
				oldest = sq
			}
		}
		if oldest == nil {
			return // every other query has a ranking in flight: trimmed when they end
		}
		delete(s.queries, oldest.key)
	}
}

// young says whether a ranking made at is still good at now.
func (s *Shared) young(at, now time.Time) bool {
	maxAge := s.MaxAge
	if maxAge == 0 {
		maxAge = time.Minute
	}
	return now.Sub(at) <= maxAge && !now.Before(at.Add(-maxAge))
}

// run ranks for f, then for the ranking queued meanwhile, if any, until none is queued.
func (s *Shared) run(ctx context.Context, st *store.DB, sq *sharedQuery, f *flight, q Query, w scoring.Weights, explain int) {
	for f != nil {
		s.mu.Lock()
		version, now := f.version, f.at // fixed now that it runs
		s.ranking++
		s.most = max(s.most, s.ranking)
		s.mu.Unlock()
		b, err := Rank(ctx, st, q, w, now, explain)
		s.mu.Lock()
		s.ranking--
		f.backlog, f.err = b, err
		close(f.ready)
		if err == nil && (sq.done == nil || sq.done.version <= version) {
			sq.done = f
			// Rankings of older data are of no use any more.
			for _, other := range s.queries {
				if other != sq && other.done != nil && other.done.version < version {
					other.done = nil
				}
			}
		}
		f, sq.queued = sq.queued, nil
		sq.running = f
		if f == nil {
			s.trim()
		}
		s.mu.Unlock()
	}
}
