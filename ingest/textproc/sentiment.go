package textproc

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Sentiment labels.
const (
	Negative = "negative"
	Neutral  = "neutral"
	Positive = "positive"
)

// Sentiment scores the feeling of a text in [-1, 1] and labels it. Words are scored from a
// lexicon (English by word, Japanese by longest match on stems, so 嬉しかった meets 嬉し), flipped by
// a negation in scope (not, never, n't up to the next punctuation; ない, ません in a Japanese
// term's own conjugation), strengthened by intensifiers (very, とても), and weighted toward what
// follows "but" / "けど" / "でも". The sum is squashed with x/√(x²+15). A Japanese text in which no
// lexicon word is found is read through its dictionary words' English glosses (glossSum).
// A star rating is something else and is never read here.
func Sentiment(text string) (float64, string) {
	return labelled(ruleOrGlossSum(text))
}

// ruleOrGlossSum is ruleSum, or when the rules find no opinion the reading of a Japanese text
// through its English glosses (glossSum).
func ruleOrGlossSum(text string) float64 {
	folded := fold(text)
	if opinion, wish := rulePartsFolded(folded); opinion+wish != 0 {
		return opinion + wish
	}
	return glossSum(folded)
}

// fold is how the rules, the request test and the model read a text: NFKC, lower case.
func fold(text string) string { return strings.ToLower(norm.NFKC.String(text)) }

// ruleSum is the lexicon's unsquashed sum for text: 0 when no term is found.
func ruleSum(text string) float64 {
	opinion, wish := ruleParts(text)
	return opinion + wish
}

// ruleParts is ruleSum in two parts: the opinions, and the wishes — a condition before a wish
// (速いと嬉しい), ほしい, "would be nice", "I'd like" — which ask for something rather than judge it.
func ruleParts(text string) (opinion, wish float64) { return rulePartsFolded(fold(text)) }

// rulePartsFolded is ruleParts of a text folded already.
func rulePartsFolded(text string) (opinion, wish float64) {
	eo, ew := englishScore(text)
	jo, jw := japaneseScore(text)
	opinion, wish = eo+jo, ew+jw
	if n := strings.Count(text, "!"); n > 0 {
		f := 1 + 0.1*math.Min(float64(n), 3)
		opinion, wish = opinion*f, wish*f
	}
	return opinion, wish
}

// labelled squashes a sum with x/√(x²+15) into [-1, 1] and labels it.
func labelled(sum float64) (float64, string) {
	if sum == 0 {
		return 0, Neutral
	}
	return label(math.Round(sum/math.Sqrt(sum*sum+15)*1000) / 1000)
}

// label names a score in [-1, 1].
func label(score float64) (float64, string) {
	switch {
	case score >= 0.05:
		return score, Positive
	case score <= -0.05:
		return score, Negative
	}
	return score, Neutral
}

var (
	enNegators = map[string]bool{"not": true, "no": true, "never": true, "nothing": true, "nobody": true,
		"neither": true, "nor": true, "without": true, "hardly": true, "barely": true, "cannot": true,
		"cant": true, "dont": true, "doesnt": true, "didnt": true, "isnt": true, "wasnt": true, "arent": true,
		"werent": true, "wont": true, "wouldnt": true, "shouldnt": true, "couldnt": true, "havent": true,
		"hasnt": true, "aint": true, "nt": true}
	enIntensifiers = map[string]float64{"very": 1.5, "really": 1.4, "so": 1.3, "extremely": 1.8, "super": 1.5,
		"totally": 1.4, "absolutely": 1.6, "incredibly": 1.7, "highly": 1.5, "truly": 1.4, "quite": 1.2,
		"most": 1.3, "completely": 1.5, "pretty": 1.1, "too": 1.2}
	enContrast     = map[string]bool{"but": true, "however": true, "although": true, "though": true, "yet": true}
	enComparatives = map[string]bool{"happier": true, "better": true, "worse": true, "prouder": true}
)

