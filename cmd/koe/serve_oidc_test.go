package main

import (
	"context"
	"net/url"
	"testing"

	"github.com/koehq/koe/auth/oidctest"
	"github.com/koehq/koe/config"
)

// TestOIDCProvidersWiring: each provider of the configuration becomes a button for the people
// it serves, sending the browser to its issuer's authorization endpoint with Koe's callback
// under KOE_BASE_URL as the redirect URL.
func TestOIDCProvidersWiring(t *testing.T) {
	idp := oidctest.New(t, "app-1", "s3cret", true)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"KOE_BASE_URL": "https://koe.example/", "KOE_OIDC_PROVIDERS": "microsoft,okta",
			"KOE_OIDC_MICROSOFT_ISSUER": idp.Issuer(), "KOE_OIDC_MICROSOFT_CLIENT_ID": "app-1", "KOE_OIDC_MICROSOFT_CLIENT_SECRET": "s3cret",
			"KOE_OIDC_MICROSOFT_FOR": "customers",
			"KOE_OIDC_OKTA_ISSUER":   "https://acme.okta.example", "KOE_OIDC_OKTA_CLIENT_ID": "okta-1", "KOE_OIDC_OKTA_LABEL": "Acme SSO"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	got := oidcProviders(cfg.OIDC, cfg.BaseURL)
	if len(got) != 2 || got[0].Name != "microsoft" || got[0].Label != "Microsoft" || got[0].Staff || !got[0].Customers ||
		got[1].Label != "Acme SSO" || !got[1].Staff || !got[1].Customers {
		t.Fatalf("providers = %+v", got)
	}
	to, err := got[0].Flow.AuthURL(context.Background(), "st", "no", "verifier-verifier-verifier-verifier-verifier")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(to)
	if q := u.Query(); u.Host != mustHost(t, idp.URL) || q.Get("redirect_uri") != "https://koe.example/auth/oidc/microsoft/callback" || q.Get("client_id") != "app-1" {
		t.Fatalf("authorization URL %s", to)
	}
}

func mustHost(t *testing.T, s string) string {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}
