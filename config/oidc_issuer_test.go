package config

import (
	"strings"
	"testing"
)

// TestOIDCIssuerIsHTTPS: an issuer is trusted for the keys that sign ID tokens and receives the
// client secret, so a plain-http one (whose discovery document, keys and token answers anyone
// on the way could replace) is refused, except on this machine.
func TestOIDCIssuerIsHTTPS(t *testing.T) {
	for _, tc := range []struct {
		issuer string
		ok     bool
	}{
		{"https://acme.okta.com", true},
		{"http://127.0.0.1:8081/realms/koe", true},
		{"http://localhost:8081/realms/koe", true},
		{"http://[::1]:8081", true},
		{"http://keycloak.internal:8080/realms/koe", false},
		{"http://10.0.0.5/realms/koe", false},
		{"http://localhost.attacker.example", false},
	} {
		t.Run(tc.issuer, func(t *testing.T) {
			_, err := Load(env(map[string]string{"KOE_OIDC_PROVIDERS": "kc", "KOE_OIDC_KC_ISSUER": tc.issuer, "KOE_OIDC_KC_CLIENT_ID": "x"}))
			if tc.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "KOE_OIDC_KC_ISSUER")) {
				t.Fatalf("err=%v, want one naming KOE_OIDC_KC_ISSUER", err)
			}
		})
	}
}
