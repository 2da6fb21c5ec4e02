package textproc

import "testing"

func TestGlossSumReadsWhatTheRulesMiss(t *testing.T) {
	for _, c := range []struct {
		text string
		want string
	}{
		{"エクスポートがよく失敗します。", Negative},
		{"アラートが多すぎてうるさい。", Negative},
		{"チームでの評判も上々です。", Positive},
	} {
		rules := ruleSum(c.text)
		if _, got := Sentiment(c.text); got != c.want {
			t.Errorf("%s: %s (rules alone %v, glosses %v), want %s", c.text, got, rules, glossSum(c.text), c.want)
		}
	}
	if got := glossSum("the app keeps crashing"); got != 0 {
		t.Errorf("English text: glossSum %v, want 0 (the English rules read it)", got)
	}
}
