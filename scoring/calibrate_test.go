package scoring

import "testing"

func TestCalibratedAcrossLanguages(t *testing.T) {
	for _, c := range []struct {
		score          float64
		voiceJa, reqJa bool
		want           string
	}{
		{0.12, false, false, NoMatch}, // within English: too weak
		{0.12, true, true, NoMatch},   // within Japanese: too weak
		{0.12, true, false, Possible}, // a Japanese voice, an English request: 0.36
		{0.12, false, true, Possible}, // and the other way
		{0.09, true, false, Weak},     // 0.27
		{0.05, true, false, NoMatch},  // 0.15
		{0.45, true, false, Strong},   // capped at 1
		{0.45, false, false, Strong},
	} {
		if got := StrengthOf(Calibrated(c.score, c.voiceJa, c.reqJa)); got != c.want {
			t.Errorf("Calibrated(%v, ja voice %v, ja request %v): %s, want %s", c.score, c.voiceJa, c.reqJa, got, c.want)
		}
	}
	if got := Calibrated(0.9, true, false); got != 1 {
		t.Errorf("Calibrated(0.9) across languages = %v, want 1", got)
	}
	for text, want := range map[string]bool{"請求書をCSVで出したい": true, "CSV export": false, "ダークモード": true, "": false} {
		if got := Japanese(text); got != want {
			t.Errorf("Japanese(%q) = %v, want %v", text, got, want)
		}
	}
}