// englishScore sums word scores. A negator flips the words within the three after it, but never
// across punctuation or a contrast word, and a negative word flipped weighs less ("not bad" is faint
// praise). "Never been more insulted" and "couldn't be happier" are emphasis, not negation.
// An intensifier right before a word scales it; words after a contrast weigh 1.5, before it 0.5.
// A positive word right after "would", "I'd", "would be" is a wish ("I'd like", "it would be nice"),
// returned apart.
func englishScore(text string) (opinion, wish float64) {
	words := englishWords(text)
	if len(words) == 0 {
		return 0, 0
	}
	scores := make([]float64, len(words))
	wishes := make([]bool, len(words))
	negator := -1 // index of the negator in scope
	for i, w := range words {
		if negator >= 0 && (i-negator > 3 || w == "." || enContrast[w]) {
			negator = -1
		}
		if enNegators[w] {
			negator = i
			scores[i] = enLexicon[w] // "never", "doesnt" alone still lean negative
			continue
		}
		v, ok := enLexicon[w]
		if !ok {
			continue
		}
		if i > 0 {
			if f, ok := enIntensifiers[words[i-1]]; ok {
				v *= f
			}
		}
		if negator >= 0 {
			switch {
			case enEmphatic(words[negator+1:i], w):
				v *= 1.4
			case v < 0:
				v *= -0.5
			default:
				v *= -0.7
			}
			scores[negator] = 0
		}
		scores[i] = v
		wishes[i] = v > 0 && negator < 0 && enWish(words[:i])
	}
	for i, w := range words {
		if enContrast[w] {
			for j := range scores {
				if j < i {
					scores[j] *= 0.5
				} else {
					scores[j] *= 1.5
				}
			}
			break
		}
	}
	for i, s := range scores {
		if wishes[i] {
			wish += s
		} else {
			opinion += s
		}
	}
	return opinion, wish
}

// enWish tells whether the words before a positive word make it a wish: "would", "I'd", "we'd"
// right before it, or with "be" between ("would be nice", "it'd be great").
func enWish(before []string) bool {
	n := len(before)
	if n > 0 && before[n-1] == "be" {
		n--
	}
	if n == 0 {
		return false
	}
	switch before[n-1] {
	case "would", "id", "wed", "itd", "youd", "thatd":
		return true
	}
	return false
}

// englishWords splits lowercased text into Latin words, apostrophes dropped ("don't" is "dont"),
// with "." standing for each run of clause-ending punctuation.
func englishWords(text string) []string {
	var words []string
	start := -1
	flush := func(end int) {
		if start >= 0 {
			words = append(words, strings.ReplaceAll(text[start:end], "'", ""))
			start = -1
		}
	}
	for i, r := range text {
		switch {
		case r < 0x250 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '\'' && start >= 0:
			if start < 0 {
				start = i
			}
		case strings.ContainsRune(".,;:!?()", r) || r >= 0x3000 && r <= 0x303f:
			flush(i)
			if len(words) > 0 && words[len(words)-1] != "." {
				words = append(words, ".")
			}
		default:
			flush(i)
		}
	}
	flush(len(text))
	return words
}

// enEmphatic tells a negated comparison ("never been more", "couldn't be happier") from a negation.
func enEmphatic(between []string, word string) bool {
	be := false
	for _, w := range between {
		switch w {
		case "be", "been":
			be = true
		case "more":
			if be {
				return true
			}
		}
	}
	return be && enComparatives[word]
}

// jaTerm is a Japanese lexicon entry.
type jaTerm struct {
	text  string
	score float64
}

var jaByFirst = func() map[rune][]jaTerm {
	m := map[rune][]jaTerm{}
	for _, lex := range []map[string]float64{jaLexicon, jaMore} {
		for text, score := range lex {
			r, _ := utf8.DecodeRuneInString(text)
			m[r] = append(m[r], jaTerm{text, score})
		}
	}
	for r := range m {
		sort.Slice(m[r], func(i, j int) bool { return len(m[r][i].text) > len(m[r][j].text) })
	}
	return m
}()

