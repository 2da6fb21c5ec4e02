package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// APIToken is an API token as admins see it (never the token itself, after it is made).
type APIToken struct {
	ID         int64      `db:"id" json:"id"`
	Name       string     `db:"name" json:"name"`
	Prefix     string     `db:"prefix" json:"prefix"`
	Scope      string     `db:"scope" json:"scope"`
	CreatedBy  string     `db:"created_by" json:"created_by"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	LastUsedAt *time.Time `db:"last_used_at" json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `db:"revoked_at" json:"revoked_at,omitempty"`
}

// CreateAPIToken makes a token with one of APIScopes and returns it whole, the only time it is
// shown; only its SHA-256 is stored.
func (s *DB) CreateAPIToken(ctx context.Context, name, scope, actor string) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", APIToken{}, feedback.Errorf(feedback.EINVALID, "A token needs a name that says who uses it (\"zapier\", \"website widget\").")
	}
	if !slices.Contains(APIScopes, scope) {
		return "", APIToken{}, feedback.Errorf(feedback.EINVALID, "scope %q: use read, write or intake.", scope)
	}
	token := "koe_" + randomToken()
	var t APIToken
	err := s.inTx(ctx, "create token", func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &t, `INSERT INTO api_tokens (name, token_hash, prefix, scope, created_by) VALUES ($1, $2, $3, $4, $5)
			RETURNING id, name, prefix, scope, created_by, created_at, last_used_at, revoked_at`,
			name, tokenHash(token), token[:12], scope, actor); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "api_token", t.ID, "create", nil, t)
	})
	return token, t, err
}

// APITokens lists the tokens, newest first.
func (s *DB) APITokens(ctx context.Context) ([]APIToken, error) {
	var out []APIToken
	if err := s.db.SelectContext(ctx, &out, `SELECT id, name, prefix, scope, created_by, created_at, last_used_at, revoked_at
		FROM api_tokens ORDER BY id DESC`); err != nil {
		return nil, fmt.Errorf("store: api tokens: %w", err)
	}
	return out, nil
}

// RevokeAPIToken ends a token; it answers 401 from then on.
func (s *DB) RevokeAPIToken(ctx context.Context, id int64, actor string) error {
	return s.inTx(ctx, "revoke token", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return feedback.Errorf(feedback.ENOTFOUND, "No live token %d.", id)
		}
		return audit(ctx, tx, actor, "api_token", id, "revoke", nil, nil)
	})
}

// APITokenByToken finds a live token, or EUNAUTHORIZED; it notes the use (at most once a minute).
func (s *DB) APITokenByToken(ctx context.Context, token string) (APIToken, error) {
	var t APIToken
	err := s.db.GetContext(ctx, &t, `SELECT id, name, prefix, scope, created_by, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, tokenHash(token))
	if isNoRows(err) {
		return APIToken{}, feedback.Errorf(feedback.EUNAUTHORIZED, "The API token is unknown or revoked: send Authorization: Bearer koe_… with a live token.")
	}
	if err != nil {
		return APIToken{}, fmt.Errorf("store: api token: %w", err)
	}
	if t.LastUsedAt == nil || time.Since(*t.LastUsedAt) > time.Minute {
		if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, t.ID); err != nil {
			return APIToken{}, fmt.Errorf("store: api token use: %w", err)
		}
	}
	return t, nil
}

// AuditVoiceRewrite records that an API integration rewrote a voice it had posted (a post with a
// source id it had used before): what the voice said before and after, under the token's name.
func (s *DB) AuditVoiceRewrite(ctx context.Context, id int64, actor string, before, after map[string]any) error {
	return s.inTx(ctx, "audit voice rewrite", func(tx *sqlx.Tx) error {
		return audit(ctx, tx, actor, "feedback", id, "edit", before, after)
	})
}

// IdempotentAnswer is the stored answer to a POST sent with an Idempotency-Key.
type IdempotentAnswer struct {
	Status int
	Body   []byte
}

// idempotencyTTL is how long a key's answer is kept.
const idempotencyTTL = 24 * time.Hour

// Idempotent runs do once per (token, key): a repeat with the same request gets the first answer
// back; the same key with another request, or while the first is still running, is ECONFLICT.
// No transaction is held while do runs (it uses the pool itself): the key is claimed, do runs,
// and its answer is stored, each on its own. An answer of 500 or more is not kept, so a retry
// tries again.
func (s *DB) Idempotent(ctx context.Context, tokenID int64, key string, requestHash []byte, do func() (int, []byte)) (IdempotentAnswer, error) {
	var out IdempotentAnswer
	claimed := false
	err := s.inTx(ctx, "idempotency key", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE token_id = $1 AND key = $2
			AND created_at <= now() - make_interval(secs => $3)`, tokenID, key, idempotencyTTL.Seconds()); err != nil {
			return err
		}
		// Claim the key (status 0: running). A claim racing this one waits on the unique key,
		// then finds this one's row.
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (token_id, key, request_hash, status, body)
			VALUES ($1, $2, $3, 0, '') ON CONFLICT (token_id, key) DO NOTHING`, tokenID, key, requestHash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			claimed = true
			return nil
		}
		var r struct {
			Hash   []byte `db:"request_hash"`
			Status int    `db:"status"`
			Body   []byte `db:"body"`
		}
		if err := tx.GetContext(ctx, &r, `SELECT request_hash, status, body FROM idempotency_keys WHERE token_id = $1 AND key = $2`, tokenID, key); err != nil {
			return err
		}
		switch {
		case !bytes.Equal(r.Hash, requestHash):
			return feedback.Errorf(feedback.ECONFLICT, "Idempotency-Key %q was used with another request: use a new key for a new request.", key)
		case r.Status == 0:
			return feedback.Errorf(feedback.ECONFLICT, "A request with Idempotency-Key %q is still being handled: retry in a moment.", key)
		}
		out = IdempotentAnswer{Status: r.Status, Body: r.Body}
		return nil
	})
	if err != nil || !claimed {
		return out, err
	}
	out.Status, out.Body = do()
	ctx = context.WithoutCancel(ctx)
	if out.Status >= 500 {
		_, err = s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE token_id = $1 AND key = $2`, tokenID, key)
	} else {
		_, err = s.db.ExecContext(ctx, `UPDATE idempotency_keys SET status = $3, body = $4 WHERE token_id = $1 AND key = $2`, tokenID, key, out.Status, out.Body)
	}
	if err != nil {
		return out, fmt.Errorf("store: idempotency key: %w", err)
	}
	return out, nil
}

