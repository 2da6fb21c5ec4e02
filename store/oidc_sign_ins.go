package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// OIDCSignIn is an OpenID Connect sign-in under way: the provider the browser was sent to, for
// whom (staff or customer), and the nonce and PKCE verifier its answer must match.
type OIDCSignIn struct {
	Provider     string `db:"provider"`
	Purpose      string `db:"purpose"`
	Nonce        string `db:"nonce"`
	CodeVerifier string `db:"code_verifier"`
	Lang         string `db:"lang"`
}

// OIDCLimits bound the unfinished sign-ins kept at a time: per origin (where the browser
// started from) and in all. Starting a sign-in is anonymous, so without them anyone could fill
// the table.
type OIDCLimits struct {
	PerOrigin, Total int
}

// StartOIDCSignIn keeps a sign-in started from origin under the state sent to the provider, for
// ttl, and clears the sign-ins that were never finished; ETOOMANY when origin, or everyone
// together, already has as many unfinished as l allows.
func (s *DB) StartOIDCSignIn(ctx context.Context, state, origin string, in OIDCSignIn, ttl time.Duration, l OIDCLimits) error {
	return s.inTx(ctx, "start oidc sign-in", func(tx *sqlx.Tx) error {
		// One at a time per origin, so that requests at once cannot all pass the count.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('koe-oidc-origin:' || $1))`, origin); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM oidc_sign_ins WHERE expires_at < now()`); err != nil {
			return err
		}
		var n struct {
			Mine int `db:"mine"`
			All  int `db:"total"`
		}
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FILTER (WHERE origin = $1) AS mine, count(*) AS total FROM oidc_sign_ins`, origin); err != nil {
			return err
		}
		if n.Mine >= l.PerOrigin || n.All >= l.Total {
			return feedback.Errorf(feedback.ETOOMANY, "Too many sign-ins were started and not finished lately: wait a few minutes and try again.")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_sign_ins (state_hash, provider, purpose, nonce, code_verifier, lang, origin, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))`,
			tokenHash(state), in.Provider, in.Purpose, in.Nonce, in.CodeVerifier, in.Lang, origin, ttl.Seconds())
		return err
	})
}

// TakeOIDCSignIn returns the sign-in kept under state and forgets it, so a state works once; an
// unknown, used or expired state is EUNAUTHORIZED.
func (s *DB) TakeOIDCSignIn(ctx context.Context, state string) (OIDCSignIn, error) {
	var r struct {
		OIDCSignIn
		Live bool `db:"live"`
	}
	err := s.db.GetContext(ctx, &r, `DELETE FROM oidc_sign_ins WHERE state_hash = $1
		RETURNING provider, purpose, nonce, code_verifier, lang, expires_at > now() AS live`, tokenHash(state))
	if isNoRows(err) || (err == nil && !r.Live) {
		return OIDCSignIn{}, feedback.Errorf(feedback.EUNAUTHORIZED, "This sign-in has expired or was already finished: sign in again.")
	}
	if err != nil {
		return OIDCSignIn{}, fmt.Errorf("store: take oidc sign-in: %w", err)
	}
	return r.OIDCSignIn, nil
}
