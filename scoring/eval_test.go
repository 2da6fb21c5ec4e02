package scoring

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func sharedData(tb testing.TB, name string) string {
	path := filepath.Join("..", "..", "shared", "data", name)
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("%s not present", path)
	}
	return path
}

func readCSV(tb testing.TB, path string) [][]string {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return rows[1:]
}

// banking77 builds the protocol of ../shared/data/README.md: per category the first five
// training texts as examples; every test row a voice.
func banking77(tb testing.TB) (reqs []RequestText, texts, labels []string, unlabeled []string) {
	train := readCSV(tb, sharedData(tb, "banking77_train.csv"))
	idx := map[string]int{}
	for _, r := range train {
		text, cat := r[0], r[1]
		i, ok := idx[cat]
		if !ok {
			i = len(reqs)
			idx[cat] = i
			reqs = append(reqs, RequestText{ID: cat, Title: strings.ReplaceAll(cat, "_", " ")})
		}
		if len(reqs[i].Examples) < 5 {
			reqs[i].Examples = append(reqs[i].Examples, text)
		} else {
			unlabeled = append(unlabeled, text)
		}
	}
	for _, r := range readCSV(tb, sharedData(tb, "banking77_test.csv")) {
		texts, labels = append(texts, r[0]), append(labels, r[1])
	}
	return reqs, texts, labels, unlabeled
}

// BenchmarkSuggestBanking77 reports top-1 and top-3 accuracy under the shared protocol, with the
// term weights learned from the requests alone and from the whole (unlabelled) corpus too.
func BenchmarkSuggestBanking77(b *testing.B) {
	reqs, texts, labels, unlabeled := banking77(b)
	for _, v := range []struct {
		name   string
		corpus []string
	}{{"requests-only", nil}, {"with-corpus", append(append([]string(nil), unlabeled...), texts...)}} {
		b.Run(v.name, func(b *testing.B) {
			s := NewSuggester(reqs, v.corpus)
			var top1, top3 int
			for b.Loop() {
				top1, top3 = 0, 0
				for i, t := range texts {
					got := s.Suggest(t, 3)
					for k, g := range got {
						if g.RequestID == labels[i] {
							if k == 0 {
								top1++
							}
							top3++
						}
					}
				}
			}
			b.ReportMetric(float64(top1)/float64(len(texts)), "top1")
			b.ReportMetric(float64(top3)/float64(len(texts)), "top3")
		})
	}
}

// BenchmarkSimilarityJSTS reports the Spearman correlation of Similarity with the human scores.
func BenchmarkSimilarityJSTS(b *testing.B) {
	f, err := os.Open(sharedData(b, "jsts_valid.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var as, bs []string
	var gold []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p struct {
			S1    string  `json:"sentence1"`
			S2    string  `json:"sentence2"`
			Label float64 `json:"label"`
		}
		json.Unmarshal(sc.Bytes(), &p)
		as, bs, gold = append(as, p.S1), append(bs, p.S2), append(gold, p.Label)
	}
	m := NewModel(append(append([]string(nil), as...), bs...))
	var rho float64
	for b.Loop() {
		got := make([]float64, len(as))
		for i := range as {
			got[i] = m.Similarity(as[i], bs[i])
		}
		rho = spearman(got, gold)
	}
	b.ReportMetric(rho, "spearman")
}

func spearman(x, y []float64) float64 {
	rx, ry := ranks(x), ranks(y)
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx /= float64(len(rx))
	my /= float64(len(ry))
	var num, dx, dy float64
	for i := range rx {
		num += (rx[i] - mx) * (ry[i] - my)
		dx += (rx[i] - mx) * (rx[i] - mx)
		dy += (ry[i] - my) * (ry[i] - my)
	}
	return num / (sqrt(dx) * sqrt(dy))
}

func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}

func sqrt(x float64) float64 { return math.Sqrt(x) }
