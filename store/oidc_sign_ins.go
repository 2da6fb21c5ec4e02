package store

import (
	"context"
	"fmt"
	"time"

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

// StartOIDCSignIn keeps a sign-in under the state sent to the provider, for ttl, and clears the
// sign-ins that were never finished.
func (s *DB) StartOIDCSignIn(ctx context.Context, state string, in OIDCSignIn, ttl time.Duration) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM oidc_sign_ins WHERE expires_at < now()`); err != nil {
		return fmt.Errorf("store: clear oidc sign-ins: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO oidc_sign_ins (state_hash, provider, purpose, nonce, code_verifier, lang, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
		tokenHash(state), in.Provider, in.Purpose, in.Nonce, in.CodeVerifier, in.Lang, ttl.Seconds()); err != nil {
		return fmt.Errorf("store: start oidc sign-in: %w", err)
	}
	return nil
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
