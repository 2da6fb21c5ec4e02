package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/koehq/koe/auth"
	"github.com/koehq/koe/auth/oidctest"
)

// wait runs f and fails the test if it has not returned after a generous while: a sign-in
// request waiting on a provider that never answers would hold a server goroutine (and, for
// discovery, every other sign-in with that provider) for ever.
func wait(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("%s is still waiting for a provider that does not answer", what)
		return nil
	}
}

// TestOIDCProviderThatDoesNotAnswer: discovery gives up when the request that needs it does (it
// used to run detached from it, under the lock every sign-in with the provider takes), and the
// token endpoint, the keys and discovery are asked with a client that has a timeout, so a sign-in
// ends with ErrProvider rather than hanging.
func TestOIDCProviderThatDoesNotAnswer(t *testing.T) {
	idp := oidctest.New(t, "app", "secret", false)
	cfg := auth.OIDCConfig{Issuer: idp.Issuer(), ClientID: "app", ClientSecret: "secret", RedirectURL: "https://koe.example/auth/oidc/x/callback"}

	idp.Stall("/.well-known/openid-configuration", true)
	o := auth.NewOIDC(cfg, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := wait(t, "discovery with a request that ended", func() error {
		_, err := o.AuthURL(ctx, "state", "nonce", "verifier-verifier-verifier-verifier-verifier")
		return err
	})
	if !errors.Is(err, auth.ErrProvider) {
		t.Fatalf("discovery: %v, want ErrProvider", err)
	}

	// A request with no deadline of its own still ends: the client's timeout.
	cfg.Timeout = 300 * time.Millisecond
	o = auth.NewOIDC(cfg, nil)
	err = wait(t, "discovery with no deadline", func() error {
		_, err := o.AuthURL(context.Background(), "state", "nonce", "verifier-verifier-verifier-verifier-verifier")
		return err
	})
	if !errors.Is(err, auth.ErrProvider) {
		t.Fatalf("discovery: %v, want ErrProvider", err)
	}

	// Discovery answers again (a failure is not kept), the token endpoint hangs.
	idp.Stall("/.well-known/openid-configuration", false)
	idp.Stall("/token", true)
	if _, err := o.AuthURL(context.Background(), "state", "nonce", "verifier-verifier-verifier-verifier-verifier"); err != nil {
		t.Fatalf("discovery once the provider answers: %v", err)
	}
	err = wait(t, "the token request", func() error {
		_, err := o.Identify(context.Background(), "code", "verifier-verifier-verifier-verifier-verifier", "nonce")
		return err
	})
	if !errors.Is(err, auth.ErrProvider) {
		t.Fatalf("token: %v, want ErrProvider", err)
	}
}
