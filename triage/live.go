package triage

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
)

// Live keeps one suggester for a process and teaches it the links people make: each call reads
// the link log (store.ExamplesSince) from where the last left off and adds those voices to their
// requests' centroids, so a voice linked on any replica counts on every replica within a call,
// without a rebuild over every request. It rebuilds when older than MaxAge (term weights drift,
// requests are merged or closed, unlinks) or when it has fallen far behind. Safe for concurrent
// use; the zero value is ready. Use one Live with one database.
type Live struct {
	// MaxAge bounds how long one build is kept (an hour when zero).
	MaxAge time.Duration

	mu    sync.Mutex
	s     *scoring.Suggester
	mark  int64
	built time.Time
}

// catchUp is how many links one call learns at most before a rebuild is cheaper.
const catchUp = 20000

// Suggester returns the current suggester, built or brought up to date; nil (and no error) when
// there is no request to suggest, in which case nothing is built.
func (l *Live) Suggester(ctx context.Context, st *store.DB) (*scoring.Suggester, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	maxAge := l.MaxAge
	if maxAge == 0 {
		maxAge = time.Hour
	}
	if l.s != nil && time.Since(l.built) < maxAge {
		learned, last, err := st.ExamplesSince(ctx, l.mark, catchUp)
		if err != nil {
			return nil, err
		}
		if last == 0 || len(learned) < catchUp {
			for _, e := range learned {
				l.s.Learn(strconv.FormatInt(e.RequestID, 10), e.Title, e.Text)
			}
			l.mark = max(l.mark, last)
			return l.s, nil
		}
	}
	// The mark is read before the requests, so no link made during the build is missed (one
	// made in between is learned twice, which only weighs it a little more).
	mark, err := st.ExamplesMark(ctx)
	if err != nil {
		return nil, err
	}
	s, err := Suggester(ctx, st)
	if err != nil || s == nil {
		l.s = nil
		return nil, err
	}
	l.s, l.mark, l.built = s, mark, time.Now()
	if _, err := st.PurgeExamples(ctx); err != nil {
		return nil, err
	}
	return s, nil
}
