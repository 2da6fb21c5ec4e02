package main

import (
	"strings"
	"testing"

	"github.com/koehq/koe/internal/pgtest"
)

func TestTokensCommands(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	out, errOut, code := koe(t, env, "tokens", "create", "zapier", "--scope", "write")
	if code != 0 || !strings.HasPrefix(out, "koe_") || !strings.Contains(errOut, "not shown again") {
		t.Fatalf("create: %d %q %q", code, out, errOut)
	}
	if _, errOut, code := koe(t, env, "tokens", "create", "x", "--scope", "admin"); code == 0 || !strings.Contains(errOut, "use read, write or intake") {
		t.Fatalf("bad scope: %d %s", code, errOut)
	}
	if out, _, code := koe(t, env, "tokens", "list"); code != 0 || !strings.Contains(out, "zapier") || !strings.Contains(out, "write") {
		t.Fatalf("list: %s", out)
	}
	if out, _, code := koe(t, env, "tokens", "revoke", "1"); code != 0 || !strings.Contains(out, "token 1 revoked") {
		t.Fatalf("revoke: %s", out)
	}
	if _, errOut, code := koe(t, env, "tokens", "revoke", "1"); code == 0 || !strings.Contains(errOut, "No live token 1") {
		t.Fatalf("revoke twice: %d %s", code, errOut)
	}
}
