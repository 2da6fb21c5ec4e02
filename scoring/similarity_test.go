package scoring

import (
	"math"
	"reflect"
	"testing"
	"time"
)

// TestSimilarityIsTheBlend keeps the short cut in Similarity equal to the weighted features.
func TestSimilarityIsTheBlend(t *testing.T) {
	texts := []string{"公園で男性がフリスビーを投げています。", "公園で男の人がフリスビーを投げている。", "象が鼻を高く上げています。"}
	m := NewPairModel(texts)
	for _, p := range [][2]int{{0, 1}, {0, 2}, {1, 2}} {
		f := m.pairFeatures(pairTermsOf(texts[p[0]]), pairTermsOf(texts[p[1]]))
		want := pairWeights[len(f)]
		for i, x := range f {
			want += pairWeights[i] * x
		}
		want = unitScore(want)
		if got := m.Similarity(texts[p[0]], texts[p[1]]); math.Abs(got-want) > 1e-9 {
			t.Fatalf("pair %v: Similarity %v, blend %v", p, got, want)
		}
	}
}

func TestPairSimilarityOrders(t *testing.T) {
	corpus := []string{
		"公園で男性がフリスビーを投げています。", "公園で男の人がフリスビーを投げている。",
		"キッチンにはたくさんの野菜が置いてあります。", "台所に野菜と果物がたくさんあります。",
		"ゾウの大群が水辺にいます。", "象が鼻を高く上げています。",
		"The export to CSV fails with a timeout.", "Exporting a CSV times out.",
		"Please add a dark mode.", "ダークモードを追加してほしい",
	}
	m := NewPairModel(corpus)
	same := m.Similarity(corpus[0], corpus[0])
	close := m.Similarity(corpus[0], corpus[1])
	far := m.Similarity(corpus[0], corpus[4])
	if !(same >= close && close > far) {
		t.Fatalf("same %.3f, paraphrase %.3f, unrelated %.3f: want same ≥ paraphrase > unrelated", same, close, far)
	}
	if en, other := m.Similarity(corpus[6], corpus[7]), m.Similarity(corpus[6], corpus[8]); en <= other {
		t.Fatalf("English paraphrase %.3f ≤ unrelated %.3f", en, other)
	}
	for _, p := range [][2]string{{"", ""}, {"", "abc"}, {"!!!", "。。"}} {
		if s := m.Similarity(p[0], p[1]); s < 0 || s > 1 || s != s {
			t.Fatalf("Similarity(%q, %q) = %v, want in [0, 1]", p[0], p[1], s)
		}
	}
}

// BenchmarkPairSimilarity scores JSTS valid pairs with a model learned from its sentences; the
// learning is timed apart (ns/op is per pair).
func BenchmarkPairSimilarity(b *testing.B) {
	as, bs, _ := loadJSTS(b)
	corpus := append(append([]string(nil), as...), bs...)
	start := time.Now()
	m := NewPairModel(corpus)
	b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms-learn")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(as)
		m.Similarity(as[k], bs[k])
	}
}

// TestBlendTermsAreTheirFamilies keeps Similarity's lean terms equal to those families of the
// full ones.
func TestBlendTermsAreTheirFamilies(t *testing.T) {
	for _, s := range []string{"公園で男性がフリスビーを投げています。", "ゾウの大群が水辺にいます", "The export to CSV fails.",
		"カードが届いていません 2枚", "ｶｰﾄﾞ　二人", "", "!!!", "mixed 日本語 text ・ー々"} {
		full, lean := pairTermsOf(s), blendTermsOf(s)
		for i, pair := range [][2]map[string]float64{{full.uni, lean.uni}, {full.bi, lean.bi}, {full.lemma, lean.lemma}} {
			if !reflect.DeepEqual(pair[0], pair[1]) {
				t.Fatalf("%q family %d: full %v, lean %v", s, i, pair[0], pair[1])
			}
		}
	}
}
