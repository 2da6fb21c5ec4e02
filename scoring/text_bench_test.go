package scoring

import "testing"

// BenchmarkTermCounts is the cost of featurizing one text, the part of every suggestion and
// similarity that the text itself costs: English, Japanese with the bilingual bridge (lexicon
// segmentation and glosses) and Japanese without it.
func BenchmarkTermCounts(b *testing.B) {
	texts := map[string]string{
		"en": "I made a transfer a few hours ago from a UK banking account. I do not yet see the transfer.",
		"ja": "数時間前にイギリスの銀行口座から振り込みました。まだ反映されていません。確認してください。",
	}
	for _, c := range []struct {
		name, text string
		bridge     bool
	}{{"en", texts["en"], true}, {"ja", texts["ja"], true}, {"ja-no-bridge", texts["ja"], false}} {
		b.Run(c.name, func(b *testing.B) {
			defer func(on bool) { bridge = on }(bridge)
			bridge = c.bridge
			termCounts(c.text) // the lexicon loads once per process, outside the measure
			b.ReportAllocs()
			for b.Loop() {
				termCounts(c.text)
			}
		})
	}
}
