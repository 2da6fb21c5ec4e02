package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/koehq/koe/feedback"
)

// TargetStore messages are replies to reviews, posted to the store the review came from; Channel
// is the source's name.
const TargetStore = "store"

// KindReviewReply is a reply to a review, posted to its store.
const KindReviewReply = "review_reply"

// ReplyState is where the reply to a review stands.
type ReplyState string

const (
	ReplyUnanswered ReplyState = "unanswered"
	ReplyDraft      ReplyState = "draft"
	ReplySending    ReplyState = "sending" // queued in the outbox
	ReplySent       ReplyState = "sent"
	ReplyFailed     ReplyState = "failed" // the store refused: Reply.StoreError
	// ReplyElsewhere: the store shows a developer reply Koe did not send (Reply.StoreText).
	ReplyElsewhere ReplyState = "elsewhere"
	// ReplyMarked: a person answered on the site (no reply API) and said so.
	ReplyMarked ReplyState = "marked"
)

// ReplyStates are every state, in the order the queue's filter offers them.
var ReplyStates = []ReplyState{ReplyUnanswered, ReplyDraft, ReplySending, ReplySent, ReplyFailed, ReplyElsewhere, ReplyMarked}

// Open says whether a review in this state still waits for an answer.
func (s ReplyState) Open() bool {
	return s == ReplyUnanswered || s == ReplyDraft || s == ReplyFailed
}

// Reply is the reply to one review.
type Reply struct {
	State      ReplyState
	Draft      string
	WrittenBy  string
	WrittenAt  *time.Time
	SentBy     string
	SentAt     *time.Time
	Attempt    int
	StoreError string
	StoreText  string
	CheckedAt  *time.Time
	// RetryError and RetryAt say, while the reply is sending, what the store answered to the
	// last try (a 429, a 5xx) and when the next try is; "" and nil before the first try.
	RetryError string
	RetryAt    *time.Time
}

// Review is a review (a voice of kind review) with its reply.
type Review struct {
	ID         int64
	SourceName string
	SourceID   string
	// AppName is the app the review is about: the source's app_name setting ("" when unset).
	AppName     string
	URL         string
	AuthorName  string
	Title       string
	Body        string
	Language    string
	Rating      *float64
	ReceivedAt  time.Time
	AccountID   *int64
	AccountName string
	Reply       Reply
}

// ReviewFilter narrows the queue. Zero values mean "all".
type ReviewFilter struct {
	Source   string
	Rating   int // 1–5 stars (rounded)
	Language string
	// State is a ReplyState, or "open" for every state that waits for an answer.
	State string
	// OlderThan and NewerThan bound the review's age.
	OlderThan, NewerThan time.Duration
	Limit                int // 100 when zero
}

type reviewRow struct {
	ID          int64           `db:"id"`
	SourceName  string          `db:"source_name"`
	SourceID    string          `db:"source_id"`
	AppName     string          `db:"app_name"`
	URL         string          `db:"url"`
	AuthorName  string          `db:"author_name"`
	Title       string          `db:"title"`
	Body        string          `db:"body"`
	Language    string          `db:"language"`
	Rating      sql.NullFloat64 `db:"rating"`
	ReceivedAt  time.Time       `db:"received_at"`
	AccountID   sql.NullInt64   `db:"account_id"`
	AccountName string          `db:"account_name"`
	State       string          `db:"state"`
	Draft       string          `db:"draft"`
	WrittenBy   string          `db:"written_by"`
	WrittenAt   sql.NullTime    `db:"written_at"`
	SentBy      string          `db:"sent_by"`
	SentAt      sql.NullTime    `db:"sent_at"`
	Attempt     int             `db:"attempt"`
	StoreError  string          `db:"store_error"`
	StoreText   string          `db:"store_text"`
	CheckedAt   sql.NullTime    `db:"checked_at"`
	RetryError  string          `db:"retry_error"`
	RetryAt     sql.NullTime    `db:"retry_at"`
}

