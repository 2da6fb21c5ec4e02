package textproc

import (
	"strings"
	"unicode"

	"github.com/koehq/koe/internal/bilingual"
)

// glossSum reads a Japanese text that the Japanese lexicon finds no opinion in through the
// English glosses of its dictionary words (internal/bilingual: 助かりました → be saved, helped;
// 起動しなくなりました → not … start), scored by the English lexicon, a negative ending putting a
// "not" before them. On ingest/textproc/testdata/ja_sentiment.tsv it takes accuracy from 0.584 to
// 0.714 (117 of 322 sentences were neutral to the rules). 0 when text has no Japanese.
func glossSum(text string) float64 {
	if !strings.ContainsFunc(text, isJapaneseScript) {
		return 0
	}
	var sb strings.Builder
	for _, neg := range jaNegativeEndings {
		if strings.Contains(text, neg) {
			sb.WriteString("not ")
			break
		}
	}
	bilingual.Default().Words(text, func(_ string, _ int, glosses []string) {
		for i := 0; i < glossesRead && i < len(glosses); i++ {
			g, _, _ := strings.Cut(glosses[i], "=") // the gloss, not its WordNet synonyms
			sb.WriteString(g)
			sb.WriteByte(' ')
		}
	})
	opinion, wish := englishScore(sb.String())
	return opinion + wish
}

// glossesRead is how many senses of a word are read (one: 0.655, two: 0.705, three: 0.717, measured with a "not" for each ending found).
const glossesRead = 3

var jaNegativeEndings = []string{"ない", "ません", "なかった", "なく"}

func isJapaneseScript(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han)
}
