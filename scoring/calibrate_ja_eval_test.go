package scoring

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCalibrationJapaneseReport is TestCalibrationReport for the hand-translated Japanese voices
// of internal/quality/testdata (banking77_ja.tsv and banking77_ja_heldout.tsv, 231 voices)
// against the English requests, with every fifth intent held out as there: how often the best
// suggestion is right, and how often a voice of no request is offered, per band of score.
// Run with -v; skipped without the data.
func TestCalibrationJapaneseReport(t *testing.T) {
	if testing.Short() {
		t.Skip("a report")
	}
	reqs, texts, _, unlabeled := banking77(t)
	var ja, jaLabels []string
	for _, name := range []string{"banking77_ja.tsv", "banking77_ja_heldout.tsv", "banking77_ja_heldout2.tsv"} {
		f, err := os.Open(filepath.Join("..", "internal", "quality", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if p := strings.Split(sc.Text(), "\t"); len(p) == 3 {
				ja, jaLabels = append(ja, p[2]), append(jaLabels, p[1])
			}
		}
		f.Close()
	}
	known := map[string]bool{}
	var kept []RequestText
	for i, r := range reqs {
		if i%5 != 4 {
			kept = append(kept, r)
			known[r.ID] = true
		}
	}
	corpus := append(append(append([]string(nil), unlabeled...), texts...), ja...)
	s := NewSuggester(kept, corpus)
	var rows []calibrationRow
	for i, text := range ja {
		got := s.Suggest(text, 1)
		if len(got) == 0 {
			rows = append(rows, calibrationRow{out: !known[jaLabels[i]]})
			continue
		}
		rows = append(rows, calibrationRow{got[0].Score, got[0].RequestID == jaLabels[i], !known[jaLabels[i]]})
	}
	logBands(t, "ja voices, en requests", rows)
}

type calibrationRow struct {
	score      float64
	right, out bool
}

// logBands logs, per band of best score, how many voices of a request fall in it and how often
// their best suggestion is right, and the share of voices of no request that fall in it.
func logBands(t *testing.T, name string, rows []calibrationRow) {
	cuts := []float64{0, 0.05, 0.08, 0.10, 0.12, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.50, 0.60, 10}
	var in, out int
	for _, r := range rows {
		if r.out {
			out++
		} else {
			in++
		}
	}
	t.Logf("%s: %d voices of a request, %d of none", name, in, out)
	for i := len(cuts) - 2; i >= 0; i-- {
		lo, hi := cuts[i], cuts[i+1]
		var n, right, o int
		for _, r := range rows {
			if r.score < lo || r.score >= hi {
				continue
			}
			if r.out {
				o++
			} else {
				n++
				if r.right {
					right++
				}
			}
		}
		t.Logf("%s: %.2f – %.2f: voices of a request %4d (%.3f of them), right %.3f; voices of none %.3f",
			name, lo, hi, n, float64(n)/float64(max(in, 1)), float64(right)/float64(max(n, 1)), float64(o)/float64(max(out, 1)))
	}
}
