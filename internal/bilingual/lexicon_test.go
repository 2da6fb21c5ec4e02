package bilingual

import (
	"strings"
	"testing"
)

func segments(text string) string {
	var out []string
	Default().Words(text, func(w string, _ int, gl []string) { out = append(out, w+"="+gl[0]) })
	return strings.Join(out, " ")
}

func TestWords(t *testing.T) {
	for _, text := range []string{
		"カードがまだ届いていません。紛失したのでしょうか？",
		"暗証番号のロックを解除するにはどうすればいいですか？",
		"返金が口座に反映されていません。",
		"送金が拒否されたのでできませんでした",
		"両替に手数料はかかりますか？",
		"アプリにカードが表示されないのはなぜですか？",
		"カードを盗まれたようです。",
	} {
		t.Log(text, "→", segments(text))
	}
}

func BenchmarkWords(b *testing.B) {
	text := "何日も前にお店に返金を頼んだのに、口座に入っていません。"
	lex := Default()
	for b.Loop() {
		lex.Words(text, func(string, int, []string) {})
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := parse(lexiconZst); err != nil {
			b.Fatal(err)
		}
	}
}
