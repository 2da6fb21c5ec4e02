package quality

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/koehq/koe/scoring"
)

// Match is how often a voice's own request is the first suggestion (Top1) or among the first
// three (Top3), over Items voices, and the time one suggestion took.
type Match struct {
	Top1, Top3 float64
	Items      int
	PerItem    time.Duration
}

// Banking77 runs the protocol of the shared data's README: per category a request titled after it
// with its first five training texts as examples; every test row a voice. Term weights are
// learned from the requests and the voices, as `koe suggest` does.
func Banking77(dataDir string) (Match, error) {
	reqs, voices, err := banking77(dataDir)
	if err != nil {
		return Match{}, err
	}
	var texts, labels []string
	for _, v := range voices {
		texts, labels = append(texts, v.text), append(labels, v.label)
	}
	return match(reqs, texts, labels), nil
}

// CrossJapanese matches the hand-translated Japanese voices of testdata/banking77_ja.tsv against
// the English requests of the BANKING77 protocol: a Japanese voice must find its English request.
func CrossJapanese(dataDir string) (Match, error) { return crossJapanese(dataDir, jaVoices) }

// CrossJapaneseHeldOut is CrossJapanese on testdata/banking77_ja_heldout.tsv, 77 other messages
// translated after the lexicon and its support vocabulary were settled, so its figure was not
// tuned on.
func CrossJapaneseHeldOut(dataDir string) (Match, error) { return crossJapanese(dataDir, jaHeldOut) }

// CrossJapaneseHeldOut2 is CrossJapanese on testdata/banking77_ja_heldout2.tsv, 154 more messages
// (two a category) translated before the bridge was changed for issue 22 and never tuned on: with
// 77 voices a figure moves ±5 points by chance, so the held-out figure is read over both sets.
func CrossJapaneseHeldOut2(dataDir string) (Match, error) { return crossJapanese(dataDir, jaHeldOut2) }

func crossJapanese(dataDir string, tsv []byte) (Match, error) {
	reqs, _, err := banking77(dataDir)
	if err != nil {
		return Match{}, err
	}
	var texts, labels []string
	for _, t := range japaneseVoices(tsv) {
		texts, labels = append(texts, t.text), append(labels, t.label)
	}
	return match(reqs, texts, labels), nil
}

// CrossEnglish is the other direction: each request has a Japanese title
// (testdata/banking77_ja_titles.tsv) and, as examples, the Japanese translations of its two test
// messages; every other English test message is a voice that must find its Japanese request.
func CrossEnglish(dataDir string) (Match, error) {
	_, voices, err := banking77(dataDir)
	if err != nil {
		return Match{}, err
	}
	var reqs []scoring.RequestText
	idx := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(jaTitles))
	for sc.Scan() {
		cat, title, ok := strings.Cut(sc.Text(), "\t")
		if ok {
			idx[cat] = len(reqs)
			reqs = append(reqs, scoring.RequestText{ID: cat, Title: title})
		}
	}
	translated := map[int]bool{}
	for _, t := range japaneseVoices(jaVoices) {
		i, ok := idx[t.label]
		if !ok {
			continue // a category this data does not have
		}
		reqs[i].Examples = append(reqs[i].Examples, t.text)
		translated[t.row] = true
	}
	var texts, labels []string
	for i, v := range voices {
		if !translated[i] {
			texts, labels = append(texts, v.text), append(labels, v.label)
		}
	}
	return match(reqs, texts, labels), nil
}

func match(reqs []scoring.RequestText, texts, labels []string) Match {
	s := scoring.NewSuggester(reqs, texts)
	var top1, top3 int
	start := time.Now()
	for i, t := range texts {
		for k, g := range s.Suggest(t, 3) {
			if g.RequestID == labels[i] {
				if k == 0 {
					top1++
				}
				top3++
			}
		}
	}
	n := len(texts)
	if n == 0 {
		return Match{}
	}
	return Match{Top1: float64(top1) / float64(n), Top3: float64(top3) / float64(n), Items: n,
		PerItem: time.Since(start) / time.Duration(n)}
}

type labelled struct {
	row         int
	text, label string
}

func banking77(dataDir string) ([]scoring.RequestText, []labelled, error) {
	train, err := readCSV(filepath.Join(dataDir, "banking77_train.csv"))
	if err != nil {
		return nil, nil, err
	}
	test, err := readCSV(filepath.Join(dataDir, "banking77_test.csv"))
	if err != nil {
		return nil, nil, err
	}
	var reqs []scoring.RequestText
	idx := map[string]int{}
	for _, r := range train {
		text, cat := r[0], r[1]
		i, ok := idx[cat]
		if !ok {
			i = len(reqs)
			idx[cat] = i
			reqs = append(reqs, scoring.RequestText{ID: cat, Title: strings.ReplaceAll(cat, "_", " ")})
		}
		if len(reqs[i].Examples) < 5 {
			reqs[i].Examples = append(reqs[i].Examples, text)
		}
	}
	voices := make([]labelled, len(test))
	for i, r := range test {
		voices[i] = labelled{row: i, text: r[0], label: r[1]}
	}
	return reqs, voices, nil
}

func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("quality: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 2
	rows, err := r.ReadAll()
	if err != nil || len(rows) < 2 {
		return nil, fmt.Errorf("quality: %s: not a text,category file: %v", path, err)
	}
	return rows[1:], nil
}

//go:embed testdata/banking77_ja.tsv
var jaVoices []byte

//go:embed testdata/banking77_ja_heldout.tsv
var jaHeldOut []byte

//go:embed testdata/banking77_ja_heldout2.tsv
var jaHeldOut2 []byte

//go:embed testdata/banking77_ja_titles.tsv
var jaTitles []byte

// japaneseVoices are hand translations: test row, category, Japanese text.
func japaneseVoices(tsv []byte) []labelled {
	var out []labelled
	sc := bufio.NewScanner(bytes.NewReader(tsv))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 3 {
			continue
		}
		row, err := strconv.Atoi(f[0])
		if err != nil {
			continue
		}
		out = append(out, labelled{row: row, label: f[1], text: f[2]})
	}
	return out
}
