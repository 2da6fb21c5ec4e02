package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/koehq/koe/feedback"
)

// PublicRequestPage returns one page of the public roadmap as q asks — filtered by status and
// searched in the reader's words (a substring of the title or description in q.Lang, falling
// back to the request's own; case, width and kana folded) by the database — and the cursor of the page after
// it, nil on the last page. Sorting by how many companies asked is only possible when q.AskedBy
// says the roadmap shows those counts; otherwise the page is sorted newest first.
func (s *DB) PublicRequestPage(ctx context.Context, q feedback.PublicQuery) ([]feedback.PublicRequest, *feedback.PublicCursor, error) {
	if q.Limit <= 0 {
		q.Limit = 30
	}
	if q.Sort != feedback.PublicAsked || !q.AskedBy {
		q.Sort = feedback.PublicNewest
	}
	var after any
	var afterAt *time.Time
	var afterID int64
	if q.After != nil {
		afterID = q.After.ID
		if q.Sort == feedback.PublicAsked {
			after = q.After.Asked
		} else {
			at := q.After.At
			afterAt = &at
		}
	}
	// $1 lang, $2 status, $3 search, $4 the cursor's key, $5 its id, $6 the page size (one more,
	// to know whether a page follows).
	// The search folds as the sheet's does (SearchKey, koe_search_key: width, kana, case).
	where := `($2 = '' OR p.status = $2)
		AND ($3 = '' OR strpos(koe_search_key(` + titleInLang + `, ` + descriptionInLang + `), $3) > 0)`
	var query string
	args := []any{q.Lang, string(q.Status), SearchKey(strings.TrimSpace(q.Search)), nil, afterID, q.Limit + 1}
	switch q.Sort {
	case feedback.PublicAsked:
		// Every matching request is counted to be ordered; the answer is cached per page.
		args[3] = after
		query = `SELECT * FROM (
			SELECT p.id, ` + titleInLang + ` AS title, ` + descriptionInLang + ` AS description, ` + noteInLang + ` AS note,
				p.status, p.status_changed_at, ` + askedBy + ` AS asked_by
			FROM public_requests p` + inLang + `WHERE ` + where + `) x
		WHERE $4::int IS NULL OR x.asked_by < $4 OR (x.asked_by = $4 AND x.id > $5)
		ORDER BY x.asked_by DESC, x.id LIMIT $6`
	default:
		// The page is chosen first and only its requests are counted.
		count := "0"
		if q.AskedBy {
			count = strings.ReplaceAll(askedBy, "p.id", "x.id")
		}
		args[3] = afterAt
		query = `SELECT x.*, ` + count + ` AS asked_by FROM (
			SELECT p.id, ` + titleInLang + ` AS title, ` + descriptionInLang + ` AS description, ` + noteInLang + ` AS note,
				p.status, p.status_changed_at
			FROM public_requests p` + inLang + `WHERE ` + where + `
				AND ($4::timestamptz IS NULL OR p.status_changed_at < $4 OR (p.status_changed_at = $4 AND p.id > $5))
			ORDER BY p.status_changed_at DESC, p.id LIMIT $6) x
		ORDER BY x.status_changed_at DESC, x.id`
	}
	var rows []publicRequestRow
	if err := s.db.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, nil, fmt.Errorf("store: public request page: %w", err)
	}
	var next *feedback.PublicCursor
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		last := rows[len(rows)-1]
		next = &feedback.PublicCursor{ID: last.ID, At: last.StatusChangedAt, Asked: last.AskedBy}
	}
	out := make([]feedback.PublicRequest, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, next, nil
}
