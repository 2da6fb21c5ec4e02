package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
)

// readJSONLines calls fn with every non-empty line of path ("-" for stdin).
func readJSONLines(path string, stdin io.Reader, fn func(line int, raw []byte) error) error {
	in := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		if err := fn(line, sc.Bytes()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// jsonLineWriter writes values as JSON lines, without escaping HTML.
func jsonLineWriter(w io.Writer) (*json.Encoder, func() error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return enc, bw.Flush
}

// flushed is err, or when there is none the error of flushing buffered output: a command whose
// last bytes did not reach the disk (a full one, say) must not exit 0.
func flushed(err error, flush func() error) error {
	if ferr := flush(); err == nil {
		return ferr
	}
	return err
}
