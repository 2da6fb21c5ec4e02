package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/koehq/koe/internal/pgtest"
)

var summary = regexp.MustCompile(`(?m)^ingested source=(\w+) read=(\d+) new=(\d+) duplicate=(\d+) skipped=(\d+) failed=(\d+)$`)

func TestIngestCommand(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	dir := t.TempDir()
	jsonl := filepath.Join(dir, "voices.jsonl")
	os.WriteFile(jsonl, []byte(`{"id":"1","text":"CSVがほしい","email":"a@abc.co.jp","date":"2026-01-01"}
{"id":"2","text":"SSO please","date":"2026-01-02"}
{broken
`), 0o644)
	out, errOut, code := koe(t, env, "ingest", "jsonl", "--file", jsonl, "--name", "widget")
	m := summary.FindStringSubmatch(out)
	if code != 0 || m == nil || strings.Join(m[1:], " ") != "jsonl 3 2 0 0 1" {
		t.Fatalf("first run: code %d out %q err %q", code, out, errOut)
	}
	if !strings.Contains(errOut, jsonl+":3: not valid JSON") {
		t.Fatalf("the bad line is not reported by file and line: %q", errOut)
	}
	if strings.Contains(errOut, "\r") {
		t.Fatalf("a progress bar was drawn into a pipe: %q", errOut)
	}
	out, _, _ = koe(t, env, "ingest", "jsonl", "--file", jsonl, "--name", "widget")
	if m := summary.FindStringSubmatch(out); m == nil || m[3] != "0" || m[4] != "2" {
		t.Fatalf("rerun: %q", out)
	}

	// A configuration mistake still ends with the summary line.
	out, errOut, code = koe(t, env, "ingest", "zendesk")
	if code != 1 || summary.FindString(out) == "" || !strings.Contains(errOut, "--base-url") {
		t.Fatalf("zendesk without --base-url: code %d out %q err %q", code, out, errOut)
	}

	// The same file as a configured source.
	out, errOut, code = koe(t, env, "sources", "add", "jsonl", "--name", "widget-2", "--file", jsonl, "--interval", "10m")
	if code != 0 || !strings.Contains(out, "source widget-2 (jsonl) added, every 10m0s") {
		t.Fatalf("sources add: %d %q %q", code, out, errOut)
	}
	out, _, code = koe(t, env, "sources", "run", "widget-2")
	if m := summary.FindStringSubmatch(out); code != 0 || m == nil || m[3] != "2" {
		t.Fatalf("sources run: %d %q", code, out)
	}
	out, _, _ = koe(t, env, "sources", "list")
	if !strings.Contains(out, "widget-2") || !strings.Contains(out, "10m0s") {
		t.Fatalf("sources list:\n%s", out)
	}
	if _, errOut, code := koe(t, env, "sources", "add", "jsonl", "--name", "widget-2", "--file", jsonl); code != 1 || !strings.Contains(errOut, "exists already") {
		t.Fatalf("duplicate source: %d %q", code, errOut)
	}
}

func TestSentimentCommand(t *testing.T) {
	in := filepath.Join(t.TempDir(), "t.jsonl")
	os.WriteFile(in, []byte(`{"id":1,"text":"とても便利です"}`+"\n"+`{"id":"b","text":"This is broken and slow."}`+"\n"+`{"id":"c","text":"CSVで出力したい"}`+"\n"), 0o644)
	out, errOut, code := koe(t, nil, "sentiment", "--file", in)
	want := `{"id":1,"label":"positive","score":0.612}
{"id":"b","label":"negative","score":-0.743}
{"id":"c","label":"neutral","score":0}
`
	if code != 0 || out != want {
		t.Fatalf("code %d\nout %s\nerr %s", code, out, errOut)
	}
}

// TestIngestEveryRecordFailedIsNotSuccess: a run that stored nothing because every record was
// bad input exits 1, still ending with the summary line; it used to exit 0.
func TestIngestEveryRecordFailedIsNotSuccess(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t), "LANG=C"}
	jsonl := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(jsonl, []byte("{broken\n{\"id\":\"1\",\"text\":\"x\",\"date\":\"yesterday\"}\n"), 0o644)
	out, errOut, code := koe(t, env, "ingest", "jsonl", "--file", jsonl)
	m := summary.FindStringSubmatch(out)
	if code != 1 || m == nil || strings.Join(m[1:], " ") != "jsonl 2 0 0 0 2" || !strings.Contains(errOut, "all 2 records failed") {
		t.Fatalf("code %d out %q err %q, want exit 1 and the summary", code, out, errOut)
	}
}
