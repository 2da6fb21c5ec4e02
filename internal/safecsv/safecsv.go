// Package safecsv is the one CSV writer of every export Koe writes for a spreadsheet: the web's
// CSVs, `koe export` and `koe rank --format csv`. Customers' words, titles, names and URLs land
// in those files, and a spreadsheet runs a cell that starts with = + - @ (or a tab or CR before
// one) as a formula, so such a cell gets a leading quote and is read as text.
package safecsv

import (
	"encoding/csv"
	"io"
	"regexp"
)

// Writer writes CSV records with every cell made safe (see Cell). Like csv.Writer, it buffers:
// call Flush, then Error.
type Writer struct{ w *csv.Writer }

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, its cells made safe; record itself is left as it was.
func (w *Writer) Write(record []string) error {
	safe := make([]string, len(record))
	for i, c := range record {
		safe[i] = Cell(c)
	}
	return w.w.Write(safe)
}

// Flush writes what is buffered to the underlying writer.
func (w *Writer) Flush() { w.w.Flush() }

// Error is the first error of a Write or Flush.
func (w *Writer) Error() error { return w.w.Error() }

var number = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// Cell is s as a spreadsheet reads it as text: a leading = + - @ tab or CR gets a quote in front,
// unless s is a plain number (-0.5 is a sentiment, not a formula).
func Cell(s string) string {
	if s == "" || number.MatchString(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
