package api_test

import (
	"context"
	"strings"
	"testing"
)

// TestIntegrationsKeepToThemselves: one write token cannot rewrite another integration's voice,
// by Idempotency-Key or by source_id; a token rewriting its own voice leaves a line in the
// audit log; an intake-only token posts voices and reads nothing.
func TestIntegrationsKeepToThemselves(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	other, _, err := f.db.CreateAPIToken(ctx, "other integration", "write", "test")
	if err != nil {
		t.Fatal(err)
	}
	voice := func(out map[string]any) map[string]any { d, _ := out["data"].(map[string]any); return d }

	code, out := f.call("POST", "/api/v1/feedback", f.write, `{"text":"original words","url":"https://help.example/1","source":"widget"}`, "Idempotency-Key", "k-1")
	if code != 201 {
		t.Fatalf("first post: %d %v", code, out)
	}
	first, _ := voice(out)["id"].(float64)
	code, out = f.call("POST", "/api/v1/feedback", other, `{"text":"replaced words","url":"https://evil.example/","source":"widget"}`, "Idempotency-Key", "k-1")
	if code != 201 || voice(out)["id"] == first {
		t.Errorf("another token with the same key: %d %v, want a voice of its own", code, out)
	}
	code, out = f.call("POST", "/api/v1/feedback", other, `{"text":"replaced again","source":"widget","source_id":"k-1"}`)
	if code >= 300 || voice(out)["id"] == first { // its own voice (posted just above with that key), rewritten
		t.Errorf("another token with the same source_id: %d %v, want a voice of its own", code, out)
	}
	code, out = f.call("GET", "/api/v1/feedback/"+jsonID(first), f.write, "")
	if got := voice(out)["body"]; code != 200 || got != "original words" {
		t.Fatalf("the first integration's voice: %d text=%v, want it unchanged", code, got)
	}

	// The same integration may correct its own voice: the change is in the audit log.
	if code, out = f.call("POST", "/api/v1/feedback", f.write, `{"text":"corrected words","source":"widget","source_id":"k-1"}`); code != 200 {
		t.Fatalf("correction: %d %v", code, out)
	}
	lines, err := f.db.AuditLog(ctx, "feedback", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range lines {
		if l.Actor == "api:zapier" && strings.Contains(l.Before, "original words") && strings.Contains(l.After, "corrected words") {
			found = true
		}
	}
	if !found {
		t.Errorf("no audit line for the correction: %+v", lines)
	}

	// An intake-only token: posts, and reads neither voices nor accounts nor MRR.
	intake, _, err := f.db.CreateAPIToken(ctx, "website widget", "intake", "test")
	if err != nil {
		t.Fatal(err)
	}
	if code, out := f.call("POST", "/api/v1/feedback", intake, `{"text":"from the widget"}`); code != 201 {
		t.Errorf("intake token posting: %d %v", code, out)
	}
	for _, p := range []string{"/api/v1/accounts", "/api/v1/accounts/1", "/api/v1/feedback", "/api/v1/backlog", "/api/v1/requests"} {
		if code, out := f.call("GET", p, intake, ""); code != 403 || errCode(out) != "forbidden" {
			t.Errorf("intake token reading %s: %d %v", p, code, out)
		}
	}
	if code, _ := f.call("POST", "/api/v1/feedback/1/tag", intake, `{"tag":"usability"}`); code != 403 {
		t.Errorf("intake token tagging: %d", code)
	}
}
