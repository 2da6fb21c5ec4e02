package store_test

import (
	"context"
	"testing"

	"github.com/koehq/koe/store"
)

// TestPagesPastInt32: a cursor or id at 2^31 or 2^53 pages (ids are bigserial) instead of
// failing as an out-of-range integer parameter.
func TestPagesPastInt32(t *testing.T) {
	db, ctx := open(t), context.Background()
	for _, id := range []int64{1 << 31, 1 << 53} {
		p := store.Page{Before: id, Limit: 10}
		if _, err := db.FeedbackPage(ctx, store.FeedbackFilter{RequestID: id, AccountID: id}, p); err != nil {
			t.Errorf("FeedbackPage before %d: %v", id, err)
		}
		if _, err := db.RequestsPage(ctx, p); err != nil {
			t.Errorf("RequestsPage before %d: %v", id, err)
		}
		if _, err := db.AccountsPage(ctx, p); err != nil {
			t.Errorf("AccountsPage before %d: %v", id, err)
		}
		if _, err := db.RetryFailed(ctx, "", id); err != nil {
			t.Errorf("RetryFailed %d: %v", id, err)
		}
		if _, err := db.Deliveries(ctx, id, 10); err != nil {
			t.Errorf("Deliveries %d: %v", id, err)
		}
	}
}
