package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// Customer is a customer who has signed in to see their company's requests.
type Customer struct {
	Email         string `db:"email"`
	AccountID     *int64 `db:"account_id"`
	NotifyShipped bool   `db:"notify_shipped"`
	Locale        string `db:"locale"`
}

// CustomerSession is a signed-in customer's session.
type CustomerSession struct {
	Token    string // goes in the cookie; only its hash is stored
	CSRF     string
	Customer Customer
}

// SignInCustomer records that email signed in, belonging now to accountID (nil: no account
// matched), reading in locale (ja or en; "" keeps the one known), and opens a session for ttl.
func (s *DB) SignInCustomer(ctx context.Context, email string, accountID *int64, locale string, ttl time.Duration) (CustomerSession, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	sess := CustomerSession{Token: randomToken(), CSRF: randomToken()}
	err := s.inTx(ctx, "sign in customer", func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &sess.Customer, `
			INSERT INTO customers (email, account_id, locale, last_seen_at) VALUES ($1, $2, $3, now())
			ON CONFLICT (email) DO UPDATE SET account_id = EXCLUDED.account_id, last_seen_at = now(),
				locale = COALESCE(NULLIF(EXCLUDED.locale, ''), customers.locale)
			RETURNING email, account_id, notify_shipped, locale`, email, accountID, locale); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM customer_sessions WHERE email = $1 AND expires_at < now()`, email); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO customer_sessions (token_hash, email, csrf, expires_at)
			VALUES ($1, $2, $3, now() + make_interval(secs => $4))`, tokenHash(sess.Token), email, sess.CSRF, ttl.Seconds())
		return err
	})
	return sess, err
}

// ForgetCustomer ends every session of an address that no longer belongs to any customer
// account and clears its account, so that a person who left their company loses its page at
// once rather than when the session would have expired.
func (s *DB) ForgetCustomer(ctx context.Context, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	return s.inTx(ctx, "forget customer", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM customer_sessions WHERE email = $1`, email); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE customers SET account_id = NULL WHERE email = $1 AND account_id IS NOT NULL`, email)
		return err
	})
}

// CustomerSessionByToken returns the live session of a cookie's token, or EUNAUTHORIZED.
func (s *DB) CustomerSessionByToken(ctx context.Context, token string) (CustomerSession, error) {
	var r struct {
		Customer
		CSRF string `db:"csrf"`
	}
	err := s.db.GetContext(ctx, &r, `SELECT c.email, c.account_id, c.notify_shipped, c.locale, s.csrf
		FROM customer_sessions s JOIN customers c ON c.email = s.email WHERE s.token_hash = $1 AND s.expires_at > now()`, tokenHash(token))
	if isNoRows(err) {
		return CustomerSession{}, feedback.Errorf(feedback.EUNAUTHORIZED, "Your sign-in has ended: sign in again.")
	}
	if err != nil {
		return CustomerSession{}, fmt.Errorf("store: customer session: %w", err)
	}
	return CustomerSession{CSRF: r.CSRF, Customer: r.Customer}, nil
}

// DeleteCustomerSession signs a customer out.
func (s *DB) DeleteCustomerSession(ctx context.Context, token string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM customer_sessions WHERE token_hash = $1`, tokenHash(token)); err != nil {
		return fmt.Errorf("store: sign customer out: %w", err)
	}
	return nil
}

// SetCustomerNotify says whether a customer wants an email when one of their requests ships.
func (s *DB) SetCustomerNotify(ctx context.Context, email string, on bool) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE customers SET notify_shipped = $2 WHERE email = $1`, email, on); err != nil {
		return fmt.Errorf("store: customer setting: %w", err)
	}
	return nil
}

// LinkLimits bound how many sign-in links go out within Window: per address and per IP.
type LinkLimits struct {
	PerEmail, PerIP int
	Window, TTL     time.Duration
}

// CreateSignInLink makes a one-time sign-in link's token for a customer's email, requested from
// ip, or ETOOMANY when that address or that IP asked for too many lately. Only the token's hash
// is kept.
func (s *DB) CreateSignInLink(ctx context.Context, email, ip string, l LinkLimits) (string, error) {
	return s.createSignInLink(ctx, "customer", email, ip, l)
}

// CreateStaffSignInLink is CreateSignInLink for the staff dashboard: the same limits, counted
// together with the customers' links, and a token only UseStaffSignInLink accepts.
func (s *DB) CreateStaffSignInLink(ctx context.Context, email, ip string, l LinkLimits) (string, error) {
	return s.createSignInLink(ctx, "staff", email, ip, l)
}