var (
	jaIntensifiers = map[string]float64{"とても": 1.5, "すごく": 1.5, "非常に": 1.6, "大変": 1.4, "本当に": 1.4,
		"かなり": 1.3, "めちゃくちゃ": 1.6, "もっと": 1.0, "全く": 1.3, "一番": 1.3, "超": 1.4}
	jaContrast = []string{"けど", "けれど", "しかし", "ただ、", "ですが", "だが", "が、", "ものの", "。でも", "でも、"}
	// jaWishes are the words that, after a condition (〜と, 〜ば, 〜たら), ask for something.
	jaWishes = []string{"嬉し", "うれし", "助か", "いい", "良", "よい", "ありがた"}
)

// japaneseScore scans for the longest lexicon term at each position and reads the kana that
// follow it as its conjugation: a negation there flips that term only, a double negation
// (〜なくはない) leaves it weak, and a term in a condition before a wish (速いと嬉しい) is a request,
// mildly negative. An intensifier just before strengthens a term; after a contrast
// (けど, が、, でも) a term weighs 1.5, before it 0.5.
// Wishes (the condition's wish, ほしい) are returned apart from the opinions. Constructions
// further than a term's conjugation turn it round (jaConstruction: 良いとは言えない, 落ちたことが
// ない, 解約する理由が見つからない, 不安が消えた), ストレスしかない is not a negation, 〜すぎる keeps the
// term's sign stronger, and praise after 前のほうが / 他社の方が is for the other product
// (jaPrefersOther). On testdata/ja_sentiment.tsv these took the rules from 0.714 to 0.963 (their
// misses were read to write them); on ja_sentiment_heldout.tsv, never read for it, from 0.592 to
// 0.850; on ja_sentiment_probe.tsv, written after them, 0.625 to 0.775.
func japaneseScore(text string) (opinion, wish float64) {
	contrastAt := -1
	for _, c := range jaContrast {
		if i := strings.Index(text, c); i >= 0 && (contrastAt < 0 || i < contrastAt) {
			contrastAt = i
		}
	}
	if strings.HasPrefix(text, "でも") {
		contrastAt = 0
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		t, ok := jaLongest(text[i:], r)
		if !ok {
			i += size
			continue
		}
		end := i + len(t.text)
		tail := jaTail(text[end:])
		v := t.score * jaNegation(tail, t.score)
		next := end // where the scan goes on
		if f, skip, ok := jaConstruction(text[end:], t.score); ok {
			v = t.score * f
			next = end + skip
		} else if t.score > 0 && jaPrefersOther(text[:i]) {
			v = -0.8 * t.score // 前のほうが使いやすかった: praise for what it replaced
		}
		if strings.HasPrefix(tail, "すぎ") {
			v *= 1.3 // 便利すぎる, 遅すぎる: the term's own sign, stronger
			next = max(next, end+len(tail))
		}
		isWish := strings.HasSuffix(t.text, "ほしい")
		switch {
		case t.score > 0 && jaIsWish(t.text) && jaConditional(text[:i]):
			v, isWish = -0.6, true
		case jaConditional(tail) && jaStartsWish(text[end+len(tail):]):
			v = 0 // only the condition of a wish: the wish itself is scored
		}
		for w, f := range jaIntensifiers {
			if start := max(0, i-len(w)-3); strings.Contains(text[start:i], w) {
				v *= f
				break
			}
		}
		if contrastAt >= 0 {
			if i < contrastAt {
				v *= 0.5
			} else {
				v *= 1.5
			}
		}
		if isWish {
			wish += v
		} else {
			opinion += v
		}
		i = next
	}
	return opinion, wish
}

// jaLongest is the longest lexicon term at the start of s, whose first rune is r.
func jaLongest(s string, r rune) (jaTerm, bool) {
	if r < 0x3000 { // no Japanese term starts with ASCII or Latin
		return jaTerm{}, false
	}
	for _, t := range jaByFirst[r] {
		if strings.HasPrefix(s, t.text) {
			return t, true
		}
	}
	return jaTerm{}, false
}

