package scoring

import (
	"math"
	"strings"
)

// What a suggestion's score means, measured under the BANKING77 protocol of
// ../shared/data/README.md with every fifth intent held out, so that a fifth of the voices belong
// to no request (TestCalibrationReport, 3,080 voices, 62 requests), with the text features of
// text.go (character trigrams, negation, the Japanese↔English bridge), which raised every score:
//
//	best score     voices of a request   right   voices of no request in the band
//	≥ 0.60         0.083                 0.942   0.027
//	0.50 – 0.60    0.103                 0.891   0.038
//	0.40 – 0.50    0.171                 0.884   0.082
//	0.35 – 0.40    0.123                 0.770   0.072
//	0.30 – 0.35    0.136                 0.751   0.125
//	0.25 – 0.30    0.156                 0.622   0.180
//	0.20 – 0.25    0.121                 0.525   0.230
//	0.15 – 0.20    0.080                 0.387   0.172
//	< 0.15         0.027                 0.239   0.075
//
// So: strong from 0.40 (0.900 right over all of it, 0.147 of voices of no request reach it),
// possible from 0.30 (0.76 right), weak from 0.25 (0.62 right); under 0.25 the best suggestion is
// right about one time in two and 0.48 of the voices of no request fall there. Before the text
// features the same bands were 0.40 / 0.25 / 0.20; at the old 0.20 the weak band is now right only
// 0.525 of the time and offers 0.753 of the voices of no request.
//
// Across languages the scale is not the same (TestCalibrationJapaneseReport, the 231 hand-translated
// Japanese voices of internal/quality/testdata against the English requests, same held-out
// intents): 0.957 of the Japanese voices of a request score under 0.15 although their best
// suggestion is right 0.528 of the time there (0.444 under 0.05, 0.618 at 0.05–0.08, 0.500 at
// 0.08–0.10, 0.800 at 0.10–0.12, 10 voices), and 0.956 of those of no request fall there too:
// on this scale the score does not separate right from wrong across languages: Calibrated puts a
// cross-language score on the same-language scale (CrossLanguageScale).
//
// A global mapping was kept over a per-request one: dividing each score by what the request's
// own linked voices score against it (leave-one-out) separated right from wrong less well (at the
// same share of voices of no request offered, 3 to 6 points fewer right).
const (
	// StrongScore and up: right about nine times in ten.
	StrongScore = 0.40
	// PossibleScore and up: right about three times in four.
	PossibleScore = 0.30
	// NoMatchScore: under it the best suggestion is right about one time in two, and about half
	// the voices of no request fall under it, so it is shown as "no good match — a new request?".
	// Between it and PossibleScore a suggestion is right about six times in ten.
	NoMatchScore = 0.25
)

// Strength codes say how sure a suggestion is; people read them through the catalog
// (strength.strong …).
const (
	Strong   = "strong"
	Possible = "possible"
	Weak     = "weak"
	NoMatch  = "none"
)

// StrengthOf is the strength code of a suggestion's score.
func StrengthOf(score float64) string {
	switch {
	case score >= StrongScore:
		return Strong
	case score >= PossibleScore:
		return Possible
	case score >= NoMatchScore:
		return Weak
	}
	return NoMatch
}

// CrossLanguageScale puts the score of a voice and a request written in different languages (one
// in Japanese, the other not) on the same-language scale of the bands above. Across languages the
// two meet only through the bilingual bridge's glosses, and the scores are about a third of a
// same-language pair's as likely to be right (TestCalibrationJapaneseReport: 0.10–0.12 right
// 0.800, 0.08–0.10 0.500, 0.05–0.08 0.618, under 0.05 0.444 — against 0.884 at 0.40–0.50, 0.622 at
// 0.25–0.30 and 0.387 at 0.15–0.20 within one language). Three keeps the mapping on the cautious
// side: a cross-language 0.10 reads "possible" (0.30), 0.0833 "weak" (0.25), and a voice whose
// best is under that is still "no good match". Measured on 231 voices only: a figure to revisit.
// Revisited after the bridge's sense weights, inflections and loanwords, over the 385 voices of
// the three translated samples: at 0.10 and over 0.70 right (40 voices, 0.11 of the voices of no
// request), 0.08–0.10 0.58, 0.05–0.08 0.57, under 0.05 0.44 — still a third of the same-language
// scale, so three stays.
const CrossLanguageScale = 3.0

// Calibrated is a suggestion's score on the scale StrengthOf and NoMatchScore read: the score
// itself within one language, CrossLanguageScale times it (at most 1) across languages.
func Calibrated(score float64, voiceJapanese, requestJapanese bool) float64 {
	if voiceJapanese != requestJapanese {
		return math.Min(1, score*CrossLanguageScale)
	}
	return score
}

// Japanese reports whether text is written in Japanese: it has kana or kanji.
func Japanese(text string) bool { return strings.ContainsFunc(text, isCJK) }
