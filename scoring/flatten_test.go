package scoring

import (
	"math"
	"testing"
)

// TestLearnFlattensAsBuilt: a request grown one linked voice at a time is indexed as one built
// with the same texts, though the flattening's power depends on how many texts there are.
func TestLearnFlattensAsBuilt(t *testing.T) {
	title := "card arrival"
	examples := []string{"Where is my new card?", "My card has not arrived yet", "How long until my card is delivered?",
		"I ordered a card last week and it still has not come", "When will the card I ordered arrive?", "card still not here"}
	// Both models learn from the same texts: a built suggester adds its requests' texts to the corpus.
	texts := append([]string{title}, examples...)
	other := RequestText{ID: "other", Title: "exchange rate"}
	built := NewSuggester([]RequestText{other, {ID: "arrival", Title: title, Examples: examples}}, texts)
	grown := NewSuggester([]RequestText{other}, append(texts, texts...))
	for i, e := range examples {
		grown.Learn("arrival", title, e)
		if i == 0 {
			if p := grown.reqs[1].postings; len(p.ids) == 0 {
				t.Fatal("a request first seen through a link has no postings")
			}
		}
	}
	b, g := built.reqs[built.pos["arrival"]], grown.reqs[grown.pos["arrival"]]
	if b.n != g.n || len(b.postings.ids) != len(g.postings.ids) {
		t.Fatalf("built from %d texts, %d terms; grown from %d, %d", b.n, len(b.postings.ids), g.n, len(g.postings.ids))
	}
	// Term ids differ between models: compare by term.
	byTerm := func(m *Model, v Vec) map[string]float32 {
		name := map[int32]string{}
		for t, id := range m.words {
			name[id] = "w:" + t
		}
		for t, id := range m.chars {
			name[id] = "c:" + t
		}
		out := map[string]float32{}
		for k, id := range v.ids {
			out[name[id]] = v.w[k]
		}
		return out
	}
	bw, gw := byTerm(built.model, b.postings), byTerm(grown.model, g.postings)
	for term, w := range bw {
		if math.Abs(float64(w-gw[term])) > 1e-5 {
			t.Errorf("%s: built %.6f, grown %.6f", term, w, gw[term])
		}
	}
	// Flattened: the centroid is not the plain normalised sum.
	plain := Vec{ids: b.sum.ids, w: make([]float32, len(b.sum.w))}
	var norm float64
	for _, w := range b.sum.w {
		norm += float64(w * w)
	}
	for k, w := range b.sum.w {
		plain.w[k] = w / float32(math.Sqrt(norm))
	}
	if c := Dot(plain, b.postings); c > 0.999 {
		t.Errorf("the centroid of %d texts is not flattened (cosine to the plain sum %.4f)", b.n, c)
	}
}
