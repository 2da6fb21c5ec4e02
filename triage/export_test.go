package triage

import (
	"context"
	"time"

	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
)

// SharedRank is Shared.Rank with the data version its answer reflects at least.
func SharedRank(s *Shared, ctx context.Context, st *store.DB, q Query, w scoring.Weights, now time.Time, explain int) (Backlog, int64, error) {
	return s.rank(ctx, st, q, w, now, explain)
}

// SharedStarted is how many rankings s has begun or queued, how many queries it keeps, and the
// most rankings that ran at once.
func SharedStarted(s *Shared) (started int64, kept, most int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started, len(s.queries), s.most
}
