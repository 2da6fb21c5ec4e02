package quality

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/koehq/koe/ingest/textproc"
)

// Accuracy is the share of Items sentences whose positive/negative label was found (neutral
// counts as wrong), and the time one sentence took.
type Accuracy struct {
	Accuracy float64
	Items    int
	PerItem  time.Duration
}

// sentence is a labelled sentence.
type sentence struct {
	text     string
	positive bool
}

// readLabelled reads a sentence<TAB>0|1 file (1 positive). Lines without a tab are skipped, as in
// the UCI files' own convention.
func readLabelled(path string) ([]sentence, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("quality: %w", err)
	}
	defer f.Close()
	var rows []sentence
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text, lab, ok := strings.Cut(sc.Text(), "\t")
		if !ok || strings.TrimSpace(text) == "" {
			continue
		}
		rows = append(rows, sentence{text, strings.TrimSpace(lab) == "1"})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("quality: %s: %w", path, err)
	}
	return rows, nil
}

// right tells whether label is the one wanted for r (neutral is never right).
func (r sentence) right(label string) bool {
	if r.positive {
		return label == textproc.Positive
	}
	return label == textproc.Negative
}

// Sentiment scores a sentence<TAB>0|1 file (1 positive) with textproc.Sentiment: the rules,
// with no learned model.
func Sentiment(path string) (Accuracy, error) {
	rows, err := readLabelled(path)
	if err != nil || len(rows) == 0 {
		return Accuracy{}, err
	}
	textproc.Sentiment("日本語") // lexicons load once per process, outside the measure
	correct := 0
	start := time.Now()
	for _, r := range rows {
		if _, got := textproc.Sentiment(r.text); r.right(got) {
			correct++
		}
	}
	return Accuracy{Accuracy: float64(correct) / float64(len(rows)), Items: len(rows),
		PerItem: time.Since(start) / time.Duration(len(rows))}, nil
}

// SentimentLearned scores the sentences of test with textproc.SentimentWith — the rules and a
// model learned from every sentence of train — as a customer's reviews would be once their rated
// reviews have been learned. PerItem is the time one test sentence took, learning excluded.
func SentimentLearned(train, test string) (Accuracy, error) {
	learn, err := readLabelled(train)
	if err != nil {
		return Accuracy{}, err
	}
	rows, err := readLabelled(test)
	if err != nil || len(rows) == 0 {
		return Accuracy{}, err
	}
	m := textproc.NewModel()
	for _, r := range learn {
		m.Learn(r.text, r.positive)
	}
	textproc.SentimentWith(m, "日本語")
	correct := 0
	start := time.Now()
	for _, r := range rows {
		if _, got := textproc.SentimentWith(m, r.text); r.right(got) {
			correct++
		}
	}
	return Accuracy{Accuracy: float64(correct) / float64(len(rows)), Items: len(rows),
		PerItem: time.Since(start) / time.Duration(len(rows))}, nil
}

// SentimentKFold is the mean accuracy of textproc.SentimentWith over k folds of path: each fold
// scored with the rules and a model learned from the other folds. The folds are those of
// ingest/textproc's model_eval_test.go (a PCG(1, 2) shuffle, sentence i in fold i mod k), so
// the figure is the one its tests log. PerItem is the time one sentence took, learning included.
func SentimentKFold(path string, k int) (Accuracy, error) {
	rows, err := readLabelled(path)
	if err != nil || len(rows) == 0 {
		return Accuracy{}, err
	}
	if len(rows) < 2 {
		return Sentiment(path) // nothing to learn from: the rules alone
	}
	k = min(k, len(rows)) // a file of fewer sentences than folds: leave one out
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	textproc.Sentiment("日本語")
	sum := 0.0
	start := time.Now()
	for f := range k {
		m := textproc.NewModel()
		var test []sentence
		for i, r := range rows {
			if i%k == f {
				test = append(test, r)
			} else {
				m.Learn(r.text, r.positive)
			}
		}
		correct := 0
		for _, r := range test {
			if _, got := textproc.SentimentWith(m, r.text); r.right(got) {
				correct++
			}
		}
		sum += float64(correct) / float64(len(test))
	}
	return Accuracy{Accuracy: sum / float64(k), Items: len(rows),
		PerItem: time.Since(start) / time.Duration(len(rows))}, nil
}
