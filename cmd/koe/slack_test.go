package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/koehq/koe/internal/pgtest"
)

func TestSlackCommands(t *testing.T) {
	s := slacktest.NewTestServer()
	s.Start()
	defer s.Stop()
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	jsonl := filepath.Join(t.TempDir(), "chats.jsonl")
	today := time.Now().UTC().Format(time.RFC3339)
	os.WriteFile(jsonl, []byte(`{"id":"1","text":"CSVがほしい","date":"`+today+`"}
{"id":"2","text":"SSO please","date":"`+today+`"}
{"id":"3","text":"an old chat from the history","date":"2025-01-02"}
`), 0o644)
	// Slack not configured yet: the voices wait in the outbox.
	if _, errOut, code := koe(t, env, "ingest", "jsonl", "--file", jsonl, "--name", "widget"); code != 0 {
		t.Fatalf("ingest: %s", errOut)
	}
	out, _, _ := koe(t, env, "slack", "outbox")
	if strings.Count(out, "pending") != 2 {
		t.Fatalf("outbox:\n%s", out)
	}
	if out, errOut, code := koe(t, env, "slack", "check"); code != 1 || !strings.Contains(out, "FAIL SLACK_BOT_TOKEN is not set") || !strings.Contains(errOut, "1 problem") {
		t.Fatalf("check without a token: %d %q %q", code, out, errOut)
	}
	if _, errOut, code := koe(t, env, "slack", "send"); code != 1 || !strings.Contains(errOut, "SLACK_BOT_TOKEN is not set") {
		t.Fatalf("send without a token: %d %q", code, errOut)
	}

	env = append(env, "SLACK_BOT_TOKEN=xoxb-test", "KOE_SLACK_API_URL="+s.GetAPIURL(), "KOE_SLACK_VOICE_CHANNEL=CVOICES")
	out, errOut, code := koe(t, env, "slack", "send")
	if code != 0 || !strings.Contains(out, "handled 2 messages") {
		t.Fatalf("send: %d %q %q", code, out, errOut)
	}
	out, _, _ = koe(t, env, "slack", "outbox")
	if strings.Count(out, "sent") != 2 || !strings.Contains(out, "CVOICES") {
		t.Fatalf("outbox after send:\n%s", out)
	}
	if out, _, _ := koe(t, env, "slack", "send"); !strings.Contains(out, "handled 0 messages") {
		t.Fatalf("second send: %q", out)
	}
	if out, _, code := koe(t, env, "slack", "watch"); code != 0 || !strings.Contains(out, "slack: 0 backlog messages due") {
		t.Fatalf("watch: %d %q", code, out)
	}
	if _, errOut, code := koe(t, env, "slack", "retry", "99"); code != 1 || !strings.Contains(errOut, "no failed message 99") {
		t.Fatalf("retry 99: %d %q", code, errOut)
	}
	// Slack's check: slacktest's conversations.info never says the bot is a member.
	if out, _, code := koe(t, env, "slack", "check"); code != 1 || !strings.Contains(out, "ok   token works") || !strings.Contains(out, "not a member") {
		t.Fatalf("check: %d %q", code, out)
	}
}
