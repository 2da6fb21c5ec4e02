package file_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/file"
	"github.com/koehq/koe/store"
)

// The staged write skips voices stored already before its INSERT: across small batches, with a
// bad line in the middle, bad bytes and the same voice twice in a batch, a run stores each good
// voice once with one outbox message, in its batch's transaction; a rerun of the same file adds
// no voice and no message; an edited voice is updated without a message, and a new one gets its
// message.
func TestRerunAddsNoVoiceAndNoMessage(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	lines := []string{
		`{"id":"r1","text":"CSVで出力したい","email":"a@x.co.jp","date":"2026-11-01"}`,
		`{"id":"r2","text":"SSO please","date":"2026-11-01"}`,
		`{"id":"r2","text":"SSO please, the later words","date":"2026-11-01"}`,
		`{"id":"r3","text":"not JSON`,
		"{\"id\":\"r4\",\"text\":\"bad \xff byte\",\"date\":\"2026-11-01\"}",
		`{"id":"r5","text":"ダークモードがほしい","date":"2026-11-01"}`,
	}
	path := write(t, "voices.jsonl", strings.Join(lines, "\n")+"\n")
	src := &file.Source{Path: path, Format: "jsonl", SourceKind: feedback.SourceChat, SourceName: "rerun", Mapping: mapping(t, "", ""), Location: time.UTC, BatchSize: 3}
	var problems []string
	p := &ingest.Pipeline{Store: db, Problem: func(pr ingest.Problem) { problems = append(problems, pr.String()) },
		Rules: func(added []feedback.Item) []store.OutboxMessage {
			var out []store.OutboxMessage
			for _, it := range added {
				if it.ID == 0 {
					t.Errorf("voice %s handed to the rules without its id", it.SourceID)
				}
				out = append(out, store.OutboxMessage{Target: store.TargetSlack, DedupeKey: fmt.Sprintf("new:%d", it.ID), Kind: "new_voice",
					Channel: "#voices", Subject: map[string]any{"feedback_id": it.ID}})
			}
			return out
		}}
	messages := func() int {
		t.Helper()
		out, err := db.Outbox(ctx, "", false, 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(out)
	}
	c, err := p.Run(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if c.New != 4 || c.Duplicate != 1 || c.Failed != 1 || messages() != 4 {
		t.Fatalf("first run: %+v, %d messages, problems %q", c, messages(), problems)
	}
	if len(problems) != 2 || !strings.Contains(problems[0], "voices.jsonl:4: not valid JSON") || !strings.Contains(problems[1], "voices.jsonl:5: bytes") {
		t.Fatalf("problems = %q, want lines 4 (refused) and 5 (stored, bytes replaced) named", problems)
	}
	items := map[string]feedback.Item{}
	all, _ := db.FeedbackItems(ctx, 10)
	for _, it := range all {
		items[it.SourceID] = it
	}
	if items["r4"].Body != "bad \uFFFD byte" || items["r2"].Body != "SSO please, the later words" {
		t.Fatalf("bodies: r4 %q, r2 %q", items["r4"].Body, items["r2"].Body)
	}

	c, err = p.Run(ctx, src)
	if err != nil || c.New != 0 || c.Updated != 0 || c.Duplicate != 5 || messages() != 4 {
		t.Fatalf("rerun: %+v %v, %d messages", c, err, messages())
	}

	lines[0] = `{"id":"r1","text":"CSVで出力したい (edited)","email":"a@x.co.jp","date":"2026-11-01"}`
	lines = append(lines, `{"id":"r6","text":"a new one","date":"2026-11-02"}`)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = p.Run(ctx, src)
	if err != nil || c.New != 1 || c.Updated != 1 || c.Duplicate != 4 || messages() != 5 {
		t.Fatalf("edited run: %+v %v, %d messages", c, err, messages())
	}
}
