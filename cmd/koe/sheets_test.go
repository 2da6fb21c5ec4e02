package main

import (
	"strings"
	"testing"

	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/sheetstest"
)

func TestSheetsCommands(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("roadmap-sheet", "Sheet1")
	srv.AddSpreadsheet("fb-sheet", "Sheet1")
	env := []string{"DATABASE_URL=" + pgtest.URL(t), "KOE_SHEETS_ROADMAP_ID=roadmap-sheet", "KOE_SHEETS_ENDPOINT=" + srv.URL(), "KOE_SHEETS_LANGUAGE=en",
		"KOE_SHEETS_FEEDBACK_ID=fb-sheet"}
	if _, errOut, code := koe(t, env, "demo", "--no-serve"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	if _, errOut, code := koe(t, env, "sheets", "check"); code == 0 || !strings.Contains(errOut, "koe sheets push") {
		t.Fatalf("check before a push: %d %s", code, errOut)
	}
	out, errOut, code := koe(t, env, "sheets", "push")
	if code != 0 || !strings.Contains(out, "roadmap sheet:") || strings.Contains(out, " 0 rows written") || !strings.Contains(out, "feedback sheet: 3200 appended") {
		t.Fatalf("push: %d %s %s", code, out, errOut)
	}
	fb := srv.Rows("fb-sheet", "Feedback")
	if len(fb) != 3201 || fb[0][10] != "Tag" {
		t.Fatalf("feedback sheet: %d rows, header %q", len(fb), fb[0])
	}
	srv.SetCell("fb-sheet", "Feedback", 1, 10, "Expansion")
	srv.SetCell("fb-sheet", "Feedback", 2, 10, "VIP")
	if out, errOut, code := koe(t, env, "sheets", "pull"); code != 0 || !strings.Contains(out, "1 edits applied") || !strings.Contains(errOut, `"VIP" is not a tag`) {
		t.Fatalf("pull: %d %s %s", code, out, errOut)
	}
	rows := srv.Rows("roadmap-sheet", "Roadmap")
	if len(rows) < 2 || rows[0][1] != "Request" {
		t.Fatalf("sheet: %q", rows)
	}
	if out, _, code := koe(t, env, "sheets", "push"); code != 0 || !strings.Contains(out, " 0 rows written") || !strings.Contains(out, "0 appended, 1 updated") {
		t.Fatalf("second push: %s", out)
	}
	if out, errOut, code := koe(t, env, "sheets", "check"); code != 0 || !strings.Contains(out, "header matches") || !strings.Contains(out, "header has Koe's columns") {
		t.Fatalf("check: %d %s %s", code, out, errOut)
	}
	if _, errOut, code := koe(t, []string{"DATABASE_URL=" + pgtest.URL(t)}, "sheets", "push"); code == 0 || !strings.Contains(errOut, "KOE_SHEETS_FEEDBACK_ID") {
		t.Fatalf("unset: %d %s", code, errOut)
	}
}
