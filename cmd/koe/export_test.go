package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/internal/pgtest"
)

func TestExportCommand(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	if _, errOut, code := koe(t, env, "demo", "--no-serve"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	out, errOut, code := koe(t, env, "export", "feedback")
	if code != 0 || !strings.HasPrefix(out, "\ufeffid,received_at,source,") {
		t.Fatalf("export feedback csv: %d %s %q", code, errOut, out[:min(len(out), 200)])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 3201 { // the demo's 3,200 voices and a header
		t.Fatalf("export feedback csv: %d rows, %v", len(rows), err)
	}
	if at, err := time.Parse(time.RFC3339, rows[1][1]); err != nil || !strings.HasSuffix(rows[1][1], "+09:00") || at.IsZero() {
		t.Errorf("received_at = %q (%v), want RFC 3339 at Tokyo's offset, KOE_TIMEZONE's default", rows[1][1], err)
	}
	out, _, code = koe(t, env, "export", "feedback", "--format", "jsonl")
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil || v["text"] == nil {
			t.Fatalf("jsonl line %d: %v %s", n+1, err, sc.Text())
		}
		n++
	}
	if code != 0 || n != 3200 {
		t.Fatalf("export feedback jsonl: %d lines", n)
	}
	out, _, code = koe(t, env, "export", "roadmap", "--format", "json")
	var reqs []map[string]any
	if err := json.Unmarshal([]byte(out), &reqs); code != 0 || err != nil || len(reqs) == 0 {
		t.Fatalf("export roadmap json: %v %q", err, out)
	}
	for k := range reqs[0] {
		if k != "id" && k != "title" && k != "description" && k != "note" && k != "status" && k != "status_changed_at" {
			t.Errorf("the public list has a %q field", k)
		}
	}
	out, _, code = koe(t, env, "export", "roadmap", "--lang", "en")
	if code != 0 || !strings.HasPrefix(out, "\ufeffid,title,description,status,status_label,last_change,note,url\n") {
		t.Fatalf("export roadmap csv: %q", out[:min(len(out), 200)])
	}
	if _, errOut, code := koe(t, env, "export", "roadmap", "--format", "xml"); code == 0 || !strings.Contains(errOut, "use csv, jsonl or json") {
		t.Errorf("bad format: %d %s", code, errOut)
	}
}

// TestExportImportAllRoundTrip exports the demo data with history, tokens, a webhook and its
// queued events, imports it into an empty database, and exports that again: the same rows.
func TestExportImportAllRoundTrip(t *testing.T) {
	from := []string{"DATABASE_URL=" + pgtest.URL(t)}
	to := []string{"DATABASE_URL=" + pgtest.URL(t)}
	if _, errOut, code := koe(t, from, "demo", "--no-serve"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	for _, args := range [][]string{{"tokens", "create", "zapier", "--scope", "write"}, {"webhooks", "add", "https://hooks.example.com/koe"},
		{"requests", "merge", "2", "1"}, {"users", "add", "po@koe.example", "--role", "po"}} {
		if _, errOut, code := koe(t, from, args...); code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
	}
	first, errOut, code := koe(t, from, "export", "all")
	if code != 0 || !strings.HasPrefix(first, `{"koe_export":1,"schema":`) {
		t.Fatalf("export all: %d %s %.200q", code, errOut, first)
	}
	path := filepath.Join(t.TempDir(), "koe.jsonl")
	if err := os.WriteFile(path, []byte(first), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := koe(t, to, "import", "all", "--file", path)
	if code != 0 || !strings.Contains(out, "feedback=3200") || !strings.Contains(out, "webhooks=1") {
		t.Fatalf("import all: %d %s %s", code, out, errOut)
	}
	second, _, _ := koe(t, to, "export", "all")
	body := func(s string) string { _, rest, _ := strings.Cut(s, "\n"); return rest }
	if body(first) != body(second) {
		a, b := strings.Split(body(first), "\n"), strings.Split(body(second), "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("line %d differs after the round trip:\n%s\n%s", i+2, a[i], b[i])
			}
		}
		t.Fatalf("%d lines, then %d", len(a), len(b))
	}
	// Into a database that has data: refused, nothing written.
	if _, errOut, code := koe(t, to, "import", "all", "--file", path); code == 0 || !strings.Contains(errOut, "already holds data") {
		t.Fatalf("import into a full database: %d %s", code, errOut)
	}
	// A broken line: named, and nothing written.
	broken := filepath.Join(t.TempDir(), "broken.jsonl")
	lines := strings.Split(first, "\n")
	lines[100] = `{"table":"feedback","row":{"id":"not a number"}}`
	if err := os.WriteFile(broken, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := []string{"DATABASE_URL=" + pgtest.URL(t)}
	if _, errOut, code := koe(t, empty, "import", "all", "--file", broken); code == 0 || !strings.Contains(errOut, "import") {
		t.Fatalf("broken import: %d %s", code, errOut)
	}
	if out, _, _ := koe(t, empty, "export", "all"); strings.Count(out, "\n") != 1 {
		t.Fatalf("a failed import left rows behind: %d lines", strings.Count(out, "\n"))
	}
	// The imported database works: the API token and the webhook's ids move on from the import.
	if out, _, code := koe(t, to, "tokens", "create", "second"); code != 0 || !strings.HasPrefix(out, "koe_") {
		t.Fatalf("a token after the import: %s", out)
	}
}

// TestExportToAFullDisk: output that cannot be written is an error, not a short file and exit 0.
func TestExportToAFullDisk(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here")
	}
	defer full.Close()
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	if _, errOut, code := koe(t, env, "demo", "--no-serve"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	for _, args := range [][]string{{"export", "all"}, {"export", "feedback"}} {
		cmd := exec.Command(koeBin, args...)
		cmd.Env = append(cleanEnv(), env...)
		var stderr strings.Builder
		cmd.Stdout, cmd.Stderr = full, &stderr
		err := cmd.Run()
		if _, exited := err.(*exec.ExitError); !exited || strings.Contains(stderr.String(), "exported") ||
			!strings.Contains(stderr.String(), "no space left") {
			t.Errorf("%v to /dev/full: %v %s", args, err, stderr.String())
		}
	}
}
