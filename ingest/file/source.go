package file

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/internal/textenc"
	"github.com/koehq/koe/locale"
)

// MaxLine is the longest JSON line read; a longer one is skipped with a reason.
const MaxLine = 4 << 20

// Source reads one file. Files keep no cursor: their records' ids make a rerun add nothing.
type Source struct {
	Path       string
	Format     string // "jsonl" or "csv" (also TSV, by its header)
	SourceKind feedback.SourceKind
	SourceName string
	Mapping    Mapping
	// Location is the zone of dates written without one (Asia/Tokyo by default).
	Location  *time.Location
	BatchSize int
}

// Kind implements ingest.Source.
func (s *Source) Kind() feedback.SourceKind { return s.SourceKind }

// Name implements ingest.Source.
func (s *Source) Name() string { return s.SourceName }

// Pull implements ingest.Source.
func (s *Source) Pull(ctx context.Context, _ string, emit func(ingest.Batch) error) error {
	f, err := os.Open(s.Path)
	if err != nil {
		return err // names the file already
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if s.BatchSize <= 0 {
		s.BatchSize = 5000
	}
	if s.Location == nil {
		s.Location = time.UTC
	}
	cr := &countingReader{r: f}
	b := &batcher{ctx: ctx, emit: emit, size: s.BatchSize, total: st.Size(), done: func() int64 { return cr.n }}
	switch s.Format {
	case "jsonl":
		err = s.pullJSONL(cr, b)
	case "csv":
		err = s.pullCSV(cr, b)
	default:
		return fmt.Errorf("unknown file format %q: use jsonl or csv", s.Format)
	}
	if err != nil {
		return err
	}
	return b.flush()
}

// batcher collects records and problems and hands them over in batches.
type batcher struct {
	ctx   context.Context
	emit  func(ingest.Batch) error
	size  int
	cur   ingest.Batch
	total int64
	done  func() int64
}

func (b *batcher) add(r ingest.Record) error {
	b.cur.Records = append(b.cur.Records, r)
	return b.maybeFlush()
}

func (b *batcher) problem(p ingest.Problem) error {
	b.cur.Problems = append(b.cur.Problems, p)
	return b.maybeFlush()
}

func (b *batcher) maybeFlush() error {
	if len(b.cur.Records)+len(b.cur.Problems) < b.size {
		return nil
	}
	return b.flush()
}

func (b *batcher) flush() error {
	if err := b.ctx.Err(); err != nil {
		return err
	}
	if len(b.cur.Records)+len(b.cur.Problems) == 0 {
		return nil
	}
	b.cur.Done, b.cur.Total = b.done(), b.total
	err := b.emit(b.cur)
	b.cur = ingest.Batch{}
	return err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (s *Source) pullJSONL(r io.Reader, b *batcher) error {
	br, err := s.decoded(r)
	if err != nil {
		return err
	}
	var keys []string
	var resolved map[string]int
	for line := 1; ; line++ {
		raw, tooLong, err := readLine(br, MaxLine)
		if errors.Is(err, io.EOF) && len(raw) == 0 && !tooLong {
			return nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: %w", s.Path, err)
		}
		where := fmt.Sprintf("%s:%d", s.Path, line)
		if tooLong {
			if perr := b.problem(ingest.Problem{Where: where, Why: fmt.Sprintf("line longer than %d MB: skipped", MaxLine>>20), Failed: true}); perr != nil {
				return perr
			}
			continue
		}
		trimmed := strings.TrimSpace(string(raw))
		if trimmed == "" {
			continue
		}
		var obj map[string]any
		dec := json.NewDecoder(strings.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil || dec.More() {
			why := "not a JSON object"
			if err != nil {
				why = "not valid JSON: " + err.Error()
			}
			if perr := b.problem(ingest.Problem{Where: where, Why: why, Failed: true}); perr != nil {
				return perr
			}
			continue
		}
		cols := make([]string, 0, len(obj))
		for k := range obj {
			cols = append(cols, k)
		}
		sort.Strings(cols) // a map's keys come in any order
		if !slices.Equal(keys, cols) {
			keys, resolved = cols, s.Mapping.Resolve(cols)
		}
		value := func(field string) string {
			i, ok := resolved[field]
			if !ok {
				return ""
			}
			return stringify(obj[keys[i]])
		}
		rec, p := s.record(value, json.RawMessage(trimmed), where)
		if p != nil {
			err = b.problem(*p)
		} else {
			err = b.add(rec)
		}
		if err != nil {
			return err
		}
	}
}

// readLine reads one line of at most max bytes; a longer line is consumed and reported.
func readLine(br *bufio.Reader, max int) ([]byte, bool, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > max {
			buf = nil
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, true, err
			}
			return nil, true, nil
		}
		buf = append(buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return buf, false, err
	}
}

func stringify(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// decoded reads r as UTF-8 text from the encoding its first megabyte is in (a byte-order mark
// dropped; UTF-16, Shift_JIS and EUC-JP decoded).
func (s *Source) decoded(r io.Reader) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	prefix, _ := br.Peek(1 << 20)
	enc, err := textenc.Sniff(prefix)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	if enc == "UTF-8" {
		return br, nil
	}
	return bufio.NewReaderSize(textenc.NewReader(br, enc), 1<<20), nil
}

func (s *Source) pullCSV(r io.Reader, b *batcher) error {
	text, err := s.decoded(r)
	if err != nil {
		return err
	}
	closers := &[]io.Closer{}
	defer func() {
		for _, c := range *closers {
			c.Close()
		}
	}()
	first, _ := text.Peek(64 << 10)
	cr := csv.NewReader(text)
	cr.FieldsPerRecord = -1
	if line, _, _ := strings.Cut(string(first), "\n"); strings.Count(line, "\t") > strings.Count(line, ",") {
		cr.Comma = '\t'
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s is empty: the first line must be a header", s.Path)
	}
	if err != nil {
		return fmt.Errorf("%s:1: header: %w", s.Path, err)
	}
	resolved := s.Mapping.Resolve(header)
	if _, ok := resolved[FieldText]; !ok {
		return fmt.Errorf("%s:1: no column for the customer's words among %q: name it text or 本文, or pass --map text=COLUMN", s.Path, header)
	}
	skipped := 0 // lines before cr's first, once reading has resumed after a broken record
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line := 0
		if err == nil {
			line, _ = cr.FieldPos(0)
			line += skipped
		}
		where := fmt.Sprintf("%s:%d", s.Path, line)
		var p *ingest.Problem
		var pe *csv.ParseError
		resume := 0 // a broken record that took in the lines after it: read them again
		switch {
		case errors.As(err, &pe):
			start := pe.StartLine + skipped
			p = &ingest.Problem{Where: fmt.Sprintf("%s:%d", s.Path, start), Why: "not valid CSV (" + pe.Err.Error() + "): fix the quoting", Failed: true}
			if pe.Line > pe.StartLine {
				resume = start
			}
		case err != nil:
			return fmt.Errorf("%s: %w", where, err)
		case len(row) != len(header):
			p = &ingest.Problem{Where: where, Why: fmt.Sprintf("has %d columns, the header has %d", len(row), len(header)), Failed: true}
			if end, _ := cr.FieldPos(len(row) - 1); end+skipped > line {
				resume = line
			}
		}
		if p != nil {
			if err := b.problem(*p); err != nil {
				return err
			}
			// Each resume reads the file again from its start: a file broken everywhere is
			// read on as encoding/csv reads it.
			if resume > 0 && len(*closers) < maxResumes {
				if cr, err = s.csvAfter(resume, cr.Comma, closers); err != nil {
					return err
				}
				skipped = resume
			}
			continue
		}
		value := func(field string) string {
			if i, ok := resolved[field]; ok {
				return row[i]
			}
			return ""
		}
		obj := make(map[string]string, len(header))
		for i, h := range header {
			obj[h] = row[i]
		}
		raw, _ := json.Marshal(obj)
		rec, prob := s.record(value, raw, where)
		if prob != nil {
			err = b.problem(*prob)
		} else {
			err = b.add(rec)
		}
		if err != nil {
			return err
		}
	}
}

// maxResumes bounds how often one file is read again after broken records.
const maxResumes = 100

// csvAfter opens the file again and returns a CSV reader of what follows its first n lines: an
// unbalanced quote makes encoding/csv read the lines after it as one cell, so reading resumes at
// the line after the broken record. The file is added to closers.
func (s *Source) csvAfter(n int, comma rune, closers *[]io.Closer) (*csv.Reader, error) {
	f, err := os.Open(s.Path)
	if err != nil {
		return nil, err
	}
	*closers = append(*closers, f)
	text, err := s.decoded(f)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		if _, _, err := readLine(text, MaxLine); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("%s: %w", s.Path, err)
		}
	}
	cr := csv.NewReader(text)
	cr.FieldsPerRecord, cr.Comma = -1, comma
	return cr, nil
}

