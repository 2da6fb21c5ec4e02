package safecsv

import (
	"strings"
	"testing"
)

func TestCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"-0.5", "-0.5"},
		{"1200000", "1200000"},
		{"+81", "+81"},
		{"CSV export", "CSV export"},
		{"", ""},
	} {
		if got := Cell(tc.in); got != tc.want {
			t.Errorf("Cell(%q)=%q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriter(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b)
	row := []string{"=1+1", "-0.25", "ok"}
	_ = w.Write(row)
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "'=1+1,-0.25,ok\n"; got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
	if row[0] != "=1+1" {
		t.Errorf("the record was changed: %q", row[0])
	}
}
