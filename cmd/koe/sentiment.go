package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/ingest/textproc"
)

func newSentimentCmd(e *env) *cobra.Command {
	var path, learnPath string
	cmd := &cobra.Command{
		Use:   "sentiment --file T.jsonl [--learn R.jsonl]",
		Short: `Score the sentiment of texts: {"id","text"} lines in, {"id","score","label"} out`,
		Long: `Score the sentiment of Japanese and English texts, offline, with no database: each input line
{"id": …, "text": …} gives an output line {"id": …, "score": -1…1, "label": "negative"|"neutral"|"positive"}.
--file - reads standard input. With --learn, a model is first learned from rated reviews, lines
{"text": …, "rating": 1…5} (4–5 positive, 1–2 negative, 3 unused), and scores with the rules, as
the stored model does once it has learned from 50 reviews (see "koe sentiment model").`,
		Args: cobra.NoArgs,
		// No configuration or database needed.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			var model *textproc.Model
			if learnPath != "" {
				if model, err = learnRated(learnPath, e); err != nil {
					return err
				}
			}
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
				score, label := textproc.SentimentWith(model, in.Text)
				return enc.Encode(map[string]any{"id": in.ID, "score": score, "label": label})
			})
		},
	}
	cmd.Flags().StringVar(&path, "file", "", "JSON Lines file, - for standard input (required)")
	cmd.MarkFlagRequired("file")
	cmd.Flags().StringVar(&learnPath, "learn", "", `JSON Lines file of rated reviews {"text","rating"} to learn a model from first`)
	cmd.AddCommand(newSentimentModelCmd(e))
	return cmd
}

// learnRated learns a model from {"text","rating"} lines.
func learnRated(path string, e *env) (*textproc.Model, error) {
	m := textproc.NewModel()
	err := readJSONLines(path, e.in, func(line int, raw []byte) error {
		var r struct {
			Text   string   `json:"text"`
			Rating *float64 `json:"rating"`
		}
		if err := json.Unmarshal(raw, &r); err != nil || r.Rating == nil {
			return fmt.Errorf("%s:%d: not a {\"text\",\"rating\"} object", path, line)
		}
		switch {
		case *r.Rating >= 4:
			m.Learn(r.Text, true)
		case *r.Rating <= 2:
			m.Learn(r.Text, false)
		}
		return nil
	})
	return m, err
}

// newSentimentModelCmd shows the model learned from the rated reviews, or learns it again.
func newSentimentModelCmd(e *env) *cobra.Command {
	var relearn bool
	cmd := &cobra.Command{
		Use:   "model [--relearn]",
		Short: "Show the sentiment model learned from rated reviews, or learn it again",
		Long: `Every review with a star rating teaches Koe's sentiment model the customer's own words: 4–5
stars positive, 1–2 negative (3 is not used). Voices without a rating (chats, mail) are scored
by the rules and the model together once it has learned from enough reviews; before that, by the
rules alone. Intake learns as reviews arrive; --relearn forgets the model, learns from every
stored rated review again, and scores every voice without a rating again.`,
		Args: cobra.NoArgs,
		// The parent needs no configuration; this one needs the database.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error { return cmd.Root().PersistentPreRunE(cmd, args) },
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			p := e.say()
			if relearn {
				learned, changed, err := e.intake(db.DB, e.newLogger()).RelearnSentiment(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, p.T("cli.sentiment.relearned", "Learned", learned, "Changed", changed))
			}
			m, err := db.SentimentModelCounts(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, p.T("cli.sentiment.model", "Positive", m.Docs[1], "Negative", m.Docs[0],
				"Features", len(m.Counts), "Version", m.Version))
			if n := m.Docs[0] + m.Docs[1]; n < textproc.ModelMinExamples {
				fmt.Fprintln(e.stdout, p.T("cli.sentiment.model_unused", "Need", textproc.ModelMinExamples-n))
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&relearn, "relearn", false, "forget the model, learn from every rated review and score every voice without a rating again")
	return cmd
}
