package config

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's table of settings from the declarations")

// TestReadmeTable: the README's configuration table is what the declarations produce.
func TestReadmeTable(t *testing.T) {
	const path = "../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "| variable | default | meaning |\n")
	if start < 0 {
		t.Fatalf("%s has no `| variable | default | meaning |` table", path)
	}
	end := strings.Index(readme[start:], "\n\n")
	if end < 0 {
		t.Fatalf("%s: the table of settings does not end", path)
	}
	end += start + 1
	got, want := readme[start:end], Markdown()
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(readme[:start]+want+readme[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	gotLines, wantLines := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(gotLines), len(wantLines)) {
		var g, w string
		if i < len(gotLines) {
			g = gotLines[i]
		}
		if i < len(wantLines) {
			w = wantLines[i]
		}
		if g != w {
			t.Fatalf("README.md's settings differ from config.Settings at row %d:\nREADME: %s\ndeclared: %s\nrun `go test ./config -update` (or `koe config --markdown`)", i+1, g, w)
		}
	}
}
