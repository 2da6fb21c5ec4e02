package scoring

import (
	"maps"
	"testing"
)

// TestModelIDsRepeat: one corpus gives one numbering of its terms, whatever the order the
// workers' maps are read in, so figures that rest on near-ties repeat from run to run.
func TestModelIDsRepeat(t *testing.T) {
	_, texts := syntheticRequests(10, 0, 3000) // over 512 texts a worker: every core counts
	a, b := NewModel(texts), NewModel(texts)
	if !maps.Equal(a.words, b.words) || !maps.Equal(a.chars, b.chars) {
		t.Fatal("two models of one corpus numbered its terms differently")
	}
}
