// Package auth checks who is signing in. Staff sign in with Google: the ID token's signature,
// audience and expiry are verified by google.golang.org/api/idtoken; the issuer, the verified
// email and the Workspace domain (hd), which that library leaves to its caller, are checked here.
package auth

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"google.golang.org/api/idtoken"
	"google.golang.org/api/option"
)

// Identity is who an ID token says signed in.
type Identity struct {
	Email, Name string
}

// Google verifies Google ID tokens for one OAuth client and a list of Workspace domains.
type Google struct {
	ClientID string
	// Domains are the Google Workspace domains (the token's hd claim) allowed to sign in.
	Domains []string
	// AnyDomain lets any Google account with a verified email in (customers, not staff).
	AnyDomain bool
	validator *idtoken.Validator
}

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
	v, err := idtoken.NewValidator(ctx, option.WithHTTPClient(hc))
	if err != nil {
		return nil, fmt.Errorf("google sign-in: %w", err)
	}
	g.validator = v
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
	p, err := g.validator.Validate(ctx, token, g.ClientID)
	if err != nil {
		return Identity{}, fmt.Errorf("the Google sign-in could not be verified (%v): try again", err)
	}
	if p.Issuer != "accounts.google.com" && p.Issuer != "https://accounts.google.com" {
		return Identity{}, fmt.Errorf("the sign-in token was not issued by Google (iss %q)", p.Issuer)
	}
	email, _ := p.Claims["email"].(string)
	if verified, _ := p.Claims["email_verified"].(bool); !verified || email == "" {
		return Identity{}, fmt.Errorf("Google has not verified the email of this account")
	}
	hd, _ := p.Claims["hd"].(string)
	if !g.AnyDomain && !slices.Contains(g.Domains, strings.ToLower(hd)) {
		return Identity{}, fmt.Errorf("%s is not in an allowed Google Workspace domain (%s)", email, strings.Join(g.Domains, ", "))
	}
	name, _ := p.Claims["name"].(string)
	return Identity{Email: email, Name: name}, nil
}