// Page is a keyset page: items with ids below Before (0: from the newest), Limit of them.
type Page struct {
	Before int64
	Limit  int
}

// FeedbackFilter narrows the API's list of voices.
type FeedbackFilter struct {
	Status    feedback.Status
	Source    feedback.SourceKind
	RequestID int64
	AccountID int64
}

// FeedbackPage lists voices newest id first, a page at a time.
func (s *DB) FeedbackPage(ctx context.Context, f FeedbackFilter, p Page) ([]feedback.Item, error) {
	var rows []itemRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+itemColumns+` FROM feedback
		WHERE ($1::bigint = 0 OR id < $1) AND ($2 = '' OR status = $2) AND ($3 = '' OR source_kind = $3)
		  AND ($4::bigint = 0 OR request_id = $4) AND ($5::bigint = 0 OR account_id = $5)
		ORDER BY id DESC LIMIT $6`, p.Before, string(f.Status), string(f.Source), f.RequestID, f.AccountID, p.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: feedback page: %w", err)
	}
	out := make([]feedback.Item, len(rows))
	for i, r := range rows {
		out[i] = r.ToModel()
	}
	return out, nil
}

// RequestsPage lists requests (merged ones too) newest id first, a page at a time.
func (s *DB) RequestsPage(ctx context.Context, p Page) ([]feedback.Request, error) {
	var rows []requestRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+requestColumns+` FROM requests r WHERE ($1::bigint = 0 OR r.id < $1) ORDER BY r.id DESC LIMIT $2`,
		p.Before, p.Limit); err != nil {
		return nil, fmt.Errorf("store: requests page: %w", err)
	}
	out := make([]feedback.Request, len(rows))
	for i, r := range rows {
		out[i] = r.ToModel()
	}
	return out, nil
}

// AccountsPage lists accounts newest id first, a page at a time.
func (s *DB) AccountsPage(ctx context.Context, p Page) ([]feedback.Account, error) {
	var rows []accountRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+accountColumns+` FROM accounts WHERE ($1::bigint = 0 OR id < $1) ORDER BY id DESC LIMIT $2`,
		p.Before, p.Limit); err != nil {
		return nil, fmt.Errorf("store: accounts page: %w", err)
	}
	out := make([]feedback.Account, len(rows))
	for i, r := range rows {
		out[i] = r.ToModel()
	}
	return out, nil
}

// FeedbackBySource finds a voice by where it came from.
func (s *DB) FeedbackBySource(ctx context.Context, kind feedback.SourceKind, name, sourceID string) (feedback.Item, error) {
	var r itemRow
	err := s.db.GetContext(ctx, &r, `SELECT `+itemColumns+` FROM feedback WHERE source_kind = $1 AND source_name = $2 AND source_id = $3`,
		string(kind), name, sourceID)
	if isNoRows(err) {
		return feedback.Item{}, feedback.Errorf(feedback.ENOTFOUND, "No voice %s/%s/%s.", kind, name, sourceID)
	}
	if err != nil {
		return feedback.Item{}, fmt.Errorf("store: voice by source: %w", err)
	}
	return r.ToModel(), nil
}
