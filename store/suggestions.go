package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// RequestText is a request's title and some of its linked voices, for suggestions.
type RequestText struct {
	ID       int64
	Title    string
	Examples []string
}

// RequestTexts returns every open request with its title (internal, else public) and up to
// perRequest of its most recent linked voices.
func (s *DB) RequestTexts(ctx context.Context, perRequest int) ([]RequestText, error) {
	var rows []struct {
		ID    int64   `db:"id"`
		Title string  `db:"title"`
		Body  *string `db:"body"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT r.id, r.title || CASE WHEN r.public_title <> '' AND r.public_title <> r.title THEN ' ' || r.public_title ELSE '' END AS title, v.body
		FROM requests r
		LEFT JOIN LATERAL (
			SELECT f.title || ' ' || f.body AS body FROM feedback f
			WHERE f.request_id = r.id AND f.status NOT IN ('ignored', 'spam')
			ORDER BY f.received_at DESC LIMIT $1) v ON true
		WHERE r.merged_into IS NULL
		ORDER BY r.id`, perRequest)
	if err != nil {
		return nil, fmt.Errorf("store: request texts: %w", err)
	}
	var out []RequestText
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].ID != r.ID {
			out = append(out, RequestText{ID: r.ID, Title: r.Title})
		}
		if r.Body != nil {
			out[len(out)-1].Examples = append(out[len(out)-1].Examples, *r.Body)
		}
	}
	return out, nil
}

// VoiceText is a voice's words, for suggestions and clustering.
type VoiceText struct {
	ID   int64
	Text string
}

// UnsuggestedVoices returns up to limit new, unlinked voices received since since that were not
// looked at for suggestions yet, newest first (the ones CS is about to read).
func (s *DB) UnsuggestedVoices(ctx context.Context, since time.Time, limit int) ([]VoiceText, error) {
	var rows []VoiceText
	err := s.db.SelectContext(ctx, &rows, `
		SELECT f.id, f.title || ' ' || f.body AS text FROM feedback f
		WHERE f.status = 'new' AND f.request_id IS NULL AND f.suggested_at IS NULL AND f.received_at >= $1
		ORDER BY f.received_at DESC, f.id LIMIT $2`, since, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unsuggested voices: %w", err)
	}
	return rows, nil
}

// UnsuggestedAmong returns those of ids that are new, unlinked and not looked at for suggestions
// yet: the voices a page about to show them should suggest for first.
func (s *DB) UnsuggestedAmong(ctx context.Context, ids []int64) ([]VoiceText, error) {
	var rows []VoiceText
	err := s.db.SelectContext(ctx, &rows, `
		SELECT f.id, f.title || ' ' || f.body AS text FROM feedback f
		WHERE f.id = ANY($1) AND f.status = 'new' AND f.request_id IS NULL AND f.suggested_at IS NULL
		ORDER BY f.id`, int64Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: unsuggested voices: %w", err)
	}
	return rows, nil
}

// HasOpenRequests reports whether any request can be suggested (one not merged into another).
func (s *DB) HasOpenRequests(ctx context.Context) (bool, error) {
	var ok bool
	if err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM requests WHERE merged_into IS NULL)`); err != nil {
		return false, fmt.Errorf("store: any request: %w", err)
	}
	return ok, nil
}

// NewVoices returns up to limit voices still to triage (new, not linked), newest first.
func (s *DB) NewVoices(ctx context.Context, limit int) ([]VoiceText, error) {
	var rows []VoiceText
	err := s.db.SelectContext(ctx, &rows, `SELECT id, title || ' ' || body AS text FROM feedback
		WHERE status = 'new' AND request_id IS NULL ORDER BY received_at DESC, id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: new voices: %w", err)
	}
	return rows, nil
}

// CorpusSample returns up to n voices' words, to learn term weights from.
func (s *DB) CorpusSample(ctx context.Context, n int) ([]string, error) {
	var out []string
	err := s.db.SelectContext(ctx, &out, `SELECT title || ' ' || body FROM feedback ORDER BY id DESC LIMIT $1`, n)
	if err != nil {
		return nil, fmt.Errorf("store: corpus: %w", err)
	}
	return out, nil
}

// Suggested is a voice's suggestions, best first.
type Suggested struct {
	FeedbackID int64
	Requests   []int64
	Scores     []float64
}

// SaveSuggestions replaces the suggestions of the given voices (none, for a voice that matches
// no request) and marks them looked at, in one transaction.
func (s *DB) SaveSuggestions(ctx context.Context, list []Suggested) error {
	if len(list) == 0 {
		return nil
	}
	return s.inTx(ctx, "save suggestions", func(tx *sqlx.Tx) error {
		// Replicas suggesting at once take turns here, so each one's delete sees what the other
		// wrote and the two never write the same voice's ranks twice.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('koe:suggestions', 0))`); err != nil {
			return err
		}
		ids := make([]int64, len(list))
		var rows [][4]any
		for i, sg := range list {
			ids[i] = sg.FeedbackID
			for k := range sg.Requests {
				rows = append(rows, [4]any{sg.FeedbackID, k + 1, sg.Requests[k], sg.Scores[k]})
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM feedback_suggestions WHERE feedback_id = ANY($1)`, int64Array(ids)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE feedback SET suggested_at = now() WHERE id = ANY($1)`, int64Array(ids)); err != nil {
			return err
		}
		return copyRows(ctx, tx, "feedback_suggestions", []string{"feedback_id", "rank", "request_id", "score"}, len(rows), func(i int) []any {
			return rows[i][:]
		})
	})
}

// Suggestions returns the stored suggestions of one voice, best first.
func (s *DB) Suggestions(ctx context.Context, feedbackID int64) ([]feedback.Request, []float64, error) {
	var rows []struct {
		requestRow
		Score float64 `db:"score"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT `+requestColumns+`, x.score FROM feedback_suggestions x
		JOIN requests r ON r.id = x.request_id WHERE x.feedback_id = $1 ORDER BY x.rank`, feedbackID)
	if err != nil {
		return nil, nil, fmt.Errorf("store: suggestions: %w", err)
	}
	reqs := make([]feedback.Request, len(rows))
	scores := make([]float64, len(rows))
	for i, r := range rows {
		reqs[i] = r.requestRow.ToModel()
		scores[i] = r.Score
	}
	return reqs, scores, nil
}
