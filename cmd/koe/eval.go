package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/internal/quality"
	"github.com/koehq/koe/locale"
)

func newEvalCmd(e *env) *cobra.Command {
	var dataDir, jaSentiment, jaHeldOut string
	cmd := &cobra.Command{
		Use:   "eval [--data DIR] [--ja-sentiment FILE] [--ja-heldout FILE]",
		Short: "Measure request matching, Japanese similarity and sentiment on labelled data",
		Long: `Measure Koe's text features on labelled data, offline, with the time per item:
request matching on BANKING77 (top-1, top-3) under the protocol of DIR/README.md; Japanese voices
against English requests and English voices against Japanese requests, on the hand-translated
sample Koe ships; Japanese similarity on JSTS (Spearman); sentiment on the UCI review sentences and
on sentence<TAB>0|1 files of Japanese reviews (the set the rules were tuned on, and a held-out set
never tuned on), by the rules alone and by the rules with a model learned from rated reviews (UCI:
one file learned, the other scored; Japanese: 10-fold, and the held-out set scored by a model
learned from the whole set). A figure whose data is absent is skipped.`,
		Args:              cobra.NoArgs,
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEval(e, dataDir, jaSentiment, jaHeldOut)
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", filepath.Join("..", "shared", "data"), "directory of the labelled data (banking77_*.csv, jsts_valid.jsonl, uci_*_labelled.txt)")
	cmd.Flags().StringVar(&jaSentiment, "ja-sentiment", filepath.Join("ingest", "textproc", "testdata", "ja_sentiment.tsv"), "Japanese review sentences, sentence<TAB>0|1")
	cmd.Flags().StringVar(&jaHeldOut, "ja-heldout", filepath.Join("ingest", "textproc", "testdata", "ja_sentiment_heldout.tsv"), "Japanese review sentences never tuned on, sentence<TAB>0|1")
	return cmd
}

func runEval(e *env, dataDir, jaSentiment, jaHeldOut string) error {
	say := e.say()
	out := func(id string, args ...any) { fmt.Fprintln(e.stdout, say.T(id, args...)) }
	if _, err := os.Stat(dataDir); err != nil {
		out("cli.eval.no_data", "Dir", dataDir)
	} else {
		matches := []struct {
			name string
			run  func(string) (quality.Match, error)
		}{
			{"cli.eval.banking77", quality.Banking77},
			{"cli.eval.ja_voices", quality.CrossJapanese},
			{"cli.eval.ja_voices_heldout", quality.CrossJapaneseHeldOut},
			{"cli.eval.ja_voices_heldout2", quality.CrossJapaneseHeldOut2},
			{"cli.eval.en_voices", quality.CrossEnglish},
		}
		for _, m := range matches {
			r, err := m.run(dataDir)
			if skipped(out, say, m.name, err) {
				continue
			} else if err != nil {
				return err
			}
			out("cli.eval.match", "Name", say.T(m.name), "Top1", fig(r.Top1), "Top3", fig(r.Top3), "Items", r.Items, "PerItem", perItem(r.PerItem))
		}
		c, err := quality.JSTS(dataDir)
		if !skipped(out, say, "cli.eval.jsts", err) {
			if err != nil {
				return err
			}
			out("cli.eval.similarity", "Name", say.T("cli.eval.jsts"), "Spearman", fig(c.Spearman), "Items", c.Items, "PerItem", perItem(c.PerItem))
		}
		amazon, yelp := filepath.Join(dataDir, "uci_amazon_cells_labelled.txt"), filepath.Join(dataDir, "uci_yelp_labelled.txt")
		for _, s := range []struct {
			name string
			run  func() (quality.Accuracy, error)
		}{
			{"cli.eval.uci_amazon", func() (quality.Accuracy, error) { return quality.Sentiment(amazon) }},
			{"cli.eval.uci_yelp", func() (quality.Accuracy, error) { return quality.Sentiment(yelp) }},
			{"cli.eval.uci_amazon_to_yelp", func() (quality.Accuracy, error) { return quality.SentimentLearned(amazon, yelp) }},
			{"cli.eval.uci_yelp_to_amazon", func() (quality.Accuracy, error) { return quality.SentimentLearned(yelp, amazon) }},
		} {
			if err := evalSentiment(out, say, s.name, s.run); err != nil {
				return err
			}
		}
	}
	for _, s := range []struct {
		name string
		run  func() (quality.Accuracy, error)
	}{
		{"cli.eval.ja_sentiment", func() (quality.Accuracy, error) { return quality.Sentiment(jaSentiment) }},
		{"cli.eval.ja_sentiment_heldout", func() (quality.Accuracy, error) { return quality.Sentiment(jaHeldOut) }},
		{"cli.eval.ja_sentiment_kfold", func() (quality.Accuracy, error) { return quality.SentimentKFold(jaSentiment, 10) }},
		{"cli.eval.ja_sentiment_heldout_learned", func() (quality.Accuracy, error) { return quality.SentimentLearned(jaSentiment, jaHeldOut) }},
	} {
		if err := evalSentiment(out, say, s.name, s.run); err != nil {
			return err
		}
	}
	return nil
}

func evalSentiment(out func(string, ...any), say locale.Printer, name string, run func() (quality.Accuracy, error)) error {
	a, err := run()
	if skipped(out, say, name, err) {
		return nil
	} else if err != nil {
		return err
	}
	out("cli.eval.sentiment", "Name", say.T(name), "Accuracy", fig(a.Accuracy), "Items", a.Items, "PerItem", perItem(a.PerItem))
	return nil
}

// skipped says so when a figure's data is absent.
func skipped(out func(string, ...any), say locale.Printer, name string, err error) bool {
	var pe *fs.PathError
	if !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	out("cli.eval.skipped", "Name", say.T(name), "Path", pe.Path)
	return true
}

func fig(v float64) string { return fmt.Sprintf("%.4f", v) }

func perItem(d time.Duration) string {
	if d < time.Millisecond {
		return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
	}
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}
