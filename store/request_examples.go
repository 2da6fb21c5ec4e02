package store

import (
	"context"
	"fmt"
)

// RequestExample is a voice linked to a request after a suggester was built: something for it to
// learn (migration 00070 logs every link, from any path).
type RequestExample struct {
	Seq       int64  `db:"id"`
	RequestID int64  `db:"request_id"`
	Title     string `db:"title"`
	Text      string `db:"text"`
}

// ExamplesMark is the newest entry of the link log: a suggester built after reading it learns the
// links after it with ExamplesSince.
func (s *DB) ExamplesMark(ctx context.Context) (int64, error) {
	var mark int64
	if err := s.db.GetContext(ctx, &mark, `SELECT COALESCE(max(id), 0) FROM request_examples`); err != nil {
		return 0, fmt.Errorf("store: examples mark: %w", err)
	}
	return mark, nil
}

// ExamplesSince returns up to limit links logged after mark, oldest first, of voices still linked
// to that request (not ignored or spam) and requests not merged away, with the request's title.
// Links the voice has since moved away from are left out, but their entries still move the mark:
// the last entry's Seq is the mark to pass next (0 when there was none).
func (s *DB) ExamplesSince(ctx context.Context, mark int64, limit int) ([]RequestExample, int64, error) {
	var rows []struct {
		RequestExample
		Live bool `db:"live"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT e.id, COALESCE(e.request_id, 0) AS request_id, COALESCE(r.title, '') AS title,
			COALESCE(f.title || ' ' || f.body, '') AS text,
			(f.request_id = e.request_id AND f.status NOT IN ('ignored', 'spam') AND r.merged_into IS NULL) IS TRUE AS live
		FROM request_examples e
		LEFT JOIN feedback f ON f.id = e.feedback_id
		LEFT JOIN requests r ON r.id = e.request_id
		WHERE e.id > $1 ORDER BY e.id LIMIT $2`, mark, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("store: examples since %d: %w", mark, err)
	}
	var out []RequestExample
	last := int64(0)
	for _, r := range rows {
		last = r.Seq
		if r.Live {
			out = append(out, r.RequestExample)
		}
	}
	return out, last, nil
}

// PurgeExamples deletes link-log entries older than a day: a suggester that far behind rebuilds.
func (s *DB) PurgeExamples(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM request_examples WHERE at < now() - interval '1 day'`)
	if err != nil {
		return 0, fmt.Errorf("store: purge examples: %w", err)
	}
	return res.RowsAffected()
}
