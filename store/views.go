package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/koehq/koe/feedback"
)

// ViewPage is the page a saved view belongs to (saved_views.page).
type ViewPage string

const (
	// ViewsSheet are the feedback sheet's views.
	ViewsSheet ViewPage = "feedback"
	// ViewsBacklog are the ranked backlog's views.
	ViewsBacklog ViewPage = "backlog"
)

// SavedView is a named set of a page's filters (its query string), one user's.
type SavedView struct {
	ID    int64  `db:"id"`
	Name  string `db:"name"`
	Query string `db:"query"`
}

// SaveView saves (or replaces, by name) one of a user's views of the feedback sheet.
func (s *DB) SaveView(ctx context.Context, userID int64, name, query string) error {
	return s.SavePageView(ctx, ViewsSheet, userID, name, query)
}

// Views lists a user's saved views of the feedback sheet by name.
func (s *DB) Views(ctx context.Context, userID int64) ([]SavedView, error) {
	return s.PageViews(ctx, ViewsSheet, userID)
}

// DeleteView removes one of a user's views of the feedback sheet.
func (s *DB) DeleteView(ctx context.Context, userID, id int64) error {
	return s.DeletePageView(ctx, ViewsSheet, userID, id)
}

// SavePageView saves (or replaces, by name) one of a user's views of page; a blank name is
// EINVALID.
func (s *DB) SavePageView(ctx context.Context, page ViewPage, userID int64, name, query string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return feedback.Errorf(feedback.EINVALID, "Give the view a name.")
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO saved_views (user_id, page, name, query) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, page, name) DO UPDATE SET query = EXCLUDED.query`, userID, string(page), name, query); err != nil {
		return fmt.Errorf("store: save view: %w", err)
	}
	return nil
}

// PageViews lists a user's saved views of page by name.
func (s *DB) PageViews(ctx context.Context, page ViewPage, userID int64) ([]SavedView, error) {
	var out []SavedView
	if err := s.db.SelectContext(ctx, &out, `SELECT id, name, query FROM saved_views WHERE user_id = $1 AND page = $2 ORDER BY name`,
		userID, string(page)); err != nil {
		return nil, fmt.Errorf("store: views: %w", err)
	}
	return out, nil
}

// DeletePageView removes one of a user's views of page (nothing when it is not theirs).
func (s *DB) DeletePageView(ctx context.Context, page ViewPage, userID, id int64) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM saved_views WHERE user_id = $1 AND page = $2 AND id = $3`, userID, string(page), id); err != nil {
		return fmt.Errorf("store: delete view: %w", err)
	}
	return nil
}
