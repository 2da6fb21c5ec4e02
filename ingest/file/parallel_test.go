package file_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/file"
	"github.com/koehq/koe/store"
)

// Batches are written two at a time: over many small batches, with bad lines among them and the
// same voice again in later batches (in flight together or not), every good voice is stored once
// with its words from the last line that had it, each new one with its one message; problems and
// progress come in the order read, never at once; a rerun adds nothing.
func TestBatchesWrittenTogetherKeepTheFilesOrder(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	var lines []string
	want := map[string]string{}
	var wantProblems []string
	for i := 1; i <= 400; i++ {
		switch {
		case i%37 == 0:
			lines = append(lines, `{"id":"bad`+strconv.Itoa(i)+`","text":"not JSON`)
			wantProblems = append(wantProblems, fmt.Sprintf("voices.jsonl:%d", i))
		case i%5 == 0: // voice 1…8 again, a line or many batches later
			id := fmt.Sprint("v", i%8+1)
			text := fmt.Sprintf("words of %s from line %d", id, i)
			lines = append(lines, `{"id":"`+id+`","text":"`+text+`","date":"2026-11-01"}`)
			want[id] = text
		default:
			id := fmt.Sprint("v", i)
			text := fmt.Sprintf("ダークモードがほしい %d", i)
			lines = append(lines, `{"id":"`+id+`","text":"`+text+`","date":"2026-11-01"}`)
			want[id] = text
		}
	}
	path := write(t, "voices.jsonl", strings.Join(lines, "\n")+"\n")
	var events, problems []string
	busy := false
	enter := func(what string) func() {
		if busy {
			t.Errorf("%s while another callback ran", what)
		}
		busy = true
		events = append(events, what)
		return func() { busy = false }
	}
	p := &ingest.Pipeline{Store: db,
		Problem: func(pr ingest.Problem) {
			defer enter("problem")()
			problems = append(problems, pr.Where)
		},
		Progress: func(c ingest.Counts) { defer enter("progress")() },
		Rules: func(added []feedback.Item) []store.OutboxMessage {
			var out []store.OutboxMessage
			for _, it := range added {
				out = append(out, store.OutboxMessage{Target: store.TargetSlack, DedupeKey: fmt.Sprintf("new:%d", it.ID), Kind: "new_voice",
					Channel: "#voices", Subject: map[string]any{"feedback_id": it.ID}})
			}
			return out
		}}
	for run := 0; run < 2; run++ {
		src := &file.Source{Path: path, Format: "jsonl", SourceKind: feedback.SourceChat, SourceName: "together", Mapping: mapping(t, "", ""), Location: time.UTC, BatchSize: 7}
		problems = nil
		c, err := p.Run(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		wantNew := len(want)
		if run == 1 {
			wantNew = 0
		}
		if c.New != wantNew || c.Failed != len(wantProblems) || c.Read != len(lines) {
			t.Fatalf("run %d: %+v, want %d new and %d failed", run, c, wantNew, len(wantProblems))
		}
		var got []string
		for _, w := range problems {
			got = append(got, strings.TrimPrefix(w, strings.TrimSuffix(path, "voices.jsonl")))
		}
		if !slices.Equal(got, wantProblems) {
			t.Fatalf("run %d: problems %v, want %v", run, got, wantProblems)
		}
	}
	items, err := db.FeedbackItems(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(want) {
		t.Fatalf("%d voices stored, want %d", len(items), len(want))
	}
	for _, it := range items {
		if it.Body != want[it.SourceID] {
			t.Errorf("voice %s = %q, want %q (the last line's words)", it.SourceID, it.Body, want[it.SourceID])
		}
	}
	out, err := db.Outbox(ctx, "", false, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(want) {
		t.Fatalf("%d messages, want one per voice (%d)", len(out), len(want))
	}
	if !slices.Contains(events, "progress") {
		t.Fatalf("events = %v", events)
	}
}
