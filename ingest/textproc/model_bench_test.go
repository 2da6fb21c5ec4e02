package textproc

import "testing"

// BenchmarkModelLearn is the time to learn one review (the Japanese set's sentences in turn).
func BenchmarkModelLearn(b *testing.B) {
	set := japaneseSet(b)
	m := NewModel()
	i := 0
	for b.Loop() {
		e := set[i%len(set)]
		m.Learn(e.text, e.positive)
		i++
	}
}

// BenchmarkSentimentWith is the time to score one voice with the rules and a model learned from
// both UCI files and the Japanese set, against the rules alone.
func BenchmarkSentimentWith(b *testing.B) {
	set := japaneseSet(b)
	m := NewModel()
	for _, file := range []string{"uci_amazon_cells_labelled.txt", "uci_yelp_labelled.txt"} {
		for _, e := range readLabelled(b, sharedData(b, file)) {
			m.Learn(e.text, e.positive)
		}
	}
	for _, e := range set {
		m.Learn(e.text, e.positive)
	}
	b.Run("rules", func(b *testing.B) {
		i := 0
		for b.Loop() {
			Sentiment(set[i%len(set)].text)
			i++
		}
	})
	b.Run("combined", func(b *testing.B) {
		i := 0
		for b.Loop() {
			SentimentWith(m, set[i%len(set)].text)
			i++
		}
	})
}
