package auth

import (
	"errors"
	"testing"
)

// TestEmailVerifiedRule: which claims make an address the person's, for any provider and for
// Entra ID (see verified).
func TestEmailVerifiedRule(t *testing.T) {
	generic := &OIDC{cfg: OIDCConfig{Issuer: "https://acme.okta.com"}}
	entra := &OIDC{cfg: OIDCConfig{Issuer: "https://login.microsoftonline.com/organizations/v2.0"}, template: "https://login.microsoftonline.com/{tenantid}/v2.0"}
	const work = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	for _, tc := range []struct {
		name string
		p    *OIDC
		c    claims
		want bool
	}{
		{"email_verified true", generic, claims{EmailVerified: true}, true},
		{"email_verified as a string", generic, claims{EmailVerified: "true"}, true},
		{"email_verified false", generic, claims{EmailVerified: false}, false},
		{"no email_verified", generic, claims{}, false},
		{"xms_edov means nothing outside Entra", generic, claims{DomainOwnerVerified: true}, false},
		{"entra: xms_edov true", entra, claims{TenantID: work, DomainOwnerVerified: true}, true},
		{"entra: xms_edov false", entra, claims{TenantID: work, DomainOwnerVerified: false}, false},
		{"entra: work account, nothing else", entra, claims{TenantID: work}, false},
		{"entra: personal account", entra, claims{TenantID: consumerTenant}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.verified(tc.c, "hanako@koe.example"); got != tc.want {
				t.Fatalf("verified=%v, want %v", got, tc.want)
			}
		})
	}
}

// TestIssuerPerTenant: with a {tenantid} issuer, a token's iss must be its own tid's.
func TestIssuerPerTenant(t *testing.T) {
	const a, b = "11111111-2222-3333-4444-555555555555", "66666666-7777-8888-9999-000000000000"
	p := &OIDC{template: "https://login.microsoftonline.com/{tenantid}/v2.0"}
	only := &OIDC{template: p.template, cfg: OIDCConfig{Tenants: []string{a}}}
	iss := func(tid string) string { return "https://login.microsoftonline.com/" + tid + "/v2.0" }
	for _, tc := range []struct {
		name     string
		p        *OIDC
		iss, tid string
		ok       bool
	}{
		{"its own tenant", p, iss(a), a, true},
		{"tid in capitals", p, iss(a), "11111111-2222-3333-4444-555555555555", true},
		{"another tenant's issuer", p, iss(b), a, false},
		{"no tid", p, iss(""), "", false},
		{"a tid that is a path", p, "https://login.microsoftonline.com/x/y/v2.0", "x/y", false},
		{"an allowed tenant", only, iss(a), a, true},
		{"a tenant not allowed", only, iss(b), b, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.checkTenant(tc.iss, tc.tid)
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrTenant)) {
				t.Fatalf("err=%v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// TestPersonalAccount: which accounts are consumer ones, whose address may be stale.
func TestPersonalAccount(t *testing.T) {
	entra := &OIDC{cfg: OIDCConfig{Issuer: "https://login.microsoftonline.com/common/v2.0"}, template: "https://login.microsoftonline.com/{tenantid}/v2.0"}
	google := &OIDC{cfg: OIDCConfig{Issuer: "https://accounts.google.com"}}
	okta := &OIDC{cfg: OIDCConfig{Issuer: "https://acme.okta.com"}}
	for _, tc := range []struct {
		name string
		p    *OIDC
		c    claims
		iss  string
		want bool
	}{
		{"entra personal", entra, claims{TenantID: consumerTenant}, "https://login.microsoftonline.com/" + consumerTenant + "/v2.0", true},
		{"entra work", entra, claims{TenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47"}, "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0", false},
		{"google consumer", google, claims{}, "https://accounts.google.com", true},
		{"google workspace", google, claims{HostedDomain: "koe.example"}, "https://accounts.google.com", false},
		{"okta", okta, claims{}, "https://acme.okta.com", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.personal(tc.c, tc.iss); got != tc.want {
				t.Fatalf("personal=%v, want %v", got, tc.want)
			}
		})
	}
}
