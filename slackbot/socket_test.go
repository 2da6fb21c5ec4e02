package slackbot_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/slackbot"
)

// eventually polls cond for up to 10 seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestSocketModeAcksDedupesAndReconnects(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	fake := newFakeSlack()
	fake.users = map[string]string{"UCS": "hanako@koe.example"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	defer close(fake.quit) // before srv.Close: the websocket handlers return
	if _, err := db.SaveUser(ctx, feedback.User{Email: "hanako@koe.example", Role: feedback.RoleCS}); err != nil {
		t.Fatal(err)
	}
	cfg := conf(slackbot.Config{VoiceChannel: "CVOICE", BotToken: "xoxb-test", APIURL: srv.URL + "/api/"})
	ingestJSONL(t, db, cfg, feedback.SourceChat, "widget", `{"id":"c1","text":"CSVで出力したい","date":"TODAY"}`)

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	sock := &slackbot.Socket{Interactions: &slackbot.Interactions{Store: db, Config: cfg}, AppToken: "xapp-test", Backoff: 10 * time.Millisecond}
	go sock.Run(runCtx)

	envelope := func(id, tag string) map[string]any {
		return map[string]any{"envelope_id": id, "type": "interactive", "accepts_response_payload": false,
			"payload": press("UCS", "koe_tag_"+tag, "1:"+tag, tag, "")}
	}
	acked := func(id string, n int) func() bool {
		return func() bool {
			fake.mu.Lock()
			defer fake.mu.Unlock()
			c := 0
			for _, a := range fake.acks {
				if a == id {
					c++
				}
			}
			return c >= n
		}
	}
	tagIs := func(tag feedback.Tag) func() bool {
		return func() bool { it, err := db.FeedbackByID(ctx, 1); return err == nil && it.Tag == tag }
	}
	fake.envelopes <- envelope("e1", "churn_risk")
	eventually(t, "e1 acked and applied", func() bool { return acked("e1", 1)() && tagIs(feedback.TagChurnRisk)() })
	// Slack sends e1 again (our ack was late): acked again, handled once.
	fake.envelopes <- envelope("e1", "churn_risk")
	eventually(t, "e1 acked twice", acked("e1", 2))

	// The websocket drops; the client opens a new one and goes on.
	fake.envelopes <- map[string]any{"type": "drop"}
	eventually(t, "a second connection", func() bool { fake.mu.Lock(); defer fake.mu.Unlock(); return fake.opened >= 2 })
	// An Events API envelope (Koe subscribes to none yet) is acked all the same.
	fake.envelopes <- map[string]any{"envelope_id": "ev1", "type": "events_api", "accepts_response_payload": false, "retry_attempt": 0,
		"payload": map[string]any{"type": "event_callback", "event_id": "Ev1", "event": map[string]any{"type": "app_mention", "text": "hi"}}}
	eventually(t, "the event acked", acked("ev1", 1))
	fake.envelopes <- envelope("e2", "expansion")
	eventually(t, "e2 applied", func() bool { return acked("e2", 1)() && tagIs(feedback.TagExpansion)() })
	// Envelopes are handled in order, so once e2's message update is there, the resent e1 has
	// had its chance to update twice.
	eventually(t, "e2's message update", func() bool { fake.mu.Lock(); defer fake.mu.Unlock(); return len(fake.updates) >= 2 })

	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.updates) != 2 {
		t.Fatalf("%d message updates, want 2 (e1 once, e2 once)", len(fake.updates))
	}
	if !slices.Contains(fake.acks, "e2") {
		t.Fatal("e2 not acked")
	}
}
