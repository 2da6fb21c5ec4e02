package store

import (
	"context"
	"fmt"
)

// Locks between replicas are PostgreSQL advisory locks. TryLock is the session lock a long job
// holds (a source run, a scheduled task); locks that last one transaction
// (pg_advisory_xact_lock) are taken inside the methods that need them, such as SaveAccounts and
// CreateSignInLink.

// TryLock takes the session advisory lock named key on a connection of its own, without waiting.
// ok is false when another process (another replica) holds it. release gives it back.
func (s *DB) TryLock(ctx context.Context, key string) (release func(), ok bool, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("store: lock %s: %w", key, err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, key).Scan(&ok); err != nil {
		conn.Close()
		return nil, false, fmt.Errorf("store: lock %s: %w", key, err)
	}
	if !ok {
		conn.Close()
		return nil, false, nil
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, key)
		conn.Close()
	}, true, nil
}
