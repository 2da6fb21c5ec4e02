package main

import (
	"strings"
	"testing"

	"github.com/koehq/koe/internal/pgtest"
)

func TestRatesCommands(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	if out, errOut, code := koe(t, env, "rates", "list"); code != 0 || out != "" || !strings.Contains(errOut, "koe rates set") {
		t.Fatalf("rates list with none: %d %q %q", code, out, errOut)
	}
	if out, errOut, code := koe(t, env, "rates", "set", "USD=150.25", "eur=162", "--on", "2026-11-30"); code != 0 ||
		!strings.Contains(out, "USD = 150.25 JPY from 2026-11-30") || !strings.Contains(out, "EUR = 162 JPY") {
		t.Fatalf("rates set: %d %q %q", code, out, errOut)
	}
	for _, bad := range []string{"USD", "USD=-1", "JPY=1", "DOLLAR=1"} {
		if _, errOut, code := koe(t, env, "rates", "set", bad); code != 1 || errOut == "" {
			t.Fatalf("rates set %s: %d %q, want refused", bad, code, errOut)
		}
	}
	// A later rate replaces the earlier one in the list; the earlier stays on its date.
	koe(t, env, "rates", "set", "USD=151", "--on", "2026-12-01")
	out, _, _ := koe(t, env, "rates", "list")
	if !strings.Contains(out, "USD       151") && !strings.Contains(out, "151     2026-12-01") {
		t.Fatalf("rates list: %q", out)
	}
	if strings.Contains(out, "150.25") || !strings.Contains(out, "EUR") {
		t.Fatalf("rates list keeps only the latest: %q", out)
	}
	// Rates belong to their base: with another base currency there are none.
	if out, _, _ := koe(t, append(env, "KOE_CURRENCY=usd"), "rates", "list"); out != "" {
		t.Fatalf("rates to USD: %q, want none", out)
	}
}
