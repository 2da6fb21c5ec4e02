package email

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
)

// FileSource reads an mbox file, one .eml file, or a directory of .eml files — what people export
// from any mail client. Files keep no cursor: Message-IDs make a rerun add nothing.
type FileSource struct {
	Path       string
	Mbox       bool
	SourceName string
	Filter     Filter
	BatchSize  int
}

// Kind implements ingest.Source.
func (s *FileSource) Kind() feedback.SourceKind { return feedback.SourceEmail }

// Name implements ingest.Source.
func (s *FileSource) Name() string { return s.SourceName }

// Threads implements ingest.Threaded.
func (s *FileSource) Threads() bool { return true }

// Pull implements ingest.Source.
func (s *FileSource) Pull(ctx context.Context, _ string, emit func(ingest.Batch) error) error {
	size := s.BatchSize
	if size <= 0 {
		size = 2000
	}
	b := newThreadBatcher(emit, size)
	handle := func(where string, raw []byte, cut bool, received time.Time) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		m, err := Parse(bytes.NewReader(raw))
		if err != nil {
			return b.problem(ingest.Problem{Where: where, Why: err.Error(), Failed: true})
		}
		if cut {
			m.Notes = append(m.Notes, fmt.Sprintf("message cut at %d MB", MaxMessage>>20))
		}
		rec, p := s.Filter.Record(m, where, received)
		if p != nil {
			return b.problem(*p)
		}
		return b.add(rec)
	}
	if s.Mbox {
		if err := readMbox(s.Path, handle); err != nil {
			return err
		}
		return b.flush()
	}
	files, err := emlFiles(s.Path)
	if err != nil {
		return err
	}
	for _, f := range files {
		raw, cut, err := readCapped(f)
		if err != nil {
			return err
		}
		var mod time.Time // a message without a Date header is dated by its file
		if st, err := os.Stat(f); err == nil {
			mod = st.ModTime().UTC()
		}
		raw, envelope := dropEnvelope(raw)
		if !envelope.IsZero() {
			mod = envelope
		}
		if err := handle(f, raw, cut, mod); err != nil {
			return err
		}
	}
	return b.flush()
}

func emlFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var out []string
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".eml") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("%s holds no .eml files", path)
	}
	return out, err
}

func readCapped(path string) ([]byte, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, MaxMessage+1))
	if err != nil {
		return nil, false, err
	}
	if len(raw) > MaxMessage {
		return raw[:MaxMessage], true, nil
	}
	return raw, false, nil
}

// readMbox splits an mbox (mboxo or mboxrd) into messages: each starts with a "From " line at
// the start of the file or after a blank line; ">From " lines are unescaped. A message larger
// than MaxMessage is cut, never held whole.
func readMbox(path string, handle func(where string, raw []byte, cut bool, received time.Time) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	var msg []byte
	cut, started, prevBlank := false, false, true
	lineNo, startLine := 0, 0
	var envelope time.Time // the "From " line's date, for messages without a Date header
	flush := func() error {
		if !started {
			return nil
		}
		err := handle(fmt.Sprintf("%s:%d", path, startLine), msg, cut, envelope)
		msg, cut = msg[:0], false
		return err
	}
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// An over-long line: keep reading it in pieces.
			for errors.Is(err, bufio.ErrBufferFull) {
				if !cut && len(msg)+len(line) <= MaxMessage {
					msg = append(msg, line...)
				} else {
					cut = true
				}
				line, err = br.ReadSlice('\n')
			}
		}
		if len(line) > 0 {
			lineNo++
			if prevBlank && bytes.HasPrefix(line, []byte("From ")) {
				if err := flush(); err != nil {
					return err
				}
				started, startLine, prevBlank = true, lineNo, false
				envelope = envelopeDate(string(line))
			} else {
				prevBlank = len(bytes.TrimRight(line, "\r\n")) == 0
				if started {
					if line[0] == '>' && bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From ")) {
						line = line[1:] // mboxrd: one level of ">From " quoting
					}
					if len(msg)+len(line) <= MaxMessage {
						msg = append(msg, line...)
					} else {
						cut = true
					}
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if !started {
		return fmt.Errorf("%s is not an mbox: it should start with a \"From \" line", path)
	}
	return flush()
}

// dropEnvelope removes the mbox "From sender date" line many clients put on top of a saved .eml
// (and a UTF-8 byte-order mark before it), returning the line's date.
func dropEnvelope(raw []byte) ([]byte, time.Time) {
	raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
	if !bytes.HasPrefix(raw, []byte("From ")) {
		return raw, time.Time{}
	}
	line, rest, _ := bytes.Cut(raw, []byte("\n"))
	return rest, envelopeDate(string(line))
}

// envelopeDate reads the date at the end of an mbox "From sender date" line (asctime format).
func envelopeDate(line string) time.Time {
	fields := strings.Fields(strings.TrimSpace(line))
	if len(fields) < 7 {
		return time.Time{}
	}
	t, err := time.Parse("Mon Jan 2 15:04:05 2006", strings.Join(fields[len(fields)-5:], " "))
	if err != nil {
		return time.Time{}
	}
	return t
}
