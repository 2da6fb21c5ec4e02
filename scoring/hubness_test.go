package scoring

import (
	"math"
	"slices"
	"sort"
	"testing"
)

// bruteHub is request r's penalty computed directly: hubWeight times the mean of its centroid's
// hubNeighbours highest cosines to the sampled voices.
func bruteHub(s *Suggester, r int) float64 {
	var cs []float64
	for _, v := range s.hub.sample {
		cs = append(cs, Dot(v, s.reqs[r].postings))
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(cs)))
	k := min(hubNeighbours, len(cs))
	var sum float64
	for _, c := range cs[:k] {
		sum += c
	}
	return hubWeight * sum / float64(k)
}

func TestHubnessBuiltThroughIndexMatchesDirect(t *testing.T) {
	reqs, voices := syntheticRequests(300, 5, 500)
	s := NewSuggester(reqs, voices)
	if len(s.hub.sample) != min(hubSample, len(voices)) {
		t.Fatalf("sampled %d voices", len(s.hub.sample))
	}
	for r := range s.reqs {
		if got, want := float64(s.hub.pen[r]), bruteHub(s, r); math.Abs(got-want) > 1e-4 {
			t.Fatalf("request %d: penalty %v, direct %v", r, got, want)
		}
	}
	// Learn keeps it so, for a known request and for a new one, and the mean with it.
	s.Learn(s.ids[7], "", voices[3])
	s.Learn("new", reqs[0].Title, voices[4])
	var sum float64
	for r := range s.reqs {
		if got, want := float64(s.hub.pen[r]), bruteHub(s, r); math.Abs(got-want) > 1e-4 {
			t.Fatalf("after Learn, request %d: penalty %v, direct %v", r, got, want)
		}
		sum += float64(s.hub.pen[r])
	}
	if math.Abs(sum-s.hub.sum) > 1e-3 {
		t.Fatalf("penalties sum to %v, kept %v", sum, s.hub.sum)
	}
}

// Suggest's top k is the corrected scores' top k over every request that shares a term with the
// voice. (The walk ranks by the corrected score itself, its offsets in its bounds; with many
// requests TestSuggestExactSynthetic checks the same against brute force.)
func TestSuggestRanksByCorrectedScore(t *testing.T) {
	reqs, voices := syntheticRequests(10, 5, 300)
	s := NewSuggester(reqs, voices)
	differs := 0
	for _, text := range voices {
		q := s.model.Vector(text)
		type scored struct {
			r  int
			sc float32
		}
		var all []scored
		for r := range s.reqs {
			if cos := Dot(q, s.reqs[r].postings); cos > 0 { // only requests that share a term
				all = append(all, scored{r, s.corrected(int32(r), float32(cos))})
			}
		}
		slices.SortFunc(all, func(a, b scored) int {
			if a.sc != b.sc {
				if a.sc > b.sc {
					return -1
				}
				return 1
			}
			return a.r - b.r
		})
		got := s.Suggest(text, 1)
		for i, g := range got {
			if want := float64(all[i].sc); math.Abs(g.Score-want) > 1e-3 {
				differs++
				t.Logf("%q: place %d scored %v, %s; direct %v, %s", text, i, g.Score, g.RequestID, want, s.ids[all[i].r])
			}
		}
	}
	if differs > 0 {
		t.Fatalf("%d of %d places differ from the direct ranking", differs, len(voices))
	}
}

// A request near every voice (one of common words) no longer takes the first place from the
// one a voice is about; without a corpus nothing changes.
func TestHubnessDemotesARequestNearEverything(t *testing.T) {
	reqs := []RequestText{
		{ID: "account", Title: "account problem", Examples: []string{"problem with my account", "my account has a problem", "account issue", "issue with the account"}},
		{ID: "card", Title: "card declined", Examples: []string{"my card was declined at the shop", "card declined when paying"}},
		{ID: "pin", Title: "change pin", Examples: []string{"how do I change my pin", "reset the pin of my card"}},
	}
	corpus := []string{"account problem again", "problem with the account page", "an account issue today",
		"account locked", "the account shows a problem", "card declined", "pin change", "account card declined problem",
		"account issue with the card", "problem with my account and card"}
	voice := "problem with my account: card declined"
	plain := NewSuggester(reqs, nil)
	if got := plain.Suggest(voice, 1); got[0].RequestID != "account" {
		t.Skipf("the fixture no longer has the hub first without correction: %+v", got)
	}
	s := NewSuggester(reqs, corpus)
	if s.hub.pen[0] <= s.hub.pen[1] {
		t.Fatalf("penalties %v: the broad request is not the hub", s.hub.pen)
	}
	if got := s.Suggest(voice, 1); got[0].RequestID != "card" {
		t.Fatalf("Suggest(%q) = %+v, want card first", voice, got)
	}
}