func (r reviewRow) toModel() Review {
	v := Review{ID: r.ID, SourceName: r.SourceName, SourceID: r.SourceID, AppName: r.AppName, URL: r.URL, AuthorName: r.AuthorName, Title: r.Title,
		Body: r.Body, Language: r.Language, ReceivedAt: r.ReceivedAt, AccountName: r.AccountName,
		Reply: Reply{State: ReplyState(r.State), Draft: r.Draft, WrittenBy: r.WrittenBy, SentBy: r.SentBy, Attempt: r.Attempt,
			StoreError: r.StoreError, StoreText: r.StoreText, RetryError: r.RetryError}}
	if r.Rating.Valid {
		v.Rating = &r.Rating.Float64
	}
	if r.AccountID.Valid {
		v.AccountID = &r.AccountID.Int64
	}
	v.Reply.WrittenAt, v.Reply.SentAt, v.Reply.CheckedAt = nullTime(r.WrittenAt), nullTime(r.SentAt), nullTime(r.CheckedAt)
	if r.RetryError != "" {
		v.Reply.RetryAt = nullTime(r.RetryAt)
	}
	return v
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

const reviewSelect = `SELECT f.id, f.source_name, f.source_id, f.url, f.author_name, f.title, f.body, f.language, f.rating, f.received_at,
	f.account_id, COALESCE(a.name, '') AS account_name, COALESCE(r.state, 'unanswered') AS state, COALESCE(r.draft, '') AS draft,
	COALESCE(r.written_by, '') AS written_by, r.written_at, COALESCE(r.sent_by, '') AS sent_by, r.sent_at, COALESCE(r.attempt, 0) AS attempt,
	COALESCE(r.store_error, '') AS store_error, COALESCE(r.store_text, '') AS store_text, r.checked_at,
	COALESCE(src.config->>'app_name', '') AS app_name, COALESCE(o.last_error, '') AS retry_error, o.next_attempt_at AS retry_at
	FROM feedback f LEFT JOIN accounts a ON a.id = f.account_id LEFT JOIN review_replies r ON r.feedback_id = f.id
	LEFT JOIN sources src ON src.name = f.source_name
	LEFT JOIN outbox o ON r.state = 'sending' AND o.dedupe_key = 'review_reply:' || f.id || ':' || r.attempt AND o.status IN ('pending', 'sending')
	WHERE f.source_kind = 'review' AND f.status <> 'spam'`

// openStates is the SQL of ReplyState.Open for the review f: no reply row in a closed state. Put
// as NOT EXISTS, the planner walks the reviews' index newest first and stops at the page's end,
// and counts from the index alone (migration 00060).
const openStates = `NOT EXISTS (SELECT 1 FROM review_replies c WHERE c.feedback_id = f.id AND c.state NOT IN ('unanswered', 'draft', 'failed'))`

// Reviews lists the reviews of every source, newest first.
func (s *DB) Reviews(ctx context.Context, f ReviewFilter) ([]Review, error) {
	q, args := reviewSelect, []any{}
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Source != "" {
		q += ` AND f.source_name = ` + arg(f.Source)
	}
	if f.Rating > 0 {
		// A range, not round(rating) = n: the planner estimates a range from the column's statistics.
		q += ` AND f.rating >= ` + arg(float64(f.Rating)-0.5) + ` AND f.rating < ` + arg(float64(f.Rating)+0.5)
	}
	if f.Language != "" {
		q += ` AND f.language = ` + arg(f.Language)
	}
	switch {
	case f.State == "open":
		q += ` AND ` + openStates
	case f.State != "":
		q += ` AND COALESCE(r.state, 'unanswered') = ` + arg(f.State)
	}
	if f.OlderThan > 0 {
		q += ` AND f.received_at < now() - make_interval(secs => ` + arg(f.OlderThan.Seconds()) + `)`
	}
	if f.NewerThan > 0 {
		q += ` AND f.received_at >= now() - make_interval(secs => ` + arg(f.NewerThan.Seconds()) + `)`
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q += ` ORDER BY f.received_at DESC, f.id DESC LIMIT ` + arg(limit)
	var rows []reviewRow
	if err := s.db.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("store: reviews: %w", err)
	}
	out := make([]Review, len(rows))
	for i, r := range rows {
		out[i] = r.toModel()
	}
	return out, nil
}

// Review is the review with id; ENOTFOUND when there is no review with that id.
func (s *DB) Review(ctx context.Context, id int64) (Review, error) {
	var r reviewRow
	err := s.db.GetContext(ctx, &r, reviewSelect+` AND f.id = $1`, id)
	if isNoRows(err) {
		return Review{}, feedback.Errorf(feedback.ENOTFOUND, "No review with id %d: `koe reviews list` shows them.", id)
	}
	if err != nil {
		return Review{}, fmt.Errorf("store: review %d: %w", id, err)
	}
	return r.toModel(), nil
}

// ReviewSources are the names of the sources that have reviews, for the queue's filter.
func (s *DB) ReviewSources(ctx context.Context) ([]string, error) {
	var out []string
	if err := s.db.SelectContext(ctx, &out, `SELECT DISTINCT source_name FROM feedback WHERE source_kind = 'review' ORDER BY 1`); err != nil {
		return nil, fmt.Errorf("store: review sources: %w", err)
	}
	return out, nil
}

// Backlog is how many reviews wait for an answer.
type Backlog struct {
	Open int // every review that waits
	// Late is how many of them are older than the cut-off asked for; Oldest is when the oldest
	// waiting review arrived (nil when none waits).
	Late   int
	Oldest *time.Time
}

// UnansweredReviews counts the reviews that wait for an answer, and those received before late.
func (s *DB) UnansweredReviews(ctx context.Context, late time.Time) (Backlog, error) {
	var r struct {
		Open   int          `db:"open"`
		Late   int          `db:"late"`
		Oldest sql.NullTime `db:"oldest"`
	}
	err := s.db.GetContext(ctx, &r, `SELECT count(*) AS open, count(*) FILTER (WHERE f.received_at < $1) AS late, min(f.received_at) AS oldest
		FROM feedback f WHERE f.source_kind = 'review' AND f.status NOT IN ('spam', 'ignored') AND `+openStates, late)
	if err != nil {
		return Backlog{}, fmt.Errorf("store: unanswered reviews: %w", err)
	}
	return Backlog{Open: r.Open, Late: r.Late, Oldest: nullTime(r.Oldest)}, nil
}

// ErrReplyInFlight says a reply to the review is queued and not yet answered by the store: it
// cannot be edited or sent again until it is.
var ErrReplyInFlight = feedback.Errorf(feedback.ECONFLICT, "A reply to this review is being sent: wait for the store's answer.")

// lockReply takes the review's reply row for update, creating an unanswered one; it fails with
// ENOTFOUND when id is not a review.
func lockReply(ctx context.Context, tx *sqlx.Tx, id int64) (Reply, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO review_replies (feedback_id, state)
		SELECT id, 'unanswered' FROM feedback WHERE id = $1 AND source_kind = 'review' ON CONFLICT (feedback_id) DO NOTHING`, id); err != nil {
		return Reply{}, err
	}
	var r struct {
		State     string       `db:"state"`
		Draft     string       `db:"draft"`
		Attempt   int          `db:"attempt"`
		StoreText string       `db:"store_text"`
		SentAt    sql.NullTime `db:"sent_at"`
	}
	err := tx.GetContext(ctx, &r, `SELECT state, draft, attempt, store_text, sent_at FROM review_replies WHERE feedback_id = $1 FOR UPDATE`, id)
	if isNoRows(err) {
		return Reply{}, feedback.Errorf(feedback.ENOTFOUND, "No review with id %d: `koe reviews list` shows them.", id)
	}
	if err != nil {
		return Reply{}, err
	}
	return Reply{State: ReplyState(r.State), Draft: r.Draft, Attempt: r.Attempt, StoreText: r.StoreText, SentAt: nullTime(r.SentAt)}, nil
}

// SaveReplyDraft keeps text as the review's draft reply, written by actor; nothing is sent.
func (s *DB) SaveReplyDraft(ctx context.Context, id int64, text, actor string) error {
	return s.inTx(ctx, "save reply draft", func(tx *sqlx.Tx) error {
		before, err := lockReply(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.State == ReplySending {
			return ErrReplyInFlight
		}
		state := ReplyDraft
		if before.Draft == text && !before.State.Open() {
			state = before.State // saving the sent words again changes nothing
		}
		if _, err := tx.ExecContext(ctx, `UPDATE review_replies SET state = $2, draft = $3, written_by = $4, written_at = now(), updated_at = now()
			WHERE feedback_id = $1`, id, state, text, actor); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "feedback", id, "review_draft", map[string]any{"state": before.State, "draft": before.Draft},
			map[string]any{"state": state, "draft": text})
	})
}

// QueueReply puts text in the outbox as the reply to review id, asked for by actor, and marks
// the review sending: the reply worker posts it once. The caller has checked the text against
// the store's limit.
func (s *DB) QueueReply(ctx context.Context, id int64, text, actor string) error {
	return s.inTx(ctx, "queue reply", func(tx *sqlx.Tx) error {
		before, err := lockReply(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.State == ReplySending {
			return ErrReplyInFlight
		}
		var src struct {
			Name string `db:"source_name"`
			ID   string `db:"source_id"`
		}
		if err := tx.GetContext(ctx, &src, `SELECT source_name, source_id FROM feedback WHERE id = $1`, id); err != nil {
			return err
		}
		attempt := before.Attempt + 1
		if _, err := tx.ExecContext(ctx, `UPDATE review_replies SET state = 'sending', draft = $2, sent_by = $3, attempt = $4, store_error = '',
			written_by = CASE WHEN draft = $2 AND written_by <> '' THEN written_by ELSE $3 END,
			written_at = CASE WHEN draft = $2 AND written_at IS NOT NULL THEN written_at ELSE now() END, updated_at = now()
			WHERE feedback_id = $1`, id, text, actor, attempt); err != nil {
			return err
		}
		msg := OutboxMessage{Target: TargetStore, Kind: KindReviewReply, Channel: src.Name, DedupeKey: fmt.Sprintf("review_reply:%d:%d", id, attempt),
			Subject: map[string]any{"feedback_id": id, "review_id": src.ID, "attempt": attempt, "text": text, "actor": actor}}
		if err := enqueue(ctx, tx, []OutboxMessage{msg}); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "feedback", id, "review_send", map[string]any{"state": before.State},
			map[string]any{"state": ReplySending, "text": text, "attempt": attempt})
	})
}

// ReplyOutcome is what the store answered to one queued reply.
type ReplyOutcome struct {
	FeedbackID int64
	Attempt    int
	OutboxID   int64
	Actor      string
	// StoreReplyID is the store's id of the reply, when it has one.
	StoreReplyID string
	// Recovered says the store already showed the reply when Koe went to send it again (a
	// crash between the store's answer and recording it): nothing was posted twice.
	Recovered bool
}

// ReplySent records that the store has the reply: the outbox message and the review together,
// so a crash leaves both as they were and the worker asks the store again.
func (s *DB) ReplySent(ctx context.Context, o ReplyOutcome) error {
	return s.inTx(ctx, "reply sent", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'sent', posted_channel = channel, posted_ts = $2, sent_at = now(),
			lease_until = NULL, last_error = '' WHERE id = $1`, o.OutboxID, o.StoreReplyID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE review_replies SET state = 'sent', sent_at = now(), store_reply_id = $3, store_error = '',
			store_text = draft, updated_at = now() WHERE feedback_id = $1 AND attempt = $2`, o.FeedbackID, o.Attempt, o.StoreReplyID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // a later Send took over; its own message will say how it went
		}
		return audit(ctx, tx, o.Actor, "feedback", o.FeedbackID, "review_sent", nil,
			map[string]any{"state": ReplySent, "attempt": o.Attempt, "recovered": o.Recovered})
	})
}

// ReplyFailed records the store's refusal (why, in the store's words) for the person to read,
// and gives the outbox message up.
func (s *DB) ReplyFailed(ctx context.Context, o ReplyOutcome, why string) error {
	return s.inTx(ctx, "reply failed", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'failed', last_error = $2, lease_until = NULL WHERE id = $1`, o.OutboxID, why); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE review_replies SET state = 'failed', store_error = $3, updated_at = now()
			WHERE feedback_id = $1 AND attempt = $2`, o.FeedbackID, o.Attempt, why)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit(ctx, tx, "system", "feedback", o.FeedbackID, "review_failed", nil, map[string]any{"state": ReplyFailed, "error": why, "attempt": o.Attempt})
	})
}

// MarkReplied records that actor answered review id on the site itself (a site without a reply
// API); text is what they wrote, if they kept it.
func (s *DB) MarkReplied(ctx context.Context, id int64, text, actor string) error {
	return s.inTx(ctx, "mark replied", func(tx *sqlx.Tx) error {
		before, err := lockReply(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.State == ReplySending {
			return ErrReplyInFlight
		}
		if _, err := tx.ExecContext(ctx, `UPDATE review_replies SET state = 'marked', draft = $2, sent_by = $3, sent_at = now(), store_error = '',
			updated_at = now() WHERE feedback_id = $1`, id, text, actor); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "feedback", id, "review_mark", map[string]any{"state": before.State}, map[string]any{"state": ReplyMarked})
	})
}

// ReviewsToCheck are up to limit reviews of the sources named whose reply the store has not been
// asked about since before: the waiting ones, and the sent ones (a reply replaced elsewhere),
// the least recently checked first.
func (s *DB) ReviewsToCheck(ctx context.Context, sources []string, before time.Time, limit int) ([]Review, error) {
	var rows []reviewRow
	err := s.db.SelectContext(ctx, &rows, reviewSelect+` AND f.source_name = ANY($1)
		AND COALESCE(r.state, 'unanswered') IN ('unanswered', 'draft', 'failed', 'sent')
		AND (r.checked_at IS NULL OR r.checked_at < $2)
		ORDER BY r.checked_at NULLS FIRST, f.received_at DESC LIMIT $3`, pq.Array(sources), before, limit)
	if err != nil {
		return nil, fmt.Errorf("store: reviews to check: %w", err)
	}
	out := make([]Review, len(rows))
	for i, r := range rows {
		out[i] = r.toModel()
	}
	return out, nil
}

// ReplyChecked records what the store shows on review id now: storeText is its developer reply
// ("" for none). A reply Koe did not send turns a waiting (or sent, then replaced) review into
// answered elsewhere; it reports whether it did.
func (s *DB) ReplyChecked(ctx context.Context, id int64, storeText string) (bool, error) {
	return s.replySeen(ctx, "reply checked", id, storeText, true, `checked_at = now()`)
}

// ReviewRaw is a review's raw record as its source stored it, for reading the developer reply it
// shows.
type ReviewRaw struct {
	ID int64 `db:"id"`
	// Kind is the kind of the review's source (googleplay, appstore …).
	Kind string `db:"kind"`
	Raw  []byte `db:"raw"`
	// Stored is when the record was last written (the voice's updated_at); RawRead keeps it.
	Stored time.Time `db:"updated_at"`
}

// ReviewRawsToRead are up to limit reviews that wait for an answer, of sources of the kinds
// given, whose raw record was written since it was last read (RawRead), newest first; among ids
// only, when ids is not nil.
func (s *DB) ReviewRawsToRead(ctx context.Context, kinds []string, ids []int64, limit int) ([]ReviewRaw, error) {
	// A page's reviews start from their ids (primary key look-ups), not a walk of every review.
	from, args := `feedback f`, []any{pq.Array(kinds), limit}
	if ids != nil {
		from, args = `unnest($3::bigint[]) AS p(id) JOIN feedback f ON f.id = p.id`, append(args, pq.Array(ids))
	}
	q := `SELECT f.id, src.kind, f.raw::text AS raw, f.updated_at
		FROM ` + from + ` JOIN sources src ON src.name = f.source_name LEFT JOIN review_replies r ON r.feedback_id = f.id
		WHERE f.source_kind = 'review' AND f.status <> 'spam' AND f.raw IS NOT NULL AND src.kind = ANY($1)
		AND COALESCE(r.state, 'unanswered') IN ('unanswered', 'draft', 'failed')
		AND (r.raw_read_at IS NULL OR r.raw_read_at < f.updated_at)`
	var out []ReviewRaw
	err := s.db.SelectContext(ctx, &out, q+` ORDER BY f.received_at DESC, f.id DESC LIMIT $2`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: review raws to read: %w", err)
	}
	return out, nil
}

// RawsRead records that the raw records of the reviews given show no developer reply (RawRead
// with no text, for many reviews in one statement).
func (s *DB) RawsRead(ctx context.Context, read []ReviewRaw) error {
	if len(read) == 0 {
		return nil
	}
	ids, stored := make([]int64, len(read)), make([]time.Time, len(read))
	for i, r := range read {
		ids[i], stored[i] = r.ID, r.Stored
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO review_replies (feedback_id, state, raw_read_at)
		SELECT f.id, 'unanswered', x.stored FROM unnest($1::bigint[], $2::timestamptz[]) AS x(id, stored) JOIN feedback f ON f.id = x.id AND f.source_kind = 'review'
		ON CONFLICT (feedback_id) DO UPDATE SET raw_read_at = GREATEST(review_replies.raw_read_at, EXCLUDED.raw_read_at)`, pq.Array(ids), pq.Array(stored))
	if err != nil {
		return fmt.Errorf("store: raws read: %w", err)
	}
	return nil
}

