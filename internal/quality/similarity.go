package quality

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/koehq/koe/scoring"
)

// Correlation is the Spearman rank correlation of a similarity with human scores over Items
// pairs, and the time one pair took.
type Correlation struct {
	Spearman float64
	Items    int
	PerItem  time.Duration
}

// JSTS scores each pair of jsts_valid.jsonl with scoring's pair similarity (term weights and
// contexts learned from all its sentences, as `koe similarity` learns them from its file) and
// correlates the scores with the human labels. PerItem is the scoring
// alone, as for the other figures (learning from the 2,914 sentences is timed by scoring's
// BenchmarkPairSimilarity).
func JSTS(dataDir string) (Correlation, error) {
	path := filepath.Join(dataDir, "jsts_valid.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return Correlation{}, fmt.Errorf("quality: %w", err)
	}
	defer f.Close()
	var as, bs []string
	var gold []float64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var p struct {
			S1    string  `json:"sentence1"`
			S2    string  `json:"sentence2"`
			Label float64 `json:"label"`
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return Correlation{}, fmt.Errorf("quality: %s:%d: %w", path, line, err)
		}
		as, bs, gold = append(as, p.S1), append(bs, p.S2), append(gold, p.Label)
	}
	if err := sc.Err(); err != nil {
		return Correlation{}, fmt.Errorf("quality: %s: %w", path, err)
	}
	m := scoring.NewPairModel(append(append([]string(nil), as...), bs...))
	got := make([]float64, len(as))
	start := time.Now()
	for i := range as {
		got[i] = m.Similarity(as[i], bs[i])
	}
	if len(as) == 0 {
		return Correlation{}, nil
	}
	return Correlation{Spearman: spearman(got, gold), Items: len(as), PerItem: time.Since(start) / time.Duration(len(as))}, nil
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
	return num / (math.Sqrt(dx) * math.Sqrt(dy))
}

// ranks gives tied values their average rank.
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
