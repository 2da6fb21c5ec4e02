package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/koehq/koe/feedback"
)

// Session is a signed-in staff member's session as the cookie and the forms know it.
type Session struct {
	Token string // goes in the cookie; never stored
	CSRF  string // goes in every form and mutating request
	User  feedback.User
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession signs a user in for ttl, clearing their expired sessions.
func (s *DB) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (Session, error) {
	sess := Session{Token: randomToken(), CSRF: randomToken()}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND expires_at < now()`, userID); err != nil {
		return Session{}, fmt.Errorf("store: clear sessions: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, expires_at)
		VALUES ($1, $2, $3, now() + make_interval(secs => $4))`, tokenHash(sess.Token), userID, sess.CSRF, ttl.Seconds()); err != nil {
		return Session{}, fmt.Errorf("store: create session: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET last_seen_at = now() WHERE id = $1`, userID); err != nil {
		return Session{}, fmt.Errorf("store: user seen: %w", err)
	}
	var err error
	sess.User, err = s.userByID(ctx, userID)
	return sess, err
}

// SessionByToken returns the live session of a cookie's token, or EUNAUTHORIZED.
func (s *DB) SessionByToken(ctx context.Context, token string) (Session, error) {
	var r struct {
		userRow
		CSRF string `db:"csrf"`
	}
	err := s.db.GetContext(ctx, &r, `SELECT u.id, u.email, u.name, u.role, u.locale, u.created_at, u.last_seen_at, s.csrf
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > now()`, tokenHash(token))
	if isNoRows(err) {
		return Session{}, feedback.Errorf(feedback.EUNAUTHORIZED, "Your session has ended: sign in again.")
	}
	if err != nil {
		return Session{}, fmt.Errorf("store: session: %w", err)
	}
	return Session{Token: token, CSRF: r.CSRF, User: r.ToModel()}, nil
}

// DeleteSession signs a session out.
func (s *DB) DeleteSession(ctx context.Context, token string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash(token)); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

func (s *DB) userByID(ctx context.Context, id int64) (feedback.User, error) {
	var r userRow
	err := s.db.GetContext(ctx, &r, `SELECT id, email, name, role, locale, created_at, last_seen_at FROM users WHERE id = $1`, id)
	if isNoRows(err) {
		return feedback.User{}, feedback.Errorf(feedback.ENOTFOUND, "No user %d.", id)
	}
	if err != nil {
		return feedback.User{}, fmt.Errorf("store: user %d: %w", id, err)
	}
	return r.ToModel(), nil
}

// Users lists the staff, by email.
func (s *DB) Users(ctx context.Context) ([]feedback.User, error) {
	var rows []userRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT id, email, name, role, locale, created_at, last_seen_at FROM users ORDER BY lower(email)`); err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	out := make([]feedback.User, len(rows))
	for i, r := range rows {
		out[i] = r.ToModel()
	}
	return out, nil
}

// Purged is what Purge removed.
type Purged struct {
	Sessions, CustomerSessions, SignInLinks, IdempotencyKeys, SlackRequestsSeen int64
}

// Purge removes what has run out: staff and customer sessions past their end, sign-in links a
// week old, idempotency keys past their 24 hours, Slack signatures past their replay window. `koe serve` runs it hourly on one replica.
func (s *DB) Purge(ctx context.Context) (Purged, error) {
	var p Purged
	for _, q := range []struct {
		n   *int64
		sql string
	}{
		{&p.Sessions, `DELETE FROM sessions WHERE expires_at < now()`},
		{&p.CustomerSessions, `DELETE FROM customer_sessions WHERE expires_at < now()`},
		{&p.SignInLinks, `DELETE FROM sign_in_links WHERE created_at < now() - interval '7 days'`},
		{&p.IdempotencyKeys, `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => ` + fmt.Sprint(idempotencyTTL.Seconds()) + `)`},
		{&p.SlackRequestsSeen, `DELETE FROM slack_requests_seen WHERE expires_at < now()`},
	} {
		res, err := s.db.ExecContext(ctx, q.sql)
		if err != nil {
			return p, fmt.Errorf("store: purge: %w", err)
		}
		*q.n, _ = res.RowsAffected()
	}
	return p, nil
}
