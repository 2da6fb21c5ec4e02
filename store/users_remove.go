package store

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// RemoveUser takes a staff member away, in one transaction: their sessions are deleted with them,
// so a cookie that worked a moment ago answers 401 at once, and with no user row no way of
// signing in (Google, mail link) finds them again. The removal is audited under actor. The last
// admin cannot be removed (ECONFLICT): nobody could then add users from the dashboard; an
// unknown address is ENOTFOUND.
func (s *DB) RemoveUser(ctx context.Context, email, actor string) (feedback.User, error) {
	var u feedback.User
	err := s.inTx(ctx, "remove user", func(tx *sqlx.Tx) error {
		// Removals take turns, so two admins removing each other at once cannot both pass the
		// last-admin check.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('koe-remove-user'))`); err != nil {
			return err
		}
		var r userRow
		err := tx.GetContext(ctx, &r, `SELECT id, email, name, role, locale, created_at, last_seen_at
			FROM users WHERE lower(email) = lower($1) FOR UPDATE`, strings.TrimSpace(email))
		if isNoRows(err) {
			return feedback.Errorf(feedback.ENOTFOUND, "No user %s.", email)
		}
		if err != nil {
			return err
		}
		u = r.ToModel()
		if u.Role == feedback.RoleAdmin {
			var admins int
			if err := tx.GetContext(ctx, &admins, `SELECT count(*) FROM users WHERE role = 'admin'`); err != nil {
				return err
			}
			if admins <= 1 {
				return feedback.Errorf(feedback.ECONFLICT, "%s is the last admin: add another admin first.", u.Email)
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID)
		if err != nil {
			return err
		}
		ended, _ := res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, u.ID); err != nil {
			return err
		}
		// A staff link mailed a minute ago must not open the door either.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_links WHERE purpose = 'staff' AND email = lower($1)`, u.Email); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user", u.ID, "revoke",
			map[string]any{"email": u.Email, "role": u.Role}, map[string]any{"sessions_ended": ended})
	})
	return u, err
}
