package main

import (
	"strings"
	"testing"

	"github.com/koehq/koe/internal/pgtest"
)

func TestUsersCommands(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	// Staff: the first admin, a role change, a wrong role.
	if out, errOut, code := koe(t, env, "users", "add", "Boss@koe.example", "--role", "admin", "--name", "Boss"); code != 0 || !strings.Contains(out, "user Boss@koe.example (admin) can sign in") {
		t.Fatalf("users add: %d %q %q", code, out, errOut)
	}
	if _, errOut, code := koe(t, env, "users", "add", "x@koe.example", "--role", "owner"); code != 1 || !strings.Contains(errOut, `Unknown role "owner"`) {
		t.Fatalf("users add with a wrong role: %d %q", code, errOut)
	}
	// A Japanese terminal reads it in Japanese.
	if out, errOut, code := koe(t, append(env, "LANG=ja_JP.UTF-8"), "users", "add", "cs@koe.example", "--role", "cs"); code != 0 || !strings.Contains(out, "ユーザー cs@koe.example（cs）はサインインできます") {
		t.Fatalf("users add in Japanese: %d %q %q", code, out, errOut)
	}
	if out, _, _ := koe(t, env, "users", "list"); !strings.Contains(out, "Boss@koe.example") || !strings.Contains(out, "never") {
		t.Fatalf("users list: %q", out)
	}
}
