package store

import (
	"context"
	"fmt"
	"time"
)

// FirstSlackRequest records a verified Slack request's signature until ttl from now and reports
// whether it is the first time it is seen (false: a replay). A signature seen before but past
// its expiry counts as new. Safe across replicas: the insert is the check.
func (s *DB) FirstSlackRequest(ctx context.Context, signature string, ttl time.Duration) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO slack_requests_seen (signature, expires_at) VALUES ($1, now() + make_interval(secs => $2))
		ON CONFLICT (signature) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE slack_requests_seen.expires_at < now()`,
		signature, ttl.Seconds())
	if err != nil {
		return false, fmt.Errorf("store: slack request seen: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: slack request seen: %w", err)
	}
	return n == 1, nil
}
