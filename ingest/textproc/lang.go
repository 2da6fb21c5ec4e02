package textproc

import (
	"strings"
	"unicode"
)

// Languages Language returns.
const (
	LangJapanese = "ja"
	LangEnglish  = "en"
	LangOther    = "other"
	LangUnknown  = "und"
)

// Languages are every code Language returns, for the pages that name them in words.
var Languages = []string{LangJapanese, LangEnglish, LangOther, LangUnknown}

var englishStopwords = map[string]bool{
	"the": true, "and": true, "to": true, "is": true, "it": true, "we": true, "you": true, "i": true,
	"for": true, "of": true, "a": true, "in": true, "this": true, "that": true, "with": true, "be": true,
	"are": true, "was": true, "not": true, "but": true, "have": true, "my": true, "our": true, "on": true,
	"can": true, "would": true, "please": true, "there": true, "so": true, "do": true, "at": true, "an": true,
}

// Language tells Japanese from English from anything else. Japanese text often carries English
// words and product names (「CSVでexportできない」); any kana with a fair share of Japanese script
// makes it Japanese. Latin text is English when English function words are in it.
func Language(s string) string {
	var kana, han, latin, otherLetters int
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Hiragana, unicode.Katakana) || r == 'ー':
			kana++
		case unicode.Is(unicode.Han, r):
			han++
		case r < 0x250 && unicode.IsLetter(r), r >= 0xFF21 && r <= 0xFF5A: // Latin, full-width Latin
			latin++
		case unicode.IsLetter(r):
			otherLetters++
		}
	}
	letters := kana + han + latin + otherLetters
	if letters == 0 {
		return LangUnknown
	}
	jp := kana + han
	if kana > 0 && float64(jp)/float64(letters) >= 0.15 {
		return LangJapanese
	}
	if latin*10 >= letters*6 {
		words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
		stop := 0
		for _, w := range words {
			if englishStopwords[w] {
				stop++
			}
		}
		if stop > 0 && stop*12 >= len(words) || len(words) <= 3 && asciiOnly(s) {
			return LangEnglish
		}
	}
	return LangOther // Chinese, a bare name, anything else
}

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
