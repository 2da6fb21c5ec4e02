// Package storetest opens a fresh, migrated database for a test or benchmark (pgtest's private
// PostgreSQL, or KOE_TEST_DATABASE_URL's), closed when it ends.
package storetest

import (
	"context"
	"testing"

	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/store"
)

// Open returns a store on a fresh database for tb.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), pgtest.URL(tb), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
