package main

import (
	"strings"
	"testing"

	"github.com/koehq/koe/internal/pgtest"
)

func TestUsersCommands(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	google := []string{"KOE_GOOGLE_CLIENT_ID=client-1", "KOE_ALLOWED_DOMAINS=koe.example"}
	// Staff: the first admin, a role change, a wrong role.
	if out, errOut, code := koe(t, append(env, google...), "users", "add", "Boss@koe.example", "--role", "admin", "--name", "Boss"); code != 0 || !strings.Contains(out, "user Boss@koe.example (admin) can sign in") {
		t.Fatalf("users add: %d %q %q", code, out, errOut)
	}
	if _, errOut, code := koe(t, env, "users", "add", "x@koe.example", "--role", "owner"); code != 1 || !strings.Contains(errOut, `Unknown role "owner"`) {
		t.Fatalf("users add with a wrong role: %d %q", code, errOut)
	}
	// A Japanese terminal reads it in Japanese.
	if out, errOut, code := koe(t, append(env, "LANG=ja_JP.UTF-8", "KOE_SMTP_ADDR=127.0.0.1:2525", "KOE_MAIL_FROM=koe@koe.example"), "users", "add", "cs@koe.example", "--role", "cs"); code != 0 || !strings.Contains(out, "ユーザー cs@koe.example（cs）はサインインできます") {
		t.Fatalf("users add in Japanese: %d %q %q", code, out, errOut)
	}
	if out, _, _ := koe(t, env, "users", "list"); !strings.Contains(out, "Boss@koe.example") || !strings.Contains(out, "never") {
		t.Fatalf("users list: %q", out)
	}
}

// TestUsersAddSaysHowToSignIn: `koe users add` names each way the user can sign in with the
// configuration at hand, and warns on stderr (exit 0) when there is none.
func TestUsersAddSaysHowToSignIn(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t), "KOE_BASE_URL=https://koe.example"}
	google := []string{"KOE_GOOGLE_CLIENT_ID=client-1", "KOE_ALLOWED_DOMAINS=koe.example"}
	mail := []string{"KOE_SMTP_ADDR=127.0.0.1:2525", "KOE_MAIL_FROM=koe@koe.example"}
	entra := []string{"KOE_OIDC_PROVIDERS=microsoft,portal", "KOE_OIDC_MICROSOFT_ISSUER=https://login.microsoftonline.com/organizations/v2.0",
		"KOE_OIDC_MICROSOFT_CLIENT_ID=app-1", "KOE_OIDC_MICROSOFT_ALLOWED_DOMAINS=koe.example",
		// A provider for customers only is no way in for staff.
		"KOE_OIDC_PORTAL_ISSUER=https://portal.example", "KOE_OIDC_PORTAL_CLIENT_ID=p", "KOE_OIDC_PORTAL_FOR=customers"}
	for _, tc := range []struct {
		name, email string
		env         []string
		want        []string
		warn        bool
	}{
		{"google", "a@koe.example", google, []string{"user a@koe.example (cs) can sign in", "with Google: a Google Workspace account of koe.example"}, false},
		{"google and mail", "b@koe.example", append(append([]string{}, google...), mail...),
			[]string{"can sign in", "with Google", "with a one-time link mailed to b@koe.example from https://koe.example/signin"}, false},
		{"mail only", "c@other.example", append(append([]string{}, google...), mail...), []string{"can sign in", "one-time link"}, false},
		{"domain not allowed", "d@other.example", google, []string{"user d@other.example (cs) added"}, true},
		{"nothing set up", "e@koe.example", nil, []string{"user e@koe.example (cs) added"}, true},
		{"openid connect", "f@koe.example", entra, []string{"user f@koe.example (cs) can sign in",
			"with Microsoft: an account whose address f@koe.example Microsoft has verified, at https://koe.example/signin"}, false},
		{"openid connect, domain not allowed", "g@other.example", entra, []string{"user g@other.example (cs) added"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := koe(t, append(append([]string{}, env...), tc.env...), "users", "add", tc.email, "--role", "cs")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout %q lacks %q", out, w)
				}
			}
			if got := strings.Contains(errOut, "cannot sign in"); got != tc.warn {
				t.Errorf("warning=%v, want %v: stderr %q", got, tc.warn, errOut)
			}
			if tc.warn && strings.Contains(out, "can sign in") {
				t.Errorf("says the user can sign in when no way exists: %q", out)
			}
			if strings.Contains(out, "Portal") {
				t.Errorf("offers a customers' provider to staff: %q", out)
			}
			if tc.name == "mail only" && strings.Contains(out, "with Google") {
				t.Errorf("offers Google to a domain that is not allowed: %q", out)
			}
		})
	}
}