// jaTail is the run of hiragana (at most eight) right after a term: its conjugation and particles.
func jaTail(s string) string {
	n := 0
	for i, r := range s {
		if r < 'ぁ' || r > 'ゖ' || n == 8 {
			return s[:i]
		}
		n++
	}
	return s
}

// jaNegation is the factor a term's conjugation applies to it: 1 unless negated. A negated
// negative word is faint praise (悪くない), more so with は (悪くはない); a double negation
// (使えなくはない) keeps the sign, weakly.
func jaNegation(tail string, score float64) float64 {
	if strings.HasPrefix(tail, "しか") || strings.HasPrefix(tail, "でしか") || strings.HasPrefix(tail, "ばかり") {
		return 1.3 // ストレスしかない: nothing but, not a negation
	}
	for _, d := range []string{"なくはな", "なくもな", "ないことはな", "ないこともな"} {
		if strings.Contains(tail, d) {
			return 0.4
		}
	}
	mild := strings.Contains(tail, "くはな")
	negated := mild
	for _, n := range []string{"ない", "なかっ", "なく", "ません", "ず", "なし"} {
		if k := strings.Index(tail, n); k >= 0 && utf8.RuneCountInString(tail[:k]) <= 5 {
			negated = true
			break
		}
	}
	switch {
	case !negated:
		return 1
	case score < 0 && mild:
		return -0.35
	case score < 0:
		return -0.5
	}
	return -0.7
}

// jaConditional tells whether s ends in a condition: 〜と, 〜ば, 〜たら.
func jaConditional(s string) bool {
	return strings.HasSuffix(s, "と") || strings.HasSuffix(s, "ば") || strings.HasSuffix(s, "たら")
}

func jaIsWish(term string) bool {
	for _, w := range jaWishes {
		if strings.HasPrefix(term, w) {
			return true
		}
	}
	return false
}

