package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/koehq/koe/feedback"
)

type userRow struct {
	ID         int64      `db:"id"`
	Email      string     `db:"email"`
	Name       string     `db:"name"`
	Role       string     `db:"role"`
	Locale     string     `db:"locale"`
	CreatedAt  time.Time  `db:"created_at"`
	LastSeenAt *time.Time `db:"last_seen_at"`
}

func (r userRow) ToModel() feedback.User {
	return feedback.User{ID: r.ID, Email: r.Email, Name: r.Name, Role: feedback.Role(r.Role),
		Locale: r.Locale, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt}
}

// UserByEmail returns the user with email (case-insensitive), or ENOTFOUND.
func (s *DB) UserByEmail(ctx context.Context, email string) (feedback.User, error) {
	var r userRow
	err := s.db.GetContext(ctx, &r, `SELECT id, email, name, role, locale, created_at, last_seen_at
		FROM users WHERE lower(email) = lower($1)`, strings.TrimSpace(email))
	if errors.Is(err, sql.ErrNoRows) {
		return feedback.User{}, feedback.Errorf(feedback.ENOTFOUND, "No user %s.", email)
	}
	if err != nil {
		return feedback.User{}, fmt.Errorf("store: user by email: %w", err)
	}
	return r.ToModel(), nil
}

// SaveUser creates the user with u.Email, or updates its name and role, and returns it.
func (s *DB) SaveUser(ctx context.Context, u feedback.User) (feedback.User, error) {
	if !u.Role.Valid() {
		return feedback.User{}, feedback.Errorf(feedback.EINVALID, "Unknown role %q: use admin, cs, po or viewer.", u.Role)
	}
	if !strings.Contains(u.Email, "@") {
		return feedback.User{}, feedback.Errorf(feedback.EINVALID, "%q is not an email address.", u.Email)
	}
	var r userRow
	err := s.db.GetContext(ctx, &r, `
		INSERT INTO users (email, name, role, locale) VALUES ($1, $2, $3, $4)
		ON CONFLICT (lower(email)) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role
		RETURNING id, email, name, role, locale, created_at, last_seen_at`,
		strings.TrimSpace(u.Email), u.Name, string(u.Role), u.Locale)
	if err != nil {
		return feedback.User{}, fmt.Errorf("store: save user: %w", err)
	}
	return r.ToModel(), nil
}

// SetUserLocale saves a user's language for the dashboard, or "" to follow the browser; the
// caller checks that the catalog has it (locale.Supported), so a new language needs no change here.
func (s *DB) SetUserLocale(ctx context.Context, id int64, locale string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET locale = $2 WHERE id = $1`, id, locale); err != nil {
		return fmt.Errorf("store: set locale: %w", err)
	}
	return nil
}
