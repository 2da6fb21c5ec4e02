package main

import (
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

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
	// KOE_TIMEZONE unset: received times read in Tokyo time, saying so.
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d JST$`).MatchString(fb[1][1]) {
		t.Errorf("received = %q, want Tokyo time with its zone", fb[1][1])
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

// TestServeSyncsSheetsOnOneReplica starts two `koe serve` on one database: the sheets fill once,
// with no row twice.
func TestServeSyncsSheetsOnOneReplica(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("fb", "Sheet1")
	srv.AddSpreadsheet("rm", "Sheet1")
	dsn := pgtest.URL(t)
	env := []string{"DATABASE_URL=" + dsn, "KOE_SHEETS_FEEDBACK_ID=fb", "KOE_SHEETS_ROADMAP_ID=rm", "KOE_SHEETS_ENDPOINT=" + srv.URL(), "KOE_SHEETS_LANGUAGE=en"}
	if _, errOut, code := koe(t, env, "demo", "--no-serve"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	var procs []*exec.Cmd
	for i := 0; i < 2; i++ {
		cmd := exec.Command(koeBin, "serve", "--addr", "127.0.0.1:0")
		cmd.Env = append(cleanEnv(), env...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, cmd)
	}
	defer func() {
		for _, p := range procs {
			_ = p.Process.Signal(syscall.SIGTERM)
			_ = p.Wait()
		}
	}()
	rowsOf := func(id, tab string) (n int) {
		defer func() { _ = recover() }() // the tab is not there yet
		return len(srv.Rows(id, tab))
	}
	deadline := time.Now().Add(60 * time.Second)
	for rowsOf("fb", "Feedback") != 3201 || rowsOf("rm", "Roadmap") < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the sheets did not fill: %d feedback rows, %d roadmap rows", rowsOf("fb", "Feedback"), rowsOf("rm", "Roadmap"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // the other replica had its chance
	rows := srv.Rows("fb", "Feedback")
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		if seen[r[0]] {
			t.Fatalf("Koe ID %s is in the sheet twice", r[0])
		}
		seen[r[0]] = true
	}
	if len(rows) != 3201 || srv.Calls()["values.append"] != 1 {
		t.Fatalf("%d rows, %d appends (3,200 voices are one append)", len(rows), srv.Calls()["values.append"])
	}
}
