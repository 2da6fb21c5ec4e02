package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
)

func BenchmarkEnqueue(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		msgs := make([]store.OutboxMessage, 2000)
		for i := range msgs {
			n++
			msgs[i] = store.OutboxMessage{DedupeKey: fmt.Sprintf("voice:%d", n), Kind: "voice", Subject: map[string]any{"feedback_id": n}}
		}
		if err := db.Enqueue(ctx, msgs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*2000)/b.Elapsed().Seconds(), "msgs/s")
}
