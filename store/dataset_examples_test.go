package store_test

import (
	"context"
	"testing"
)

// TestReplaceAllEmptiesTheLinkLog: after ReplaceAll the link log holds the new data's links only,
// never one of a voice or request that was replaced (ids start again, so an old row would teach
// a new request another's words).
func TestReplaceAllEmptiesTheLinkLog(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if err := db.ImportDataset(ctx, fixture()); err != nil {
		t.Fatal(err)
	}
	before, err := db.ExamplesMark(ctx)
	if err != nil || before == 0 {
		t.Fatalf("the fixture's links are not logged: %d %v", before, err)
	}
	if err := db.ReplaceAll(ctx, fixture()); err != nil {
		t.Fatal(err)
	}
	after, err := db.ExamplesMark(ctx)
	if err != nil || after != before {
		t.Fatalf("link log after replace ends at %d, want %d (the new data's links only): %v", after, before, err)
	}
}
