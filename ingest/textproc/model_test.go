package textproc

import (
	"reflect"
	"testing"
)

// TestModelAddIsLearningBoth: two models that learned apart, added, are the model that learned
// everything — what lets replicas add their learning to the stored model.
func TestModelAddIsLearningBoth(t *testing.T) {
	a, b, all := NewModel(), NewModel(), NewModel()
	for i, e := range japaneseSet(t)[:60] {
		all.Learn(e.text, e.positive)
		if i%2 == 0 {
			a.Learn(e.text, e.positive)
		} else {
			b.Learn(e.text, e.positive)
		}
	}
	a.Add(b)
	if !reflect.DeepEqual(a, all) {
		t.Fatalf("a+b has %d examples, %d features; all has %d, %d", a.Examples(), len(a.Counts), all.Examples(), len(all.Counts))
	}
}

func TestModelLearnsTheCustomersWords(t *testing.T) {
	m := NewModel()
	// The lexicon knows neither word; this customer's ratings say which is which.
	for range 30 {
		m.Learn("ガントチャートがぬるぬる動く", true)
		m.Learn("The kanban board rocks", true)
		m.Learn("ガントチャートが崩れる", false)
		m.Learn("The kanban board keeps jamming", false)
	}
	for _, tt := range []struct{ text, want string }{
		{"昨日からチャートが崩れる", Negative},
		{"チャートがぬるぬる", Positive},
		{"Our kanban keeps jamming again", Negative},
	} {
		if _, got := Sentiment(tt.text); got != Neutral {
			t.Fatalf("the rules read %q as %s: the test needs words they do not know", tt.text, got)
		}
		if score, got := SentimentWith(m, tt.text); got != tt.want {
			t.Errorf("SentimentWith(%q) = %.3f %s, want %s", tt.text, score, got, tt.want)
		}
	}
	if score, got := SentimentWith(NewModel(), "チャートが崩れる"); got != Neutral || score != 0 {
		t.Errorf("an empty model: %.3f %s, want the rules' neutral", score, got)
	}
}

func TestModelFeatures(t *testing.T) {
	f := ModelFeatures("使えない")
	// 使 え な い, ^使 使え えな ない い$, ^使え 使えな えない ない$
	if got, want := len(f), 4+5+4; got != want {
		t.Errorf("%d features of 使えない, want %d", got, want)
	}
	if got, want := len(ModelFeatures("Not good. not good")), 3; got != want {
		t.Errorf("%d features of two equal clauses, want %d (not, good, not good)", got, want)
	}
	for _, id := range ModelFeatures("CSVが文字化けする, export fails") {
		if id >= ModelBuckets {
			t.Fatalf("feature %d outside [0, %d)", id, ModelBuckets)
		}
	}
}
