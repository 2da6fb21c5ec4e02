package scoring

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The request-matching figures of `koe eval`, and variants of the BANKING77 protocol that guard
// against tuning to its one choice of examples: the same requests with the 6th–10th, 11th–15th …
// 31st–35th training texts of each category as examples instead of the 1st–5th, and with 10, 20
// and 40 examples. A change to the matcher should help on all of them, not only on the official one.
// KOE_MATCH_EVAL=1 runs it:
//
//	KOE_MATCH_EVAL=1 go test -run TestMatchVariants -v ./scoring

// banking77From is the shared protocol with the examples taken from the from-th training text of
// each category on (0 is the protocol itself).
func banking77From(tb testing.TB, from, n int) (reqs []RequestText, texts, labels []string) {
	train := readCSV(tb, sharedData(tb, "banking77_train.csv"))
	idx := map[string]int{}
	seen := map[string]int{}
	for _, r := range train {
		text, cat := r[0], r[1]
		i, ok := idx[cat]
		if !ok {
			i = len(reqs)
			idx[cat] = i
			reqs = append(reqs, RequestText{ID: cat, Title: strings.ReplaceAll(cat, "_", " ")})
		}
		if k := seen[cat]; k >= from && k < from+n {
			reqs[i].Examples = append(reqs[i].Examples, text)
		}
		seen[cat]++
	}
	for _, r := range readCSV(tb, sharedData(tb, "banking77_test.csv")) {
		texts, labels = append(texts, r[0]), append(labels, r[1])
	}
	return reqs, texts, labels
}

// matchFigures is top-1 and top-3 accuracy of the suggester over reqs, with term weights learned
// from the requests and the voices, as `koe eval` does.
func matchFigures(reqs []RequestText, texts, labels []string) (top1, top3 float64) {
	s := NewSuggester(reqs, texts)
	var t1, t3 int
	for i, t := range texts {
		for k, g := range s.Suggest(t, 3) {
			if g.RequestID == labels[i] {
				if k == 0 {
					t1++
				}
				t3++
			}
		}
	}
	return float64(t1) / float64(len(texts)), float64(t3) / float64(len(texts))
}

type jaVoice struct {
	row         int
	label, text string
}

func readJaVoices(tb testing.TB, name string) []jaVoice {
	f, err := os.Open(filepath.Join("..", "internal", "quality", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []jaVoice
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		if len(p) != 3 {
			continue
		}
		row, err := strconv.Atoi(p[0])
		if err != nil {
			continue
		}
		out = append(out, jaVoice{row, p[1], p[2]})
	}
	return out
}

func TestMatchVariants(t *testing.T) {
	if os.Getenv("KOE_MATCH_EVAL") == "" {
		t.Skip("KOE_MATCH_EVAL not set")
	}
	for _, from := range sweepFrom {
		reqs, texts, labels := banking77From(t, from, 5)
		t1, t3 := matchFigures(reqs, texts, labels)
		t.Logf("banking77 examples %2d-%2d: top-1 %.4f top-3 %.4f", from+1, from+5, t1, t3)
	}
	// A request CS has linked more voices to.
	for _, n := range []int{10, 20, 40} {
		reqs, texts, labels := banking77From(t, 0, n)
		t1, t3 := matchFigures(reqs, texts, labels)
		t.Logf("banking77 examples  1-%d: top-1 %.4f top-3 %.4f", n, t1, t3)
	}
	reqs, texts, labels := banking77From(t, 0, 5)
	for _, name := range []string{"banking77_ja.tsv", "banking77_ja_heldout.tsv"} {
		var jt, jl []string
		for _, v := range readJaVoices(t, name) {
			jt, jl = append(jt, v.text), append(jl, v.label)
		}
		t1, t3 := matchFigures(reqs, jt, jl)
		t.Logf("ja voices %-26s: top-1 %.4f top-3 %.4f", name, t1, t3)
	}
	// English voices, Japanese requests.
	var jreqs []RequestText
	idx := map[string]int{}
	f, err := os.ReadFile(filepath.Join("..", "internal", "quality", "testdata", "banking77_ja_titles.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(f), "\n") {
		if cat, title, ok := strings.Cut(line, "\t"); ok {
			idx[cat] = len(jreqs)
			jreqs = append(jreqs, RequestText{ID: cat, Title: title})
		}
	}
	translated := map[int]bool{}
	for _, v := range readJaVoices(t, "banking77_ja.tsv") {
		if i, ok := idx[v.label]; ok {
			jreqs[i].Examples = append(jreqs[i].Examples, v.text)
			translated[v.row] = true
		}
	}
	var et, el []string
	for i := range texts {
		if !translated[i] {
			et, el = append(et, texts[i]), append(el, labels[i])
		}
	}
	t1, t3 := matchFigures(jreqs, et, el)
	t.Logf("en voices, ja requests           : top-1 %.4f top-3 %.4f", t1, t3)
}

// sweepFrom are the protocol's variants: the first training text of each category taken as an
// example (0 is the protocol itself).
var sweepFrom = []int{0, 5, 10, 15, 20, 25, 30}

// matchSweep logs the BANKING77 variants' figures for each value of a knob, when
// KOE_MATCH_SWEEP names it, and leaves the knob as it found it.
func matchSweep(t *testing.T, name string, knob *float64, values ...float64) {
	t.Helper()
	if os.Getenv("KOE_MATCH_SWEEP") != name {
		t.Skip("KOE_MATCH_SWEEP does not name " + name)
	}
	defer func(v float64) { *knob = v }(*knob)
	var sets [][3][]string
	var reqss [][]RequestText
	for _, from := range sweepFrom {
		reqs, texts, labels := banking77From(t, from, 5)
		reqss = append(reqss, reqs)
		sets = append(sets, [3][]string{texts, labels})
	}
	for _, v := range values {
		*knob = v
		line := ""
		var m1, m3 float64
		for i := range sets {
			t1, t3 := matchFigures(reqss[i], sets[i][0], sets[i][1])
			m1, m3 = m1+t1/float64(len(sets)), m3+t3/float64(len(sets))
			line += " " + strconv.FormatFloat(t1, 'f', 4, 64) + "/" + strconv.FormatFloat(t3, 'f', 4, 64)
		}
		t.Logf("%s=%g:%s  mean %.4f/%.4f", name, v, line, m1, m3)
	}
}

func TestSweepCentroidAgreement(t *testing.T) {
	matchSweep(t, "centroid-agreement", &centroidAgreement, 3, 3.5, 4, 4.5, 5, 1e9)
}

func TestSweepCentroidPower(t *testing.T) {
	matchSweep(t, "centroid-power", &centroidPower, 0.5, 0.6, 0.75, 0.9, 1)
}

func TestSweepHubWeight(t *testing.T) {
	matchSweep(t, "hub-weight", &hubWeight, 0, 0.15, 0.2, 0.25, 0.3, 0.35)
}
