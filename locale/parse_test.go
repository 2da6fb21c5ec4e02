package locale

import (
	"testing"

	"github.com/koehq/koe/feedback"
)

func TestParseTag(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want feedback.Tag
		ok   bool
	}{
		{"", feedback.TagNone, true},
		{" churn_risk ", feedback.TagChurnRisk, true},
		{"解約リスク", feedback.TagChurnRisk, true},
		{"usability", feedback.TagUsability, true},
		{"Internal efficiency", feedback.TagInternalEfficiency, true},
		{"EXPANSION", feedback.TagExpansion, true},
		{"社内効率", feedback.TagInternalEfficiency, true},
		{"アップセル", feedback.TagExpansion, true}, // a CS sheet's word, through feedback.ParseTag
		{"VIP", "", false},
	} {
		got, ok := ParseTag(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseTag(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	// feedback.ParseTag reads codes and CS sheets' words only: the labels are the catalog's.
	if _, ok := feedback.ParseTag("解約リスク"); ok {
		t.Errorf("feedback.ParseTag read a label")
	}
}

// BenchmarkLabel: a sheet push asks for two labels a voice (50,000 voices: 100,000 labels).
func BenchmarkLabel(b *testing.B) {
	p := For("en")
	for b.Loop() {
		_ = p.Label("voice_status", "triaged")
	}
}

// BenchmarkParseTag: the worst case, a word that is no tag in any language.
func BenchmarkParseTag(b *testing.B) {
	for b.Loop() {
		_, _ = ParseTag("VIP")
	}
}
