// Package accounts brings account data into Koe (CSV, kintone, Stripe) and matches each voice to
// the account that said it.
package accounts

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// jaLegalForms are Japanese legal-entity forms, written as they are after NFKC (㈱ becomes (株)).
var jaLegalForms = []string{
	"特定非営利活動法人", "一般社団法人", "一般財団法人", "公益社団法人", "公益財団法人", "社会福祉法人",
	"株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "医療法人", "学校法人", "npo法人",
	"(株)", "(有)", "(同)", "(資)", "(名)", "(医)", "(学)", "(福)", "(一社)", "(一財)", "(特非)",
}

// enLegalForms are legal-form words dropped when they stand as their own word.
var enLegalForms = map[string]bool{
	"inc": true, "incorporated": true, "co": true, "ltd": true, "limited": true, "llc": true,
	"llp": true, "lp": true, "corp": true, "corporation": true, "company": true, "gmbh": true,
	"kk": true, "plc": true, "ag": true, "sa": true, "pte": true, "bv": true, "nv": true, "oy": true,
	"ab": true, "srl": true, "sarl": true, "pty": true,
}

// NameKey normalises a company name so that spellings of one company meet: Unicode NFKC (which
// also folds full and half width), case folded, legal forms removed (株式会社, (株), ㈱, Inc.,
// Co., Ltd., LLC, GmbH …), punctuation, symbols and spaces removed. "株式会社ＡＢＣ商事" and
// "ABC商事（株）" both give "abc商事". A name that is nothing but a legal form keeps its letters.
func NameKey(name string) string {
	s := strings.ToLower(norm.NFKC.String(name))
	stripped := s
	for _, form := range jaLegalForms {
		stripped = strings.ReplaceAll(stripped, form, " ")
	}
	words := strings.FieldsFunc(stripped, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	kept := words[:0:0]
	for i, w := range words {
		// "co" of "Co., Ltd." is a legal form, but only trailing words are: "Co-op Foods" keeps it.
		if enLegalForms[w] && i > 0 && allLegal(words[i:]) {
			continue
		}
		kept = append(kept, w)
	}
	// Joining may put a combining mark next to a letter again: compose once more.
	key := norm.NFKC.String(strings.Join(kept, ""))
	if key == "" {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsNumber(r) {
				return r
			}
			return -1
		}, s)
	}
	return key
}

func allLegal(words []string) bool {
	for _, w := range words {
		if !enLegalForms[w] {
			return false
		}
	}
	return true
}
