package bilingual

import (
	"slices"
	"strings"
	"testing"
)

// found is each word Words finds in text, with its glosses.
func found(text string) map[string][]string {
	out := map[string][]string{}
	Default().Words(text, func(w string, _ int, gl []string) { out[w] = gl })
	return out
}

func hasGloss(glosses []string, want string) bool {
	return slices.ContainsFunc(glosses, func(g string) bool {
		gloss, _, _ := strings.Cut(g, "=")
		return gloss == want
	})
}

func TestWords(t *testing.T) {
	for _, c := range []struct {
		text, word, gloss string
	}{
		{"カードがまだ届いていません。", "カード", "card"},
		{"カードがまだ届いていません。", "届", "arrive"}, // a conjugated verb meets 届く through its stem
		{"カードを盗まれたようです。", "盗", "steal"},
		{"返金が口座に反映されていません。", "返金", "refund"},
		{"暗証番号のロックを解除したい", "暗証番号", "pin"},
		{"本人確認ができません", "本人確認", "identity verification"},
		{"両替に手数料はかかりますか？", "手数料", "fee"},
		{"振り込んだのに", "振り込", "transfer"},
		{"アプリが重いです", "アプリ", "app"},
	} {
		t.Run(c.text+"/"+c.word, func(t *testing.T) {
			got := found(c.text)
			if !hasGloss(got[c.word], c.gloss) {
				t.Errorf("%s: %s → %v, want a gloss %q (found %v)", c.text, c.word, got[c.word], c.gloss, got)
			}
		})
	}
}

func TestWordsLeavesGrammarAndOtherScripts(t *testing.T) {
	for _, text := range []string{"hello world", "ですか", "のです", "", "123"} {
		if got := found(text); len(got) != 0 {
			t.Errorf("%q: found %v, want nothing", text, got)
		}
	}
	// A noun before a particle stays a noun: 届 here is a notification, not 届く.
	if got := found("届を出しました")["届"]; hasGloss(got, "arrive") {
		t.Errorf("届を: %v, want the noun's glosses", got)
	}
}

func TestSupplementComesFirst(t *testing.T) {
	if got := found("送金が保留中です"); !hasGloss(got["送金"][:1], "transfer") || !hasGloss(got["保留"][:1], "pending") {
		t.Errorf("got %v, want transfer and pending first", got)
	}
}

func BenchmarkWords(b *testing.B) {
	text := "何日も前にお店に返金を頼んだのに、口座に入っていません。"
	lex := Default()
	b.ReportAllocs()
	for b.Loop() {
		lex.Words(text, func(string, int, []string) {})
	}
}

// BenchmarkLoad is what the first Japanese text of a process pays, once.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(lexiconZst); err != nil {
			b.Fatal(err)
		}
	}
}

// Loanwords the dictionary lacks are read back into English from the glosses' own words; words
// it has, and compounds of its words, keep the dictionary's reading.
func TestLoanwords(t *testing.T) {
	for _, c := range []struct{ text, word, gloss string }{
		{"トランザクションが失敗しました", "トランザクション", "transaction"},
		{"ノーティフィケーションが来ない", "ノーティフィケーション", "notification"},
		{"パーミッションを変更したい", "パーミッション", "permission"},
		{"データのマイグレーション", "マイグレーション", "migration"},
		{"アナリティクスが見られない", "アナリティクス", "analytics"},
		{"バリデーションエラー", "バリデーション", "validation"},
		{"アメリカから送金", "アメリカ", "america"},
		{"モーターボート", "ボート", "boat"}, // motor boat, not motivator
		{"カードが届かない", "カード", "card"},
	} {
		got := found(c.text)
		if !hasGloss(got[c.word], c.gloss) {
			t.Errorf("%s: %s → %v, want %q (found %v)", c.text, c.word, got[c.word], c.gloss, got)
		}
	}
	// A loanword is not read amid runes no word covers: メックス in アメックス is not mercosur.
	for w := range found("アメックス") {
		if strings.Contains(w, "メックス") {
			t.Errorf("アメックス: found %s", w)
		}
	}
}

func TestSounds(t *testing.T) {
	for _, c := range []struct{ en, ja string }{
		{"transaction", "トランザクション"}, {"dashboard", "ダッシュボード"}, {"permission", "パーミッション"},
		{"contactless", "コンタクトレス"}, {"debit", "デビット"}, {"page", "ページ"}, {"chat", "チャット"},
	} {
		ja, _ := kanaSounds(c.ja)
		if consonants(englishSounds(c.en)) != consonants(ja) {
			t.Errorf("%s %q, %s %q: consonants differ", c.en, englishSounds(c.en), c.ja, ja)
		}
	}
}

// BenchmarkLoanwords is what indexing the glosses' words adds to the first load.
func BenchmarkLoanwords(b *testing.B) {
	lex, err := parse(lexiconZst)
	if err != nil {
		b.Fatal(err)
	}
	n := len(lex.glosses)
	b.ReportAllocs()
	for b.Loop() {
		lex.glosses, lex.loanSpelt = lex.glosses[:n], nil
		lex.buildLoanwords()
	}
}

func BenchmarkWordsKatakana(b *testing.B) {
	text := "ダッシュボードのノーティフィケーションが来ず、トランザクションも見られません。"
	lex := Default()
	b.ReportAllocs()
	for b.Loop() {
		lex.Words(text, func(string, int, []string) {})
	}
}
