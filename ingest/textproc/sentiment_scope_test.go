package textproc

import "testing"

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
		{"サポートに助かりました。", 0.3, 1},
		{"アプリがよく落ちます。", -1, -0.2},
		{"画面が重いし、使いにくかった。", -1, -0.3},
		{"動作が遅かったです。", -1, -0.2},
		{"検索をもっと改善してほしい。", -1, -0.05},
		{"期待したほど便利ではありませんでした。", -1, -0.1},
		// Japanese negation scope: only the word before flips, and weakly for negative words.
		{"悪くはない。", 0.05, 0.4},
		{"使えなくはない。", 0.05, 0.3},
		{"不便ではないが、遅い。", -1, -0.1},
		// Contrast and wishes: what follows the contrast carries the opinion; a wish is a request.
		{"悪くはないけど、もう少し速いと嬉しい", -0.4, 0.05},
		{"便利だけれど、よく固まるのが残念。", -1, -0.2},
		{"デザインは好きです。でも、動作が重いです。", -1, -0.05},
		{"非常に使いやすいです", 0.6, 1},
		// English negation scope.
		{"I've never been more insulted.", -1, -0.3},
		{"Not bad.", 0.05, 0.4},
		{"I was never disappointed.", 0.1, 1},
		{"Not the fastest app, but support is great.", 0.3, 1},
		{"No, great service and friendly staff.", 0.4, 1},
		{"It isn't good, the staff was very rude.", -1, -0.5},
		{"I couldn't be happier.", 0.3, 1},
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
