package textproc

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzHTMLToText(f *testing.F) {
	for _, s := range []string{"<p>a&amp;b</p>", "<div><div><div>x", "<script>x</script>y", "a < b & c > d", "<<<>>>", "&#x1F600;&#0;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := HTMLToText(s)
		if len(out) > MaxText+8 {
			t.Fatalf("output of %d bytes", len(out))
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("valid input gave invalid UTF-8: %q", out)
		}
		if strings.Contains(out, "<script") && !strings.Contains(s, "&lt;script") && !strings.Contains(s, "<script") {
			t.Fatalf("a script tag appeared from nowhere: %q", out)
		}
	})
}

func FuzzLanguageAndSentiment(f *testing.F) {
	for _, s := range []string{"とても便利です", "not bad at all", "UIは良いがbuggyで最悪", "", "!!!", "ではないない"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		switch Language(s) {
		case LangJapanese, LangEnglish, LangOther, LangUnknown:
		default:
			t.Fatalf("unknown language for %q", s)
		}
		score, label := Sentiment(s)
		if score < -1 || score > 1 {
			t.Fatalf("score %v for %q", score, s)
		}
		if (label == Positive) != (score >= 0.05) || (label == Negative) != (score <= -0.05) {
			t.Fatalf("label %s does not fit score %v", label, score)
		}
	})
}
