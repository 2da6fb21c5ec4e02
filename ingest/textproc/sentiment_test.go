package textproc

import "testing"

func TestSentiment(t *testing.T) {
	tests := []struct {
		text, label string
	}{
		{"This app is great, I love it!", Positive},
		{"The export is not good.", Negative},
		{"Not bad at all.", Positive},
		{"It crashes every time and support is useless.", Negative},
		{"The UI is nice but the sync is terribly slow.", Negative},
		{"Please add CSV export.", Neutral},
		{"とても便利で助かっています。", Positive},
		{"使いにくいし、エラーで止まってしまう。", Negative},
		{"便利ではない。", Negative},
		{"問題なく使えています。", Positive},
		{"画面はきれいだけど、動作が遅いので困っています。", Negative},
		{"レポートをCSVで出力したいです。", Neutral},
		{"UIは良いがexportがbuggyで最悪", Negative},
	}
	for _, tt := range tests {
		score, label := Sentiment(tt.text)
		if label != tt.label {
			t.Errorf("Sentiment(%q) = %.3f %s, want %s", tt.text, score, label, tt.label)
		}
		if score < -1 || score > 1 {
			t.Errorf("score %v out of range", score)
		}
	}
}
