package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/koehq/koe/feedback"
)

// Outbox targets: where a worker delivers a message.
const (
	TargetSlack = "slack"
	TargetMail  = "mail" // Channel is the recipient's address
	// TargetWebhook messages are put in by triggers (migration 00015); Channel is the URL.
	TargetWebhook = "webhook"
)

// KindShipped is the message that a request has shipped: to each subscribed customer by mail,
// and to the CS team in Slack with the accounts to follow up with.
const KindShipped = "shipped"

// OutboxMessage is a message to post later, exactly once.
type OutboxMessage struct {
	// Target is TargetSlack (when empty) or TargetMail.
	Target    string
	DedupeKey string
	Kind      string
	Channel   string
	Subject   map[string]any
	// ParentKey makes the message a reply in the thread of that message.
	ParentKey string
}

// OutboxRow is a queued message as a worker claims it.
type OutboxRow struct {
	ID        int64
	DedupeKey string
	Kind      string
	Channel   string
	Subject   map[string]any
	ParentKey string
	// ParentTS and ParentChannel are where the parent was posted, once it is sent.
	ParentTS, ParentChannel string
	Attempts                int
	CreatedAt               time.Time
}

// enqueue writes msgs in one statement (a burst of voices is one round trip); a parent is
// inserted with its replies, and the foreign key is checked at the statement's end.
func enqueue(ctx context.Context, tx *sqlx.Tx, msgs []OutboxMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	keys, kinds, channels, subjects, parents, targets := make([]string, len(msgs)), make([]string, len(msgs)),
		make([]string, len(msgs)), make([]string, len(msgs)), make([]string, len(msgs)), make([]string, len(msgs))
	for i, m := range msgs {
		subject, err := json.Marshal(m.Subject)
		if err != nil {
			return fmt.Errorf("enqueue %s: %w", m.DedupeKey, err)
		}
		keys[i], kinds[i], channels[i], subjects[i], parents[i] = m.DedupeKey, m.Kind, m.Channel, string(subject), m.ParentKey
		targets[i] = cmp.Or(m.Target, TargetSlack)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (dedupe_key, kind, channel, subject, parent_key, target)
		SELECT k, kind, ch, s::jsonb, NULLIF(p, ''), t FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS m(k, kind, ch, s, p, t)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		pq.Array(keys), pq.Array(kinds), pq.Array(channels), pq.Array(subjects), pq.Array(parents), pq.Array(targets)); err != nil {
		return fmt.Errorf("enqueue %d message(s): %w", len(msgs), err)
	}
	return nil
}

// Enqueue writes messages to the outbox in one transaction; a dedupe key already there is
// skipped.
func (s *DB) Enqueue(ctx context.Context, msgs []OutboxMessage) error {
	return s.inTx(ctx, "enqueue", func(tx *sqlx.Tx) error { return enqueue(ctx, tx, msgs) })
}

// ClaimOutbox takes the next due message for lease (across replicas: SKIP LOCKED, then a lease
// so a crashed worker's message comes back), or returns nil when there is none. A reply waits
// for its parent to be sent.
func (s *DB) ClaimOutbox(ctx context.Context, lease time.Duration) (*OutboxRow, error) {
	return s.ClaimOutboxFor(ctx, TargetSlack, lease)
}

// ClaimOutboxFor is ClaimOutbox for the messages of one target.
func (s *DB) ClaimOutboxFor(ctx context.Context, target string, lease time.Duration) (*OutboxRow, error) {
	var row *OutboxRow
	err := s.inTx(ctx, "claim outbox", func(tx *sqlx.Tx) error {
		var r struct {
			ID        int64          `db:"id"`
			DedupeKey string         `db:"dedupe_key"`
			Kind      string         `db:"kind"`
			Channel   string         `db:"channel"`
			Subject   []byte         `db:"subject"`
			ParentKey sql.NullString `db:"parent_key"`
			ParentTS  sql.NullString `db:"parent_ts"`
			ParentCh  sql.NullString `db:"parent_channel"`
			Attempts  int            `db:"attempts"`
			CreatedAt time.Time      `db:"created_at"`
		}
		err := tx.GetContext(ctx, &r, `
			SELECT o.id, o.dedupe_key, o.kind, o.channel, o.subject, o.parent_key, p.posted_ts AS parent_ts, p.posted_channel AS parent_channel, o.attempts, o.created_at
			FROM outbox o LEFT JOIN outbox p ON p.dedupe_key = o.parent_key
			WHERE o.target = $1 AND o.next_attempt_at <= now()
			  AND (o.status = 'pending' OR (o.status = 'sending' AND o.lease_until < now()))
			  AND (o.parent_key IS NULL OR p.status = 'sent')
			ORDER BY o.next_attempt_at, o.id
			LIMIT 1 FOR UPDATE OF o SKIP LOCKED`, target)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'sending', attempts = attempts + 1,
			lease_until = now() + make_interval(secs => $2) WHERE id = $1`, r.ID, lease.Seconds()); err != nil {
			return err
		}
		row = &OutboxRow{ID: r.ID, DedupeKey: r.DedupeKey, Kind: r.Kind, Channel: r.Channel, ParentKey: r.ParentKey.String,
			ParentTS: r.ParentTS.String, ParentChannel: r.ParentCh.String, Attempts: r.Attempts + 1, CreatedAt: r.CreatedAt}
		return json.Unmarshal(r.Subject, &row.Subject)
	})
	return row, err
}

// MarkSent records where a message was posted.
func (s *DB) MarkSent(ctx context.Context, id int64, channel, ts string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET status = 'sent', posted_channel = $2, posted_ts = $3, sent_at = now(),
		lease_until = NULL, last_error = '' WHERE id = $1`, id, channel, ts)
	if err != nil {
		return fmt.Errorf("store: mark sent: %w", err)
	}
	return nil
}

// LastPost is when anyone (any replica) last posted to channel; zero if never.
func (s *DB) LastPost(ctx context.Context, channel string) (time.Time, error) {
	var at sql.NullTime
	err := s.db.GetContext(ctx, &at, `SELECT max(sent_at) FROM outbox WHERE status = 'sent' AND posted_channel = $1`, channel)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: last post to %s: %w", channel, err)
	}
	return at.Time, nil
}

