// Package auth checks who is signing in: with any OpenID Connect provider (oidc.go: the code
// flow with PKCE, state and nonce), or with Google's own button, whose ID token Google Identity
// Services posts (this file). Both verify ID tokens with github.com/coreos/go-oidc: signature by
// the provider's published keys, audience and expiry; the issuer, the verified email and the
// allowed domains are checked here.
package auth

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
)

// Identity is who an ID token says signed in.
type Identity struct {
	Email, Name string
	// Personal: a consumer account (a personal Microsoft account, a Google account outside
	// Workspace) whose address was proved when the account was made and is kept after the
	// person leaves the company that owns the domain.
	Personal bool
}

// Google verifies Google ID tokens for one OAuth client and a list of Workspace domains.
type Google struct {
	ClientID string
	// Domains are the Google Workspace domains (the token's hd claim) allowed to sign in.
	Domains []string
	// AnyDomain lets any Google account with a verified email in (customers, not staff).
	AnyDomain bool
	verifier  *oidc.IDTokenVerifier
}

// googleKeys is where Google publishes the keys of its ID tokens (the jwks_uri of
// https://accounts.google.com/.well-known/openid-configuration).
const googleKeys = "https://www.googleapis.com/oauth2/v3/certs"

// NewGoogle returns a verifier; hc fetches Google's signing keys (http.DefaultClient when nil).
func NewGoogle(ctx context.Context, clientID string, domains []string, hc *http.Client) (*Google, error) {
	if clientID == "" || len(domains) == 0 {
		return nil, fmt.Errorf("google sign-in needs KOE_GOOGLE_CLIENT_ID and KOE_ALLOWED_DOMAINS")
	}
	return newGoogle(ctx, &Google{ClientID: clientID, Domains: domains}, hc)
}

func newGoogle(ctx context.Context, g *Google, hc *http.Client) (*Google, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	// Google's tokens name either form of its issuer, both checked in Verify.
	keys := oidc.NewRemoteKeySet(oidc.ClientContext(context.WithoutCancel(ctx), hc), googleKeys)
	g.verifier = oidc.NewVerifier("https://accounts.google.com", keys, &oidc.Config{ClientID: g.ClientID, SkipIssuerCheck: true})
	return g, nil
}

// NewGoogleCustomers returns a verifier for customers: any Google account whose email Google
// has verified; which company it belongs to is Koe's matching to decide.
func NewGoogleCustomers(ctx context.Context, clientID string, hc *http.Client) (*Google, error) {
	if clientID == "" {
		return nil, fmt.Errorf("google sign-in needs KOE_GOOGLE_CLIENT_ID")
	}
	return newGoogle(ctx, &Google{ClientID: clientID, AnyDomain: true}, hc)
}

// Verify checks an ID token and returns who it names.
func (g *Google) Verify(ctx context.Context, token string) (Identity, error) {
	idt, err := g.verifier.Verify(ctx, token)
	if err != nil {
		return Identity{}, fmt.Errorf("the Google sign-in could not be verified (%v): try again", err)
	}
	if idt.Issuer != "accounts.google.com" && idt.Issuer != "https://accounts.google.com" {
		return Identity{}, fmt.Errorf("the sign-in token was not issued by Google (iss %q)", idt.Issuer)
	}
	var c struct {
		claims
		HD string `json:"hd"`
	}
	if err := idt.Claims(&c); err != nil {
		return Identity{}, fmt.Errorf("the Google sign-in could not be read (%v): try again", err)
	}
	email := c.Email
	if !truthy(c.EmailVerified) || email == "" {
		return Identity{}, fmt.Errorf("Google has not verified the email of this account")
	}
	if !g.AnyDomain && !slices.Contains(g.Domains, strings.ToLower(c.HD)) {
		return Identity{}, fmt.Errorf("%s is not in an allowed Google Workspace domain (%s)", email, strings.Join(g.Domains, ", "))
	}
	// A Google account outside Workspace (no hd) is a consumer account: see Identity.Personal.
	return Identity{Email: email, Name: c.Name, Personal: c.HD == ""}, nil
}