func (s *DB) createSignInLink(ctx context.Context, purpose, email, ip string, l LinkLimits) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	token := randomToken()
	err := s.inTx(ctx, "sign-in link", func(tx *sqlx.Tx) error {
		// One at a time per address and per IP, so that two requests at once cannot both pass.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('koe-link:' || $1)), pg_advisory_xact_lock(hashtext('koe-link-ip:' || $2))`, email, ip); err != nil {
			return err
		}
		var n struct {
			ByEmail int `db:"by_email"`
			ByIP    int `db:"by_ip"`
		}
		if err := tx.GetContext(ctx, &n, `SELECT
			count(*) FILTER (WHERE email = $1) AS by_email, count(*) FILTER (WHERE ip = $2) AS by_ip
			FROM sign_in_links WHERE (email = $1 OR ip = $2) AND created_at > now() - make_interval(secs => $3)`,
			email, ip, l.Window.Seconds()); err != nil {
			return err
		}
		if n.ByEmail >= l.PerEmail || n.ByIP >= l.PerIP {
			return feedback.Errorf(feedback.ETOOMANY, "Too many sign-in links were asked for lately: wait a while and try again.")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sign_in_links (token_hash, email, ip, expires_at, purpose)
			VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5)`, tokenHash(token), email, ip, l.TTL.Seconds(), purpose)
		return err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// UseSignInLink spends a customer's sign-in link and returns its address: a link works once,
// before it expires.
func (s *DB) UseSignInLink(ctx context.Context, token string) (string, error) {
	return s.useSignInLink(ctx, "customer", token)
}

// UseStaffSignInLink spends a staff sign-in link as UseSignInLink does a customer's.
func (s *DB) UseStaffSignInLink(ctx context.Context, token string) (string, error) {
	return s.useSignInLink(ctx, "staff", token)
}

func (s *DB) useSignInLink(ctx context.Context, purpose, token string) (string, error) {
	var email string
	err := s.db.GetContext(ctx, &email, `UPDATE sign_in_links SET used_at = now()
		WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now() RETURNING email`, tokenHash(token), purpose)
	if isNoRows(err) {
		return "", feedback.Errorf(feedback.EUNAUTHORIZED, "This sign-in link has expired or was already used: ask for a new one.")
	}
	if err != nil {
		return "", fmt.Errorf("store: sign-in link: %w", err)
	}
	return email, nil
}

// CustomerRequest is a request as the customer who asked for it sees it: its public words only.
type CustomerRequest struct {
	ID              int64                  `db:"id"`
	Title           string                 `db:"public_title"`
	Description     string                 `db:"public_description"`
	Note            string                 `db:"public_note"`
	Status          feedback.RequestStatus `db:"status"`
	StatusChangedAt time.Time              `db:"status_changed_at"`
	Public          bool                   `db:"is_public"`
}

// CustomerRequests returns the requests an account's voices are linked to that have a public
// title — only their public words, in lang where written in it — and how many more it asked for
// that have none yet.
func (s *DB) CustomerRequests(ctx context.Context, accountID int64, lang string) ([]CustomerRequest, int, error) {
	var rows []struct {
		CustomerRequest
		Count int `db:"n"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		WITH asked AS (
			SELECT DISTINCT r.id, r.public_title AS own_title, COALESCE(NULLIF(t.title, ''), r.public_title) AS public_title,
				COALESCE(NULLIF(t.description, ''), r.public_description) AS public_description,
				COALESCE(NULLIF(t.note, ''), r.public_note) AS public_note, r.status, r.status_changed_at, r.is_public
			FROM feedback f JOIN requests r ON r.id = f.request_id
			LEFT JOIN request_public_texts t ON t.request_id = r.id AND t.lang = $2
			WHERE f.account_id = $1 AND f.status NOT IN ('ignored', 'spam') AND r.merged_into IS NULL)
		SELECT id, public_title, public_description, public_note, status, status_changed_at, is_public, 0 AS n FROM asked WHERE own_title <> ''
		UNION ALL
		SELECT 0, '', '', '', '', now(), false, count(*) FROM asked WHERE own_title = ''
		ORDER BY n, status_changed_at DESC, id`, accountID, lang)
	if err != nil {
		return nil, 0, fmt.Errorf("store: requests of account %d: %w", accountID, err)
	}
	var out []CustomerRequest
	hidden := 0
	for _, r := range rows {
		if r.ID == 0 {
			hidden = r.Count
			continue
		}
		out = append(out, r.CustomerRequest)
	}
	return out, hidden, nil
}

// CustomerAccountName is the name of a customer's own company, for their page.
func (s *DB) CustomerAccountName(ctx context.Context, accountID int64) (string, error) {
	var name string
	if err := s.db.GetContext(ctx, &name, `SELECT name FROM accounts WHERE id = $1`, accountID); err != nil {
		return "", fmt.Errorf("store: account %d: %w", accountID, err)
	}
	return name, nil
}
