package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// The reasons an OpenID Connect sign-in is refused, for the page that says so; the error that
// wraps one says the details for the log.
var (
	// ErrProvider: the provider could not be reached or refused the code (a wrong PKCE verifier,
	// a code used twice, a wrong client secret).
	ErrProvider = errors.New("the provider did not complete the sign-in")
	// ErrToken: the ID token is not one to trust — signature, issuer, audience, expiry or nonce.
	ErrToken = errors.New("the ID token could not be verified")
	// ErrTenant: an Entra ID token from a tenant that is not allowed, or whose issuer is not its
	// tenant's.
	ErrTenant = errors.New("the account's organisation is not allowed")
	// ErrUnverified: the provider does not vouch that the email is the person's.
	ErrUnverified = errors.New("the provider has not verified the account's email")
	// ErrDomain: the email's domain is not one of the provider's allowed domains.
	ErrDomain = errors.New("the email's domain is not allowed")
)

// consumerTenant is the tenant id of every personal Microsoft account.
const consumerTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"

// OIDCConfig is one OpenID Connect provider as Koe is registered with it.
type OIDCConfig struct {
	// Issuer is where discovery starts (Issuer + /.well-known/openid-configuration). An Entra ID
	// multi-tenant issuer (/organizations/v2.0, /common/v2.0) is accepted: its document names
	// the issuer with a {tenantid} placeholder, and each token is checked against it (see Identify).
	Issuer                 string
	ClientID, ClientSecret string
	// RedirectURL is Koe's callback for this provider, registered with it.
	RedirectURL string
	// Domains, when any, are the only email domains let in; Tenants, the only Entra tenant ids.
	Domains, Tenants []string
	// Timeout bounds each request to the provider (discovery, keys, token) when NewOIDC makes
	// the HTTP client: 15 seconds when zero.
	Timeout time.Duration
}

// OIDC signs people in with one OpenID Connect provider: the authorization code flow with PKCE
// (S256), state and nonce, the ID token verified against the provider's discovery document and
// keys. Discovery happens at first use and is kept once it succeeds, so Koe starts while a
// provider is down. It is safe for concurrent use.
type OIDC struct {
	cfg OIDCConfig
	hc  *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
	// failed is when discovery last failed and why, answered again until retryAfter has passed.
	failed    time.Time
	failedErr error
	// template is the discovered issuer when it has a {tenantid} placeholder (Entra ID's
	// multi-tenant endpoints), else "".
	template string
}

const (
	// defaultTimeout bounds each request to a provider when NewOIDC makes the client.
	defaultTimeout = 15 * time.Second
	// retryAfter is how long a failed discovery is answered without asking again.
	retryAfter = 10 * time.Second
)

// NewOIDC returns a provider; hc makes its requests (when nil, a client whose requests give up
// after cfg.Timeout: a provider that accepts connections and never answers must not hold
// sign-ins, and the goroutines serving them, for ever — the requests that reach it come from
// anyone who opens a sign-in link).
func NewOIDC(cfg OIDCConfig, hc *http.Client) *OIDC {
	if hc == nil {
		t := cfg.Timeout
		if t <= 0 {
			t = defaultTimeout
		}
		hc = &http.Client{Timeout: t}
	}
	return &OIDC{cfg: cfg, hc: hc}
}

func (p *OIDC) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(context.WithValue(ctx, oauth2.HTTPClient, p.hc), p.hc)
}

// discover fetches the discovery document once.
func (p *OIDC) discover(ctx context.Context) (*oidc.Provider, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider != nil {
		return p.provider, nil
	}
	// While the provider is down, the sign-ins queued on the lock do not each wait out a
	// request of their own: they get the last failure at once.
	if !p.failed.IsZero() && time.Since(p.failed) < retryAfter {
		return nil, p.failedErr
	}
	// Discovery runs under the lock every sign-in with this provider takes, so it ends with the
	// request that needs it (or the client's timeout), never later. The key set go-oidc makes
	// does not keep this context: it fetches keys with the client alone.
	ctx = p.ctx(ctx)
	prov, err := oidc.NewProvider(ctx, p.cfg.Issuer)
	var mismatch *oidc.IssuerMismatchError
	if errors.As(err, &mismatch) && strings.Contains(mismatch.Discovered, "{tenantid}") {
		// Entra ID's /organizations and /common documents name no one issuer: each token's is
		// its tenant's, checked per token against this template.
		prov, err = oidc.NewProvider(oidc.InsecureIssuerURLContext(ctx, mismatch.Discovered), p.cfg.Issuer)
		if err == nil {
			p.template = mismatch.Discovered
		}
	}
	if err != nil {
		err = fmt.Errorf("auth: oidc discovery at %s: %w: %w", p.cfg.Issuer, ErrProvider, err)
		if ctx.Err() == nil { // not the caller giving up: the provider's failure
			p.failed, p.failedErr = time.Now(), err
		}
		return nil, err
	}
	p.provider = prov
	return prov, nil
}

