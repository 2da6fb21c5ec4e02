package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
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

	// Discovery answers again (to a new OIDC: the failure is kept a few seconds), the token
	// endpoint hangs.
	idp.Stall("/.well-known/openid-configuration", false)
	idp.Stall("/token", true)
	o = auth.NewOIDC(cfg, nil)
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

// signIn goes to the provider's authorization endpoint as a browser would and finishes the
// sign-in with the code it sends back.
func signIn(t *testing.T, o *auth.OIDC) (auth.Identity, error) {
	t.Helper()
	ctx := context.Background()
	const state, nonce, verifier = "state-1", "nonce-1", "verifier-0123456789-0123456789-0123456789-0123456789"
	to, err := o.AuthURL(ctx, state, nonce, verifier)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Query().Get("state") != state {
		t.Fatalf("the provider answered %d, to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return o.Identify(ctx, back.Query().Get("code"), verifier, nonce)
}

// TestOIDCEmailShape: the email claim is used as an address only when it is one plain address
// whose letters fold to ASCII only from ASCII. Go's strings.ToLower (and PostgreSQL's lower())
// turn the Kelvin sign U+212A into "k", and "İ" into "i": without this, a provider's verified
// "hana\u212Ao@koe.example" — another mailbox, or another domain for the provider — signed in as
// hanako@koe.example and passed ALLOWED_DOMAINS=koe.example.
func TestOIDCEmailShape(t *testing.T) {
	idp := oidctest.New(t, "app", "secret", false)
	o := auth.NewOIDC(auth.OIDCConfig{Issuer: idp.Issuer(), ClientID: "app", ClientSecret: "secret",
		RedirectURL: "https://koe.example/auth/oidc/x/callback", Domains: []string{"koe.example"}}, nil)
	for _, tc := range []struct {
		email, want string // want "": refused as unverified
	}{
		{"Hanako@KOE.example", "hanako@koe.example"},
		{"  hanako@koe.example ", "hanako@koe.example"},
		{"hana\u212Ao@koe.example", ""},
		{"hanako@\u212Aoe.example", ""},
		{"hanako@koe.\u0130xample", ""},
		{"hanako@koe.example\u017F", ""},
		{"Hanako <hanako@koe.example>", ""},
		{"eve@evil.example@koe.example", ""},
		{"hanako@koe.example (work)", ""},
		{"ｈａｎａｋｏ@koe.example", "ｈａｎａｋｏ@koe.example"}, // not ASCII, but no letter of it folds into ASCII: another address, which is no one's here
	} {
		t.Run(tc.email, func(t *testing.T) {
			idp.SignInAs(map[string]any{"email": tc.email, "email_verified": true})
			id, err := signIn(t, o)
			switch {
			case tc.want != "" && (err != nil || id.Email != tc.want):
				t.Fatalf("got %q, %v; want %q", id.Email, err, tc.want)
			case tc.want == "" && err == nil:
				t.Fatalf("signed in as %q", id.Email)
			case tc.want == "" && !errors.Is(err, auth.ErrUnverified):
				t.Fatalf("refused with %v, want ErrUnverified", err)
			}
		})
	}
}

// TestOIDCDiscoveryFailureIsKeptAWhile: while a provider's discovery fails, the sign-ins that
// come after do not each ask again (each would hold the lock every sign-in with that provider
// takes for up to the timeout, one after the other): the failure is answered at once for a few
// seconds. A request that gave up by itself is not such a failure.
func TestOIDCDiscoveryFailureIsKeptAWhile(t *testing.T) {
	idp := oidctest.New(t, "app", "secret", false)
	const doc = "/.well-known/openid-configuration"
	idp.Stall(doc, true)
	o := auth.NewOIDC(auth.OIDCConfig{Issuer: idp.Issuer(), ClientID: "app", ClientSecret: "secret",
		RedirectURL: "https://koe.example/auth/oidc/x/callback", Timeout: 200 * time.Millisecond}, nil)

	// The caller's own end is not the provider's failure: the next one asks.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := o.AuthURL(ctx, "s", "n", "v"); err == nil {
		t.Fatal("discovery with an ended request succeeded")
	}
	for i := range 5 {
		_, err := o.AuthURL(context.Background(), "s", "n", "v")
		if !errors.Is(err, auth.ErrProvider) {
			t.Fatalf("start %d: %v, want ErrProvider", i+1, err)
		}
	}
	if got := idp.Hits(doc); got != 1 {
		t.Fatalf("discovery asked %d times for 5 starts after it failed, want 1", got)
	}
}
