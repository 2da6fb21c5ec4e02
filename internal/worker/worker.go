// Package worker is the loop every outbox worker runs: take the next due message, or wait a
// little when there is none, until the context ends.
package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/koehq/koe/internal/httpretry"
)

// Step handles the next due item and reports whether there was one.
type Step func(ctx context.Context) (bool, error)

// Run calls step until ctx ends, waiting idle whenever it finds nothing; errors are logged as
// what's.
func Run(ctx context.Context, idle time.Duration, log *slog.Logger, what string, step Step) {
	for ctx.Err() == nil {
		did, err := step(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn(what, "err", err)
		}
		if !did {
			_ = httpretry.Sleep(ctx, idle)
		}
	}
}

// Drain calls step until nothing is due or it fails, and returns how many items it handled.
func Drain(ctx context.Context, step Step) (int, error) {
	n := 0
	for {
		did, err := step(ctx)
		if err != nil || !did {
			return n, err
		}
		n++
	}
}
