package textproc

import (
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ModelBuckets is how many feature ids there are: features are hashed into [0, ModelBuckets), so
// a model's size is bounded whatever it reads, and it holds no customer's words, only counts.
const ModelBuckets = 1 << 20

// Model is a naive Bayes sentiment classifier over binary features (a feature counts once a
// text): character 1–3-grams of Japanese runs, words and word bigrams of Latin runs. It learns
// from texts labelled by their star rating. Its counts only ever add, so two replicas that learn
// from different reviews at once can each add their part to the stored model: the sum is the
// model that learned both. The zero Model has learned nothing; NewModel makes one ready to learn.
// A Model is not safe for concurrent writes; reading one that nobody writes is.
type Model struct {
	// Version is the stored model's version, which every stored change increases (0: not stored).
	Version int64
	// Docs are the examples learned, [0] negative and [1] positive.
	Docs [2]int64
	// Tokens are the feature occurrences learned, by class: the sum of Counts.
	Tokens [2]int64
	// Counts are, by feature id, how many negative ([0]) and positive ([1]) examples had it.
	Counts map[uint32][2]int64
}

// NewModel is an empty model.
func NewModel() *Model { return &Model{Counts: map[uint32][2]int64{}} }

// Learn adds one labelled example.
func (m *Model) Learn(text string, positive bool) {
	c := 0
	if positive {
		c = 1
	}
	if m.Counts == nil {
		m.Counts = map[uint32][2]int64{}
	}
	m.Docs[c]++
	for _, f := range ModelFeatures(text) {
		n := m.Counts[f]
		n[c]++
		m.Counts[f] = n
		m.Tokens[c]++
	}
}

// Add adds the counts of d (another replica's or a batch's learning) to m.
func (m *Model) Add(d *Model) {
	if m.Counts == nil {
		m.Counts = map[uint32][2]int64{}
	}
	for c := range 2 {
		m.Docs[c] += d.Docs[c]
		m.Tokens[c] += d.Tokens[c]
	}
	for f, n := range d.Counts {
		o := m.Counts[f]
		m.Counts[f] = [2]int64{o[0] + n[0], o[1] + n[1]}
	}
}

// Clone is a copy of m that learns apart from it: what lets a process go on learning while a
// copy it handed out scores from other goroutines.
func (m *Model) Clone() *Model {
	c := *m
	c.Counts = maps.Clone(m.Counts)
	if c.Counts == nil {
		c.Counts = map[uint32][2]int64{}
	}
	return &c
}

// Examples is how many examples the model learned.
func (m *Model) Examples() int64 {
	if m == nil {
		return 0
	}
	return m.Docs[0] + m.Docs[1]
}

// modelAlpha is the additive smoothing of the feature counts.
const modelAlpha = 1.0

// LogOdds is the model's log odds that text is positive: > 0 leans positive. A model that has
// not learned both classes answers 0.
func (m *Model) LogOdds(text string) float64 {
	if m == nil || m.Docs[0] == 0 || m.Docs[1] == 0 {
		return 0
	}
	v := float64(len(m.Counts)) + 1 // features seen, and one for those not seen
	den := [2]float64{math.Log(float64(m.Tokens[0]) + modelAlpha*v), math.Log(float64(m.Tokens[1]) + modelAlpha*v)}
	sum := math.Log(float64(m.Docs[1])) - math.Log(float64(m.Docs[0]))
	for _, f := range modelFeaturesFolded(text) {
		n, ok := m.Counts[f]
		if !ok {
			continue // unseen in both classes: the same in both, bar the denominators
		}
		sum += math.Log(float64(n[1])+modelAlpha) - den[1] - math.Log(float64(n[0])+modelAlpha) + den[0]
	}
	return sum
}

// evidenceFolded is LogOdds, how many of the text's features are clearly polar (seen in at least
// polarFeatureMin examples, and polarFeatureRatio, natural log, likelier in one class), and how
// many of its features the model knows, for a text folded already (fold).
func (m *Model) evidenceFolded(text string) (lo float64, polar, known int) {
	if m == nil || m.Docs[0] == 0 || m.Docs[1] == 0 {
		return 0, 0, 0
	}
	v := float64(len(m.Counts)) + 1
	den := [2]float64{math.Log(float64(m.Tokens[0]) + modelAlpha*v), math.Log(float64(m.Tokens[1]) + modelAlpha*v)}
	lo = math.Log(float64(m.Docs[1])) - math.Log(float64(m.Docs[0]))
	for _, f := range modelFeaturesFolded(text) {
		n, ok := m.Counts[f]
		if !ok {
			continue
		}
		d := math.Log(float64(n[1])+modelAlpha) - den[1] - math.Log(float64(n[0])+modelAlpha) + den[0]
		lo += d
		known++
		if n[0]+n[1] >= polarFeatureMin && math.Abs(d) >= polarFeatureRatio {
			polar++
		}
	}
	return lo, polar, known
}

// ModelFeatures are the distinct feature ids of text, in increasing order.
func ModelFeatures(text string) []uint32 { return modelFeaturesFolded(fold(text)) }

// modelFeaturesFolded is ModelFeatures of a text folded already.
func modelFeaturesFolded(text string) []uint32 {
	out := make([]uint32, 0, 3*len(text)/2)
	var run []rune              // the current Japanese run, between ^ and $
	var words []string          // the current clause's Latin words
	wordStart := -1             // where the current Latin word starts in text
	var wordBuf strings.Builder // the current word without its apostrophes
	flushWord := func(end int) {
		if wordStart < 0 {
			return
		}
		w := text[wordStart:end]
		if strings.IndexByte(w, '\'') >= 0 {
			wordBuf.Reset()
			for _, r := range w {
				if r != '\'' {
					wordBuf.WriteRune(r)
				}
			}
			w = wordBuf.String()
		}
		if w != "" {
			words = append(words, w)
		}
		wordStart = -1
	}
	flushClause := func(end int) {
		flushWord(end)
		for i, w := range words {
			out = append(out, hashFeature('w', w, ""))
			if i > 0 {
				out = append(out, hashFeature('b', words[i-1], w))
			}
		}
		words = words[:0]
	}
	flushRun := func() {
		if len(run) == 0 {
			return
		}
		run = append(run, '$')
		for n := 1; n <= 3; n++ {
			for i := 0; i+n <= len(run); i++ {
				g := run[i : i+n]
				if n == 1 && (g[0] == '^' || g[0] == '$') || n == 2 && g[0] == '^' && g[1] == '$' {
					continue
				}
				out = append(out, hashRunes(g))
			}
		}
		run = run[:0]
	}
	for i, r := range text {
		switch {
		case isJapanese(r):
			flushWord(i)
			if len(run) == 0 {
				run = append(run, '^')
			}
			run = append(run, r)
		case r < 0x250 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '\'' && wordStart >= 0:
			flushRun()
			if wordStart < 0 {
				wordStart = i
			}
		case unicode.IsSpace(r):
			flushRun()
			flushWord(i)
		default: // punctuation ends a clause
			flushRun()
			flushClause(i)
		}
	}
	flushRun()
	flushClause(len(text))
	slices.Sort(out)
	return slices.Compact(out)
}

// FNV-1a, 32 bits.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// hashFeature is the id of a Latin feature: its kind, then one or two words.
func hashFeature(kind byte, a, b string) uint32 {
	h := uint32(fnvOffset)
	h = (h ^ uint32(kind)) * fnvPrime
	for i := 0; i < len(a); i++ {
		h = (h ^ uint32(a[i])) * fnvPrime
	}
	if b != "" {
		h = (h ^ ' ') * fnvPrime
		for i := 0; i < len(b); i++ {
			h = (h ^ uint32(b[i])) * fnvPrime
		}
	}
	return h % ModelBuckets
}

// hashRunes is the id of a Japanese n-gram, hashed as its UTF-8 bytes after the kind 'j'.
func hashRunes(g []rune) uint32 {
	h := uint32(fnvOffset)
	h = (h ^ 'j') * fnvPrime
	var buf [utf8.UTFMax]byte
	for _, r := range g {
		n := utf8.EncodeRune(buf[:], r)
		for _, c := range buf[:n] {
			h = (h ^ uint32(c)) * fnvPrime
		}
	}
	return h % ModelBuckets
}

func isJapanese(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) || r == 'ー' || r == '々'
}

// ModelMinExamples is how many examples a model learns before SentimentWith listens to it.
const ModelMinExamples = 50

// modelSure is the log odds from which SentimentWith takes the model's word over the rules'.
const modelSure = 8.0

// modelScale turns log odds into a score, tanh(log odds / modelScale). Naive Bayes over
// overlapping n-grams is overconfident: calibrated on held-out data (p = sigmoid(log odds / T),
// least log loss) T was 2.5–3 with 1,000 UCI reviews learned and 15 with 290 short Japanese ones,
// and with no neutral class it leans on texts that hold no opinion at all. A score of
// tanh(log odds / 16) keeps a learned lean from reading as a strong opinion (|score| ≥ 0.6 needs
// log odds of 11).
const modelScale = 16.0