func jaStartsWish(s string) bool {
	for _, w := range jaWishes {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// SentimentWith scores text like Sentiment, with what m learned from the customer's rated
// reviews. With no model, or one that has learned from fewer than ModelMinExamples reviews, it is
// Sentiment. Otherwise (neutralGate):
//   - a question or request (Request: "CSVで出力したい", "How do I reset my password?") is neutral
//     unless the rules find an opinion beside the wish of at least ±0.7 — the model never labels
//     one: learned from reviews with no neutral class, it reads polite Japanese endings
//     (〜ています, 〜ありますか) as praise with log odds up to 35;
//   - any other text gets the rules' score when they find an opinion, unless the model is sure
//     (log odds of at least ±8); then, and whenever the rules find none, the model answers with
//     tanh(log odds / 16), at least ±0.05 (modelScale); when neither the rules nor the model
//     knows a word, the English glosses are read as in Sentiment.
//
// Letting the rules speak first measured best of the ways tried: on the UCI sentences (one file
// learned, the other scored) 0.831 / 0.857, against 0.713 / 0.754 for the model alone and at best
// 0.802 / 0.833 for adding its weighted log odds to the rules' sum (model_eval_test.go).
func SentimentWith(m *Model, text string) (float64, string) {
	return neutralGate.sentiment(m, text)
}

// gate is how SentimentWith lets the model speak, and when it keeps a text neutral.
type gate struct {
	// band: the model answers only with a score (tanh(log odds / modelScale)) of at least band;
	// below it the text is neutral. At 0 the model's slightest lean is its answer, at least ±0.05.
	band float64
	// bandJa is band for Japanese texts (Language "ja"), whose n-grams make the model surer.
	bandJa float64
	// evidence: the model answers only for a text with at least this many clearly polar
	// features (seen in polarFeatureMin examples, polarFeatureRatio times likelier in one class).
	evidence int
	// requestSure: a question or request (Request) is neutral unless the model's log odds reach
	// it or the rules find an opinion beside the wish; 0 treats requests like any text.
	requestSure float64
	// requestOpinion: the rules' opinion beside a request's wish labels it only with a score of
	// at least this much ("How do I cancel?" is not a complaint).
	requestOpinion float64
	// density: the model answers only when its log odds over the square root of the text's
	// features it knows reach this: a lean made of many faint features (a long factual report)
	// is not an opinion.
	density float64
	// sureJa: the log odds from which the model's word is taken over the rules' opinion in a
	// Japanese text; 0 is modelSure, as for any text.
	sureJa float64
	// sureJaPer: in a Japanese text the model overrules the rules only with log odds of at least
	// this times the rules' sum, so a strong reading of a construction is not outvoted by n-grams.
	sureJaPer float64
}

// sure is the log odds from which the model overrules the rules' opinion sum on text.
func (g gate) sure(text string, sum float64) float64 {
	if (g.sureJa > 0 || g.sureJaPer > 0) && Language(text) == "ja" {
		return max(g.sureJa, modelSure, g.sureJaPer*math.Abs(sum))
	}
	return modelSure
}

// Clearly polar features, for gate.evidence.
const (
	polarFeatureMin   = 3
	polarFeatureRatio = 1.1 // natural log: three times likelier
)

// neutralGate is the gate SentimentWith uses. It was chosen by the smallest margin over the goals
// (Japanese set 10-fold ≥ 0.75, UCI ≥ 0.80 both ways, ≥ 0.70 of testdata/neutral.tsv and of
// BANKING77's test questions neutral), then the sum of the figures, among 279 gates
// (TestNeutralGateSweep prints them all; polar accuracy counts neutral as wrong; the
// neutral sets are scored by a model learned from the Japanese set and both UCI files):
//
//	gate                                      ja     a→y    y→a    neutral.tsv  banking77  worst
//	before (band 0, no request gate)          0.804  0.831  0.857  0.000        0.001      -0.700
//	band 0.05                                 0.783  0.796  0.828  0.200        0.120      -0.580
//	band 0.30                                 0.727  0.693  0.710  0.623        0.610      -0.107
//	evidence 2                                0.724  0.721  0.731  0.553        0.584      -0.147
//	evidence 3, band 0.10                     0.680  0.687  0.703  0.716        0.715      -0.113
//	requests: model at log odds 8             0.792  0.824  0.853  0.698        0.668      -0.032
//	requests: model at 8, band 0.05           0.770  0.789  0.824  0.749        0.708      -0.011
//	requests: model never, band 0.05          0.764  0.787  0.823  0.940        0.753      -0.013
//	requests: model never, bandJa 0.10        0.758  0.822  0.852  0.912        0.742      +0.008
//	requests: model never, rules ≥ 0.5        0.786  0.822  0.852  0.893        0.725      +0.022
//	requests: model never, rules ≥ 0.7 ←      0.786  0.822  0.852  0.898        0.742      +0.022
//	  … and density 0.1                       0.773  0.816  0.842  0.921        0.748      +0.016
//	  … and density 0.2                       0.761  0.803  0.832  0.930        0.760      +0.003
//	  … and density 0.3                       0.758  0.794  0.823  0.940        0.769      -0.006
//	  … and density 0.5                       0.749  0.767  0.804  0.953        0.791      -0.033
//
// sureJaPer 8 was added when the rules learned Japanese constructions (ja 0.714 → 0.963): the
// model, sure of n-grams it learned from 290 sentences, outvoted readings such as 解約する理由が
// 見つからない. Japanese set 10-fold combined, and held-out scored by a model learned from the whole
// set, by sureJaPer: 0 — 0.895 / 0.958; 4 — 0.910 / 0.950; 8 — 0.966 / 0.958; 12 — 0.975 / 0.950;
// never — 0.960 / 0.925. 8 is the largest that loses nothing on the held-out set.
//
// Any band costs UCI more than it gains (UCI sentences the rules miss need the model's lean). The
// neutral set's factual reports ("社内のプロキシ経由でアクセスしています") stay mostly labelled: 2 of 22
// neutral; density 0.2 makes it 9 of 22 and still meets every goal, with less margin (UCI 0.803)
// — the setting to take if reports matter more than the margin.
var neutralGate = gate{requestSure: math.Inf(1), requestOpinion: 0.7, sureJaPer: 8}

func (g gate) sentiment(m *Model, text string) (float64, string) {
	if m.Examples() < ModelMinExamples {
		return Sentiment(text)
	}
	folded := fold(text) // once, for the rules, the request test and the model
	opinion, wish := rulePartsFolded(folded)
	request := g.requestSure > 0 && requestFolded(folded)
	lo, polar, known := m.evidenceFolded(folded)
	if !request && opinion+wish == 0 && lo == 0 {
		return labelled(glossSum(folded)) // neither knows a word: the glosses may
	}
	if request {
		if math.Abs(lo) < g.requestSure {
			return g.requestRules(opinion) // the wish is the request, not a feeling
		}
	} else if sum := opinion + wish; sum != 0 && math.Abs(lo) < g.sure(text, sum) {
		return labelled(sum)
	}
	rules := func() (float64, string) { // the rules' word when the model abstains
		if request {
			return g.requestRules(opinion)
		}
		return labelled(opinion + wish)
	}
	if polar < g.evidence || g.density > 0 && known > 0 && math.Abs(lo)/math.Sqrt(float64(known)) < g.density {
		return rules()
	}
	score := math.Round(math.Tanh(lo/modelScale)*1000) / 1000
	band := g.band
	if Language(text) == "ja" {
		band = g.bandJa
	}
	if band == 0 && lo != 0 && math.Abs(score) < 0.05 { // a lean, however slight, is the model's answer
		score = math.Copysign(0.05, lo)
	}
	if math.Abs(score) < band {
		return rules()
	}
	return label(score)
}

var (
	// jaRequestMarks are the endings and phrases of Japanese questions, requests and wishes.
	jaRequestMarks = []string{"てほしい", "でほしい", "て欲しい", "ください", "下さい", "たいです", "たいと思", "たいのです",
		"たいのですが", "お願いします", "お願いでき", "お願いいたします", "いただけますか", "いただけませんか",
		"いただけると", "いただきたい", "頂けますか", "もらえますか", "もらえませんか", "もらえると", "ますか", "ですか",
		"でしょうか", "ませんか", "可能か", "と嬉し", "とうれし", "と助か", "とありがた", "といい", "と良い", "ば嬉し",
		"ば助か", "たら嬉し", "たら助か"}
	// jaNotWishes end in たい without asking for anything.
	jaNotWishes = []string{"ありがたい", "めでたい", "冷たい", "重たい", "野暮ったい", "煩わしい"}
	// enQuestionWords start a question when an auxiliary follows ("how do", "what is").
	enQuestionWords = map[string]bool{"how": true, "what": true, "where": true, "when": true, "which": true,
		"who": true, "why": true}
	// enAuxiliaries start a question or a request when a subject follows ("can I", "is there").
	enAuxiliaries = map[string]bool{"can": true, "could": true, "would": true, "will": true, "is": true,
		"are": true, "does": true, "do": true, "did": true, "may": true, "should": true, "shall": true}
	enSubjects = map[string]bool{"i": true, "we": true, "you": true, "it": true, "there": true, "the": true,
		"this": true, "that": true, "my": true, "our": true, "your": true, "a": true, "an": true, "they": true,
		"someone": true, "anyone": true}
	// enRequestPhrases are English phrases that ask for something.
	enRequestPhrases = []string{"i'd like", "i would like", "we'd like", "we would like", "would be nice",
		"would be great", "would be helpful", "it'd be", "we need", "i need", "is there a way", "is it possible",
		"let me know", "let us know", "i want to", "we want to", "how to", "how do", "how can"}
)

// Request tells whether text asks something — a question, a request, a wish — rather than
// judging: "CSVで出力したい", "How do I reset my password?", "Please add dark mode". A request holds
// no feeling by itself; SentimentWith keeps one neutral unless there is an opinion beside it.
func Request(text string) bool { return requestFolded(fold(text)) }

// requestFolded is Request of a text folded already.
func requestFolded(text string) bool {
	trimmed := strings.TrimRight(text, " \t\n。.!！")
	if strings.HasSuffix(trimmed, "?") || strings.HasSuffix(trimmed, "か") {
		return true
	}
	if strings.HasSuffix(trimmed, "たい") && !jaPraiseWish(text) {
		wish := true
		for _, w := range jaNotWishes {
			if strings.HasSuffix(trimmed, w) {
				wish = false
			}
		}
		if wish {
			return true
		}
	}
	if strings.HasSuffix(trimmed, "教えて") {
		return true // 使い方を教えて; 理由も教えてもらえなかった is a complaint
	}
	for _, m := range jaRequestMarks {
		if strings.Contains(text, m) && !(strings.HasPrefix(m, "たい") && jaPraiseWish(text)) {
			return true
		}
	}
	words := englishWords(text)
	if len(words) > 1 {
		first, second := words[0], words[1]
		switch {
		case first == "please" && !enNegators[second]:
			return true
		case enQuestionWords[first] && (enAuxiliaries[second] || second == "to"):
			return true
		case enAuxiliaries[first] && enSubjects[second]:
			return true
		}
	}
	for _, w := range words {
		if w == "please" {
			return true
		}
	}
	for _, p := range enRequestPhrases {
		if strings.Contains(text, p) {
			return true
		}
	}
	return false
}

// requestRules is the rules' word on a request: its opinion, when strong enough.
func (g gate) requestRules(opinion float64) (float64, string) {
	score, l := labelled(opinion)
	if math.Abs(score) < g.requestOpinion {
		return 0, Neutral
	}
	return score, l
}

// Japanese constructions that turn a term around from further than its own conjugation, each
// matched on what follows the term:
//   - a dismissal: 良いとは言えない, 快適とは程遠い, 直感的とは言いがたい — the praise is denied;
//   - a thing that never happened: 落ちたことがない, 使いにくいと感じたことは一度もない;
//   - a reason not found: 解約する理由が見つからない, 乗り換える理由が見当たらない;
//   - a sense not felt: メリットを感じられない, 効果は実感できなかった;
//   - a trouble that went away (a negative term only): 不安はすぐに消えた, 手間が減った, ミスがなくなった;
//   - a wish for what was missing (a positive term only): 丁寧に説明してほしかった.
var (
	jaDismissal     = regexp.MustCompile(`^[ぁ-ゖ]{0,4}(とは(到底|決して|とても|お世辞にも)?(言え|いえ|言い(がた|難|づら)|程遠|ほど遠|思えな|呼べな)|わけ(では|じゃ)(な|ありません))`)
	jaNeverHappened = regexp.MustCompile(`^[^。、!?！？]{0,12}?(こと)(は|が|も)(今まで|これまで|まだ|一度も|全く|まったく|ほとんど|特に)?(ない|なかっ|ありません|ございません|一度も(ない|ありません))`)
	jaNoReason      = regexp.MustCompile(`^[^。、!?！？]{0,8}?(理由|必要|要素|気配|様子|兆し|見込み)(が|は|も)(特に|全く|まったく|何も|一向に)?(見つから|見つかり|見当たら|見当たり|ない|ありません|思いつかな|思い浮かばな)`)
	jaNotFelt       = regexp.MustCompile(`^[はがをもの]?(あまり|全く|まったく|特に|一切|少しも|ほとんど|いまいち|イマイチ)?(感じ|実感|得られ|見られ|見え)[ぁ-ゖ]{0,5}(ない|なかっ|ません|ず)`)
	jaWishedFor     = regexp.MustCompile(`^[^。、!?！？]{0,10}?[てで](ほし|欲し)かった`)
	jaWentAway      = regexp.MustCompile(`^[ぁ-ゖ]{0,3}?(は|が|も)?(すぐに|すっかり|完全に|一気に|大幅に|かなり|ほぼ|ほとんど|全く|まったく|劇的に)?(消え|なくな|無くな|減っ|減り|減ら|激減|半減|解消|ゼロに)`)
)

// jaConstruction is the factor one of the constructions above applies to a term of score, and how
// many bytes of rest (what follows the term) it took up; ok is false when none is there.
func jaConstruction(rest string, score float64) (factor float64, skip int, ok bool) {
	// Every construction matches at the start of rest and within its first 27 characters: the
	// expressions read only the first 160 bytes of rest (40 characters at least), and each only
	// when a word it needs is there. An import runs this for every lexicon term of every voice.
	if len(rest) > jaConstructionWindow {
		cut := jaConstructionWindow
		for cut > 0 && !utf8.RuneStart(rest[cut]) {
			cut--
		}
		rest = rest[:cut]
	}
	turn := func(m []int) (float64, int, bool) { return -0.8, m[1], true } // either way round
	if containsAny(rest, "とは", "わけ") {
		if m := jaDismissal.FindStringIndex(rest); m != nil {
			if score < 0 {
				return -0.3, m[1], true // 悪いとは言えない: faint praise
			}
			return -0.8, m[1], true
		}
	}
	if strings.Contains(rest, "こと") {
		if m := jaNeverHappened.FindStringIndex(rest); m != nil {
			return turn(m)
		}
	}
	if containsAny(rest, "理由", "必要", "要素", "気配", "様子", "兆し", "見込み") {
		if m := jaNoReason.FindStringIndex(rest); m != nil {
			return turn(m)
		}
	}
	if containsAny(rest, "感じ", "実感", "得られ", "見られ", "見え") {
		if m := jaNotFelt.FindStringIndex(rest); m != nil {
			return -0.7, m[1], true
		}
	}
	if score > 0 && strings.Contains(rest, "かった") && jaWishedFor.MatchString(rest) {
		return -0.5, 0, true // 丁寧に説明してほしかった: what was wished for was missing
	}
	if score < 0 && containsAny(rest, "消え", "なくな", "無くな", "減", "解消", "ゼロに") {
		if m := jaWentAway.FindStringIndex(rest); m != nil {
			return -0.8, m[1], true
		}
	}
	return 0, 0, false
}

// jaConstructionWindow is how many bytes of what follows a term jaConstruction reads: 40
// characters of Japanese, more of anything else; the longest construction is 27 characters.
const jaConstructionWindow = 160

// containsAny tells whether s holds any of words.
func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// jaOthers name what a product is compared with: its past, or another one.
var jaOthers = []string{"前の", "以前", "昔", "旧", "他の", "他社", "別の", "ほかの", "元の", "前バージョン"}

// jaPrefersOther tells whether the sentence before a term prefers something else: 前のほうが, 他社の方が.
func jaPrefersOther(before string) bool {
	if k := strings.LastIndexAny(before, "。!?！？"); k >= 0 {
		before = before[k:]
	}
	h := strings.LastIndex(before, "ほうが")
	if h < 0 {
		h = strings.LastIndex(before, "方が")
	}
	if h < 0 {
		return false
	}
	for _, o := range jaOthers {
		if strings.Contains(before[:h], o) {
			return true
		}
	}
	return false
}

// jaPraiseWishes are the verbs whose wish (〜したい) is praise, not a request: to go on using,
// to recommend, to renew.
var jaPraiseWishes = []string{"おすすめし", "お勧めし", "オススメし", "勧めたい", "使い続け", "契約を更新し", "また契約し",
	"また利用し", "また使い", "リピートし", "紹介し"}

// jaPraiseWish tells whether text wishes one of jaPraiseWishes (使い続けたいと思います).
func jaPraiseWish(text string) bool {
	for _, w := range jaPraiseWishes {
		if k := strings.Index(text, w); k >= 0 && strings.Contains(text[k:], "たい") {
			return true
		}
	}
	return false
}
