package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/ingest/textproc"
)

func newSentimentCmd(e *env) *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "sentiment --file T.jsonl",
		Short: `Score the sentiment of texts: {"id","text"} lines in, {"id","score","label"} out`,
		Long: `Score the sentiment of Japanese and English texts, offline, with no database: each input line
{"id": …, "text": …} gives an output line {"id": …, "score": -1…1, "label": "negative"|"neutral"|"positive"}.
--file - reads standard input.`,
		Args: cobra.NoArgs,
		// No configuration or database needed.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE: func(cmd *cobra.Command, _ []string) error {
			return eachJSONLine(path, e.in, func(line int, raw []byte) (any, error) {
				var in struct {
					ID   json.RawMessage `json:"id"`
					Text string          `json:"text"`
				}
				if err := json.Unmarshal(raw, &in); err != nil {
					return nil, fmt.Errorf("%s:%d: not a {\"id\",\"text\"} object: %v", path, line, err)
				}
				score, label := textproc.Sentiment(in.Text)
				return map[string]any{"id": in.ID, "score": score, "label": label}, nil
			}, e.stdout)
		},
	}
	cmd.Flags().StringVar(&path, "file", "", "JSON Lines file, - for standard input (required)")
	cmd.MarkFlagRequired("file")
	return cmd
}

// eachJSONLine calls fn with every non-empty line of path (or of stdin for "-") and writes what
// it returns as JSON lines to out. A line fn refuses stops the command with its error.
func eachJSONLine(path string, stdin io.Reader, fn func(line int, raw []byte) (any, error), out io.Writer) error {
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
	w := bufio.NewWriter(out)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		v, err := fn(line, sc.Bytes())
		if err != nil {
			return err
		}
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return sc.Err()
}