// RawRead records what review id's raw record, written at stored, shows: storeText is the
// developer reply in it ("" for none). A reply Koe did not send turns a waiting review into
// answered elsewhere; it reports whether it did. A sent review is left alone: its record may
// have been read before Koe's reply reached the store, and the hourly check asks the store.
func (s *DB) RawRead(ctx context.Context, id int64, storeText string, stored time.Time) (bool, error) {
	return s.replySeen(ctx, "raw read", id, storeText, false, `raw_read_at = GREATEST(raw_read_at, $2)`, stored)
}

// replySeen records that storeText is the developer reply the store shows on review id (seen by
// asking the store, or in its raw record), setting the columns of set ($2… are extra). It turns
// a waiting review into answered elsewhere when the reply is not Koe's; a sent one too when
// replaced is true and the store shows other words than Koe sent.
func (s *DB) replySeen(ctx context.Context, what string, id int64, storeText string, replaced bool, set string, extra ...any) (bool, error) {
	changed := false
	err := s.inTx(ctx, what, func(tx *sqlx.Tx) error {
		before, err := lockReply(ctx, tx, id)
		if err != nil {
			return err
		}
		args := append([]any{id}, extra...)
		elsewhere := storeText != "" && !koesReply(before, storeText) && (before.State.Open() || replaced && before.State == ReplySent)
		if !elsewhere {
			_, err := tx.ExecContext(ctx, `UPDATE review_replies SET `+set+` WHERE feedback_id = $1`, args...)
			return err
		}
		args = append(args, storeText)
		if _, err := tx.ExecContext(ctx, `UPDATE review_replies SET state = 'elsewhere', store_text = $`+strconv.Itoa(len(args))+`, `+set+`,
			updated_at = now() WHERE feedback_id = $1`, args...); err != nil {
			return err
		}
		changed = true
		return audit(ctx, tx, "system", "feedback", id, "review_elsewhere", map[string]any{"state": before.State},
			map[string]any{"state": ReplyElsewhere, "text": storeText})
	})
	return changed, err
}

// koesReply says whether the store's reply storeText is one Koe sent: the last reply it recorded
// at the store (a person may be drafting a new one since), or the words of a send whose answer
// was lost (failed, yet it arrived).
func koesReply(before Reply, storeText string) bool {
	if before.StoreText != "" && sameReply(before.StoreText, storeText) {
		return true
	}
	return before.Attempt > 0 && before.State == ReplyFailed && sameReply(before.Draft, storeText)
}

// sameReply compares a reply as sent with the store's copy, which may trim or re-wrap it.
func sameReply(a, b string) bool { return normalizeReply(a) == normalizeReply(b) }

// SameReply says whether the store's copy of a reply is the text Koe sent.
func SameReply(sent, stored string) bool { return sameReply(sent, stored) }

func normalizeReply(s string) string {
	out := make([]rune, 0, len(s))
	space := false
	for _, r := range s {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '\u3000' {
			space = true
			continue
		}
		if space && len(out) > 0 {
			out = append(out, ' ')
		}
		space = false
		out = append(out, r)
	}
	return string(out)
}