func (p *OIDC) oauth(prov *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, Endpoint: p.endpoint(prov),
		RedirectURL: p.cfg.RedirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// endpoint is the provider's, with one way of sending the client's secret that its document
// names: client_secret_post when listed (Entra ID, Okta and Google all do; the secret goes as it
// is, without the form-encoding in a Basic header that some servers read differently), else
// client_secret_basic, the default of OpenID Connect Discovery §3. oauth2's guessing would send a
// code a second time after a refusal, and the provider's real answer (a PKCE failure) would be
// lost behind "unknown code".
func (p *OIDC) endpoint(prov *oidc.Provider) oauth2.Endpoint {
	e := prov.Endpoint()
	var doc struct {
		Methods []string `json:"token_endpoint_auth_methods_supported"`
	}
	_ = prov.Claims(&doc)
	if p.cfg.ClientSecret != "" && !slices.Contains(doc.Methods, "client_secret_post") {
		e.AuthStyle = oauth2.AuthStyleInHeader
	} else {
		e.AuthStyle = oauth2.AuthStyleInParams
	}
	return e
}

// AuthURL is where to send the browser: the provider's authorization endpoint with state, nonce
// and the S256 challenge of verifier.
func (p *OIDC) AuthURL(ctx context.Context, state, nonce, verifier string) (string, error) {
	prov, err := p.discover(ctx)
	if err != nil {
		return "", err
	}
	return p.oauth(prov).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// claims are the ID token's claims Koe reads.
type claims struct {
	Email         string `json:"email"`
	EmailVerified any    `json:"email_verified"`
	Name          string `json:"name"`
	TenantID      string `json:"tid"`
	// HostedDomain is Google's hd: present for Google Workspace accounts only.
	HostedDomain string `json:"hd"`
	// Entra ID's optional claim xms_edov: the email's domain is verified by the tenant's owner.
	DomainOwnerVerified any `json:"xms_edov"`
}

// Identify finishes a sign-in: it trades code (with the PKCE verifier) for tokens, verifies the
// ID token (signature by the provider's keys, issuer, audience = the client id, expiry) and its
// nonce, checks the Entra tenant, and returns the person when the provider vouches for their
// email and its domain is allowed. Its errors wrap one of ErrProvider, ErrToken, ErrTenant,
// ErrUnverified and ErrDomain.
func (p *OIDC) Identify(ctx context.Context, code, verifier, nonce string) (Identity, error) {
	prov, err := p.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	tok, err := p.oauth(prov).Exchange(p.ctx(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Identity{}, fmt.Errorf("auth: oidc token: %w: %w", ErrProvider, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, fmt.Errorf("auth: oidc token: %w: no id_token in the answer", ErrToken)
	}
	idt, err := prov.VerifierContext(p.ctx(ctx), &oidc.Config{ClientID: p.cfg.ClientID, SkipIssuerCheck: p.template != ""}).Verify(p.ctx(ctx), raw)
	if err != nil {
		return Identity{}, fmt.Errorf("auth: oidc id token: %w: %w", ErrToken, err)
	}
	if idt.Nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return Identity{}, fmt.Errorf("auth: oidc id token: %w: the nonce is not this sign-in's", ErrToken)
	}
	var c claims
	if err := idt.Claims(&c); err != nil {
		return Identity{}, fmt.Errorf("auth: oidc id token: %w: %w", ErrToken, err)
	}
	if err := p.checkTenant(idt.Issuer, c.TenantID); err != nil {
		return Identity{}, err
	}
	email, ok := plainAddress(c.Email)
	if !ok || !p.verified(c, email) {
		return Identity{}, fmt.Errorf("auth: oidc: %w (%q)", ErrUnverified, c.Email)
	}
	domain := email[strings.LastIndex(email, "@")+1:]
	if len(p.cfg.Domains) > 0 && !slices.Contains(p.cfg.Domains, domain) {
		return Identity{}, fmt.Errorf("auth: oidc: %w: %s is not one of %s", ErrDomain, domain, strings.Join(p.cfg.Domains, ", "))
	}
	return Identity{Email: email, Name: c.Name, Personal: p.personal(c, idt.Issuer)}, nil
}

// googleIssuer is Google's OpenID Connect issuer.
const googleIssuer = "https://accounts.google.com"

// personal says whether the account is a consumer one: a personal Microsoft account (Entra's
// consumer tenant), or a Google account with no Workspace domain (no hd claim).
func (p *OIDC) personal(c claims, iss string) bool {
	if p.entra() {
		return strings.EqualFold(c.TenantID, consumerTenant)
	}
	return strings.TrimSuffix(iss, "/") == googleIssuer && c.HostedDomain == ""
}

// checkTenant is Entra ID's issuer-per-tenant check: with a {tenantid} issuer the token's iss
// must be that template with the token's own tid in it (a token of tenant A naming tenant B's
// issuer is refused), and with allowed tenants the tid must be one of them.
func (p *OIDC) checkTenant(iss, tid string) error {
	tid = strings.ToLower(tid)
	if p.template != "" {
		if tid == "" || strings.ContainsAny(tid, "/?#{}") || iss != strings.Replace(p.template, "{tenantid}", tid, 1) {
			return fmt.Errorf("auth: oidc: %w: issuer %q is not tenant %q's (%s)", ErrTenant, iss, tid, p.template)
		}
	}
	if len(p.cfg.Tenants) > 0 && !slices.Contains(p.cfg.Tenants, tid) {
		return fmt.Errorf("auth: oidc: %w: tenant %q is not one of %s", ErrTenant, tid, strings.Join(p.cfg.Tenants, ", "))
	}
	return nil
}

// entra says whether the provider is Microsoft Entra ID (its multi-tenant endpoints or a
// tenant's own issuer).
func (p *OIDC) entra() bool {
	return p.template != "" || strings.HasPrefix(p.cfg.Issuer, "https://login.microsoftonline.com/")
}

// verified says whether the provider vouches that email is the person's.
//
// Any provider: email_verified is true (OpenID Connect Core §5.1). Entra ID never sends
// email_verified for work and school accounts, and its email claim is an attribute an
// administrator (or, for guests, another tenant) can set to any address, so it is trusted only
// when: the optional claim xms_edov is true (the tenant owns and verified the email's domain),
// or the account is a personal Microsoft account (tenant 9188040d-…, whose address Microsoft confirmed). The
// preferred_username and upn claims are never used: they are sign-in names, not proven addresses.
// Nor is verified_primary_email: Microsoft does not document who may set it, and xms_edov is the
// claim Microsoft points to for this.
func (p *OIDC) verified(c claims, email string) bool {
	if truthy(c.EmailVerified) {
		return true
	}
	if !p.entra() {
		return false
	}
	if truthy(c.DomainOwnerVerified) || strings.EqualFold(c.TenantID, consumerTenant) {
		return true
	}
	return false
}

// truthy reads a boolean claim that some providers send as a string.
func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// plainAddress is the email claim lower-cased, when it is one plain address (no display name,
// no comment, one @) with no letter that case-folds into ASCII from outside it. Koe matches
// addresses case-insensitively (strings.ToLower here and in the matching, lower() in
// PostgreSQL), and those fold the Kelvin sign U+212A into "k", "İ" into "i" and "ſ" into "s":
// a provider's verified "hana\u212Ao@koe.example" is another mailbox, or another domain, to
// the provider, yet it would have signed in as hanako@koe.example and passed the allowed
// domains. Addresses in other scripts (IDN, EAI) pass: they fold into nothing ASCII.
func plainAddress(claim string) (string, bool) {
	s := strings.TrimSpace(claim)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || strings.Count(s, "@") != 1 {
		return "", false
	}
	for _, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < utf8.RuneSelf {
				return "", false
			}
		}
		if l := unicode.ToLower(r); l < utf8.RuneSelf {
			return "", false
		}
	}
	return strings.ToLower(s), true
}
