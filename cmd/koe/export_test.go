package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

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