// record builds a record from a row's fields.
func (s *Source) record(value func(string) string, raw json.RawMessage, where string) (ingest.Record, *ingest.Problem) {
	text := strings.TrimSpace(value(FieldText))
	if text == "" {
		return ingest.Record{}, &ingest.Problem{Where: where, Why: "no text (the customer's words)"}
	}
	at, err := ParseTime(value(FieldDate), s.Location)
	if err != nil {
		if value(FieldDate) != "" {
			return ingest.Record{}, &ingest.Problem{Where: where, Why: err.Error(), Failed: true}
		}
		at = time.Now().UTC().Truncate(time.Second)
	}
	rating, err := ParseRating(value(FieldRating))
	if err != nil {
		return ingest.Record{}, &ingest.Problem{Where: where, Why: err.Error(), Failed: true}
	}
	id := strings.TrimSpace(value(FieldID))
	if id == "" {
		id = stableID(value(FieldDate), value(FieldEmail), value(FieldTitle), text)
	}
	context := strings.TrimSpace(value(FieldContext))
	if praise := strings.TrimSpace(value(FieldPraise)); praise != "" {
		context = strings.TrimSpace("良いポイント: " + praise + "\n" + context)
	}
	it := feedback.Item{
		SourceID: id, ReceivedAt: at, AuthorName: value(FieldName), AuthorEmail: value(FieldEmail),
		CompanyName: strings.TrimSpace(value(FieldCompany)), Title: value(FieldTitle), Body: text, Context: context,
		Rating: rating, URL: strings.TrimSpace(value(FieldURL)), Raw: raw,
	}
	t, warnings := triage(value)
	return ingest.Record{Item: it, Where: where, Triage: t, Warnings: warnings}, nil
}

// triage is the triage work a row carries (an existing feedback sheet's columns), and what of it
// could not be read: a tag that is not one is left out, and the row still lands.
func triage(value func(string) string) (*ingest.Triage, []string) {
	var warnings []string
	tag, ok := locale.ParseTag(value(FieldTag))
	if !ok {
		warnings = append(warnings, fmt.Sprintf("%q is not a tag: use %s (or %s), or leave it empty; the voice is stored without a tag",
			strings.TrimSpace(value(FieldTag)), locale.TagLabels("ja"), locale.TagLabels("en")))
	}
	t := ingest.Triage{
		RequestTitle: strings.TrimSpace(value(FieldRequest)),
		Tag:          tag,
		Insight:      strings.TrimSpace(value(FieldInsight)),
		WhoBenefits:  strings.TrimSpace(value(FieldWhoBenefits)),
	}
	if t == (ingest.Triage{}) {
		return nil, warnings
	}
	return &t, warnings
}
