package config

import (
	"slices"
	"strings"
	"testing"
)

// TestOIDCProviders: each name of KOE_OIDC_PROVIDERS is read with its own KOE_OIDC_<NAME>_…
// variables, checked, and shown by koe config under those names, the secret masked.
func TestOIDCProviders(t *testing.T) {
	vars := map[string]string{
		"KOE_OIDC_PROVIDERS":                  "microsoft, Okta",
		"KOE_OIDC_MICROSOFT_ISSUER":           "https://login.microsoftonline.com/organizations/v2.0/",
		"KOE_OIDC_MICROSOFT_CLIENT_ID":        "app-1",
		"KOE_OIDC_MICROSOFT_CLIENT_SECRET":    "s3cret",
		"KOE_OIDC_MICROSOFT_TENANTS":          "72F988BF-86F1-41AF-91AB-2D7CD011DB47",
		"KOE_OIDC_MICROSOFT_FOR":              "customers",
		"KOE_OIDC_OKTA_ISSUER":                "https://acme.okta.com",
		"KOE_OIDC_OKTA_CLIENT_ID":             "okta-1",
		"KOE_OIDC_OKTA_LABEL":                 "Acme SSO",
		"KOE_OIDC_OKTA_ALLOWED_DOMAINS":       "Acme.example",
		"KOE_OIDC_MICROSOFT_ALLOWED_DOMAINS ": "ignored",
	}
	c, err := Load(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(c.OIDC), 2; got != want {
		t.Fatalf("providers=%d, want %d", got, want)
	}
	ms, okta := c.OIDC[0], c.OIDC[1]
	if ms.Name != "microsoft" || ms.Issuer != "https://login.microsoftonline.com/organizations/v2.0" || ms.ClientSecret != "s3cret" ||
		ms.Label != "Microsoft" || ms.Staff() || !ms.Customers() || !slices.Equal(ms.Tenants, []string{"72f988bf-86f1-41af-91ab-2d7cd011db47"}) {
		t.Errorf("microsoft = %+v", ms)
	}
	if okta.Name != "okta" || okta.Label != "Acme SSO" || !okta.Staff() || !okta.Customers() || !slices.Equal(okta.AllowedDomains, []string{"acme.example"}) {
		t.Errorf("okta = %+v", okta)
	}
	shown := map[string]string{}
	for _, e := range c.Entries() {
		shown[e.Name] = e.Value
	}
	if got := shown["KOE_OIDC_MICROSOFT_CLIENT_SECRET"]; got != "xxxxx (set)" {
		t.Errorf("the secret shows %q", got)
	}
	if got := shown["KOE_OIDC_OKTA_ISSUER"]; got != "https://acme.okta.com" {
		t.Errorf("KOE_OIDC_OKTA_ISSUER shows %q", got)
	}
	if _, ok := shown["KOE_OIDC_<NAME>_ISSUER"]; ok {
		t.Error("koe config shows the pattern itself")
	}

	for _, tc := range []struct {
		name string
		vars map[string]string
		want string
	}{
		{"no issuer", map[string]string{"KOE_OIDC_PROVIDERS": "okta", "KOE_OIDC_OKTA_CLIENT_ID": "x"}, "set KOE_OIDC_OKTA_ISSUER and KOE_OIDC_OKTA_CLIENT_ID"},
		{"bad name", map[string]string{"KOE_OIDC_PROVIDERS": "my-idp"}, "short names"},
		{"twice", map[string]string{"KOE_OIDC_PROVIDERS": "okta,OKTA"}, "named twice"},
		{"bad tenant", map[string]string{"KOE_OIDC_PROVIDERS": "ms", "KOE_OIDC_MS_ISSUER": "https://login.microsoftonline.com/common/v2.0",
			"KOE_OIDC_MS_CLIENT_ID": "x", "KOE_OIDC_MS_TENANTS": "contoso.onmicrosoft.com"}, "KOE_OIDC_MS_TENANTS"},
		{"bad for", map[string]string{"KOE_OIDC_PROVIDERS": "ms", "KOE_OIDC_MS_ISSUER": "https://idp.example", "KOE_OIDC_MS_CLIENT_ID": "x",
			"KOE_OIDC_MS_FOR": "everyone"}, "KOE_OIDC_MS_FOR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Load(env(tc.vars)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err=%v, want one saying %q", err, tc.want)
			}
		})
	}
}