// RetryLater puts a message back with its error, to be tried at next.
func (s *DB) RetryLater(ctx context.Context, id int64, next time.Time, why string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET status = 'pending', next_attempt_at = $2, last_error = $3,
		lease_until = NULL WHERE id = $1`, id, next, why)
	if err != nil {
		return fmt.Errorf("store: retry later: %w", err)
	}
	return nil
}

// GiveUp marks a message failed with its error; `koe slack retry` puts it back.
func (s *DB) GiveUp(ctx context.Context, id int64, why string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET status = 'failed', last_error = $2, lease_until = NULL WHERE id = $1`, id, why)
	if err != nil {
		return fmt.Errorf("store: give up: %w", err)
	}
	return nil
}

// OutboxEntry is an outbox row for people to look at.
type OutboxEntry struct {
	ID        int64      `db:"id" json:"id"`
	Target    string     `db:"target" json:"target"`
	Kind      string     `db:"kind" json:"kind"`
	Channel   string     `db:"channel" json:"channel"`
	Status    string     `db:"status" json:"status"`
	Attempts  int        `db:"attempts" json:"attempts"`
	LastError string     `db:"last_error" json:"last_error"`
	PostedTS  string     `db:"posted_ts" json:"posted_ts"`
	CreatedAt time.Time  `db:"created_at" json:"created_at"`
	SentAt    *time.Time `db:"sent_at" json:"sent_at"`
}

// Outbox lists the messages of a target ("" for all), newest first; failedOnly narrows to the
// ones given up on.
func (s *DB) Outbox(ctx context.Context, target string, failedOnly bool, limit int) ([]OutboxEntry, error) {
	failed := ""
	if failedOnly {
		failed = ` AND status = 'failed'`
	}
	var out []OutboxEntry
	err := s.db.SelectContext(ctx, &out, `SELECT id, target, kind, COALESCE(NULLIF(posted_channel, ''), channel) AS channel, status, attempts,
		last_error, posted_ts, created_at, sent_at FROM outbox WHERE ($1 = '' OR target = $1)`+failed+` ORDER BY id DESC LIMIT $2`, target, limit)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	return out, nil
}

// RetryFailed puts failed messages back in the queue: the one with id, or every one of target
// ("" for all targets) for id 0.
func (s *DB) RetryFailed(ctx context.Context, target string, id int64) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now()
		WHERE status = 'failed' AND ($1 = '' OR target = $1) AND ($2::bigint = 0 OR id = $2)`, target, id)
	if err != nil {
		return 0, fmt.Errorf("store: retry failed: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// OutboxSubjects returns the subjects of the messages with these keys that are queued or sent.
func (s *DB) OutboxSubjects(ctx context.Context, keys []string) (map[string]map[string]any, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT dedupe_key, subject FROM outbox WHERE dedupe_key = ANY($1)`, pq.Array(keys))
	if err != nil {
		return nil, fmt.Errorf("store: outbox subjects: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]any{}
	for rows.Next() {
		var key string
		var raw []byte
		if err := rows.Scan(&key, &raw); err != nil {
			return nil, err
		}
		var subject map[string]any
		if err := json.Unmarshal(raw, &subject); err != nil {
			return nil, fmt.Errorf("store: outbox subject of %s: %w", key, err)
		}
		out[key] = subject
	}
	return out, rows.Err()
}

// ChurnVoice is a voice tagged churn risk, with its account's MRR.
type ChurnVoice struct {
	FeedbackID int64
	MRR        feedback.Money
}

// ChurnVoices are the voices tagged churn risk since a time, with their accounts' MRR.
func (s *DB) ChurnVoices(ctx context.Context, since time.Time) ([]ChurnVoice, error) {
	var rows []struct {
		ID       int64  `db:"id"`
		Minor    int64  `db:"mrr_minor"`
		Currency string `db:"currency"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT f.id, a.mrr_minor, a.currency FROM feedback f JOIN accounts a ON a.id = f.account_id
		WHERE f.tag = 'churn_risk' AND f.updated_at >= $1 AND f.status NOT IN ('ignored', 'spam') ORDER BY f.id`, since)
	if err != nil {
		return nil, fmt.Errorf("store: churn voices: %w", err)
	}
	out := make([]ChurnVoice, len(rows))
	for i, r := range rows {
		out[i] = ChurnVoice{r.ID, feedback.Money{Minor: r.Minor, Currency: r.Currency}}
	}
	return out, nil
}

// OutboxCount is how many messages of a target are in a status.
type OutboxCount struct {
	Target string `db:"target"`
	Status string `db:"status"`
	N      int    `db:"n"`
}

// OutboxDepth counts the unsent messages (pending, sending, failed) by target and status.
func (s *DB) OutboxDepth(ctx context.Context) ([]OutboxCount, error) {
	var out []OutboxCount
	if err := s.db.SelectContext(ctx, &out, `SELECT target, status, count(*) AS n FROM outbox WHERE status <> 'sent' GROUP BY 1, 2`); err != nil {
		return nil, fmt.Errorf("store: outbox depth: %w", err)
	}
	return out, nil
}
