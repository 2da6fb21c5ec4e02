package main

import (
	"encoding/json"
	"fmt"

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
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			enc, flush := jsonLineWriter(e.stdout)
			defer func() { err = flushed(err, flush) }()
			return readJSONLines(path, e.in, func(line int, raw []byte) error {
				var in struct {
					ID   json.RawMessage `json:"id"`
					Text string          `json:"text"`
				}
				if err := json.Unmarshal(raw, &in); err != nil {
					return fmt.Errorf("%s:%d: not a {\"id\",\"text\"} object: %v", path, line, err)
				}
				score, label := textproc.Sentiment(in.Text)
				return enc.Encode(map[string]any{"id": in.ID, "score": score, "label": label})
			})
		},
	}
	cmd.Flags().StringVar(&path, "file", "", "JSON Lines file, - for standard input (required)")
	cmd.MarkFlagRequired("file")
	return cmd
}
