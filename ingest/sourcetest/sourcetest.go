// Package sourcetest runs ingest sources against a real PostgreSQL in tests.
package sourcetest

import (
	"context"
	"testing"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/store"
)

// Run runs src once and returns its counts, its problems and the run's error.
func Run(t testing.TB, db *store.DB, src ingest.Source) (ingest.Counts, []string, error) {
	t.Helper()
	var problems []string
	p := &ingest.Pipeline{Store: db, Problem: func(pr ingest.Problem) { problems = append(problems, pr.String()) }}
	c, err := p.Run(context.Background(), src)
	return c, problems, err
}

// Items returns the stored voices by source id.
func Items(t testing.TB, db *store.DB) map[string]feedback.Item {
	t.Helper()
	items, err := db.FeedbackItems(context.Background(), 100000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]feedback.Item{}
	for _, it := range items {
		out[it.SourceID] = it
	}
	return out
}
