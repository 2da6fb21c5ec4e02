package textproc

import (
	"math"
	"testing"
)

// TestSentimentScope pins what issue 22 found wrong: Japanese conjugations that missed the
// lexicon, negation that reached too far or flipped too hard, and contrast and wishes read as praise.
func TestSentimentScope(t *testing.T) {
	tests := []struct {
		text     string
		min, max float64 // the score must fall in [min, max]
	}{
		// Japanese conjugated forms of lexicon words.
		{"嬉しかったです。", 0.3, 1},
		{"とても嬉しかった！", 0.5, 1},
		{"嬉しくなかった。", -1, -0.1},
		{"よくないです。", -1, -0.1},
		{"感動しました。", 0.3, 1},
		{"また利用したいです。", 0.3, 1},
		{"アプリがよく落ちます。", -1, -0.2},
		{"動作が遅かったです。", -1, -0.2},
		{"期待したほど便利ではありませんでした。", -1, -0.1},
		// Japanese negation scope: only the word before flips, and weakly for negative words.
		{"悪くはない。", 0.05, 0.4},
		{"使えなくはない。", 0.05, 0.3},
		{"嬉しくはない。", -1, -0.1},
		{"使いにくくはない。", 0.05, 0.4},
		// Contrast and wishes: what follows the contrast carries the opinion; a wish is a request.
		{"悪くはないけど、もう少し速いと嬉しい", -0.4, 0.05},
		{"デザインは好きです。でも、動作が重いです。", -1, -0.05},
		{"早く直してくれると助かります。", -0.4, -0.05},
		// English negation scope.
		{"I've never been more insulted.", -1, -0.3},
		{"Not bad.", 0.05, 0.4},
		{"No, great service and friendly staff.", 0.4, 1},
		{"I couldn't be happier.", 0.3, 1},
		{"No problems, great app.", 0.4, 1},
		{"I don't hate it.", 0.05, 0.4},
		{"Never again, terrible.", -1, -0.5},
		// These held before the stems and the scoped negation; they stay so the rewrite keeps them.
		{"サポートに助かりました。", 0.3, 1},
		{"画面が重いし、使いにくかった。", -1, -0.3},
		{"検索をもっと改善してほしい。", -1, -0.05},
		{"不便ではないが、遅い。", -1, -0.1},
		{"便利だけれど、よく固まるのが残念。", -1, -0.2},
		{"非常に使いやすいです", 0.6, 1},
		{"良くなかったです。", -1, -0.1},
		{"サポートは親切でした。しかし、ログインできないことが多い。", -1, -0.1},
		{"I was never disappointed.", 0.1, 1},
		{"Not the fastest app, but support is great.", 0.3, 1},
		{"It isn't good, the staff was very rude.", -1, -0.5},
		{"Really good.", 0.45, 1},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			score, label := Sentiment(tt.text)
			if score < tt.min || score > tt.max {
				t.Errorf("Sentiment(%q) = %.3f %s, want within [%.2f, %.2f]", tt.text, score, label, tt.min, tt.max)
			}
		})
	}
}

// TestSentimentIntensifier checks that an intensifier scales the sentiment word after it.
func TestSentimentIntensifier(t *testing.T) {
	tests := []struct{ plain, intense string }{
		{"嬉しかったです", "とても嬉しかったです"},
		{"使いにくい", "すごく使いにくい"},
		{"good", "very good"},
		{"slow", "really slow"},
	}
	for _, tt := range tests {
		t.Run(tt.intense, func(t *testing.T) {
			plain, _ := Sentiment(tt.plain)
			intense, _ := Sentiment(tt.intense)
			if math.Abs(intense) <= math.Abs(plain) || intense*plain <= 0 {
				t.Errorf("Sentiment(%q) = %.3f, want stronger than Sentiment(%q) = %.3f", tt.intense, intense, tt.plain, plain)
			}
		})
	}
}
