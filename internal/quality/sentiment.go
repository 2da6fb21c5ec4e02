package quality

import (
	"bufio"
	"fmt"
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

// Sentiment scores a sentence<TAB>0|1 file (1 positive) with textproc.Sentiment. Lines without
// a tab are skipped, as in the UCI files' own convention.
func Sentiment(path string) (Accuracy, error) {
	f, err := os.Open(path)
	if err != nil {
		return Accuracy{}, fmt.Errorf("quality: %w", err)
	}
	defer f.Close()
	type row struct{ text, want string }
	var rows []row
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text, lab, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		want := textproc.Negative
		if strings.TrimSpace(lab) == "1" {
			want = textproc.Positive
		}
		rows = append(rows, row{text, want})
	}
	if err := sc.Err(); err != nil {
		return Accuracy{}, fmt.Errorf("quality: %s: %w", path, err)
	}
	if len(rows) == 0 {
		return Accuracy{}, nil
	}
	textproc.Sentiment("日本語") // lexicons load once per process, outside the measure
	correct := 0
	start := time.Now()
	for _, r := range rows {
		if _, got := textproc.Sentiment(r.text); got == r.want {
			correct++
		}
	}
	return Accuracy{Accuracy: float64(correct) / float64(len(rows)), Items: len(rows),
		PerItem: time.Since(start) / time.Duration(len(rows))}, nil
}
