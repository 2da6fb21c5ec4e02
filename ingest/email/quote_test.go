package email

import (
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name, in, words, inContext string
	}{
		{"gmail english",
			"Thanks, that works.\nCould you also add SSO?\n\nOn Mon, Oct 6, 2026 at 10:00 AM Koe Support <support@koe.example> wrote:\n> Hi Emma,\n> Export is live.\n",
			"Thanks, that works.\nCould you also add SSO?", "> Export is live."},
		{"gmail wrapped",
			"Yes please.\n\nOn Mon, Oct 6, 2026 at 10:00 AM Koe Support <\nsupport@koe.example> wrote:\n> old",
			"Yes please.", "> old"},
		{"outlook",
			"CSVの件、承知しました。\n\n-----Original Message-----\nFrom: Koe Support <support@koe.example>\nSent: Monday, October 6, 2026 10:00 AM\nSubject: RE: CSV\n\n以前の本文",
			"CSVの件、承知しました。", "以前の本文"},
		{"outlook japanese block",
			"ありがとうございます。\n\n________________________________\n差出人: Koe サポート <support@koe.example>\n送信日時: 2026年10月6日 10:00\n宛先: 山田 太郎\n件名: Re: CSV出力\n\n前のメール",
			"ありがとうございます。", "前のメール"},
		{"japanese のメッセージ",
			"追加で質問です。\n権限設定は部署単位でできますか？\n\n2026年10月6日(月) 10:00 Koe サポート <support@koe.example>:\n> お問い合わせありがとうございます。",
			"追加で質問です。\n権限設定は部署単位でできますか？", "> お問い合わせありがとうございます。"},
		{"thunderbird japanese",
			"了解しました。\n\nKoe サポート さんは書きました:\n> 以前の回答",
			"了解しました。", "> 以前の回答"},
		{"sig dashes",
			"Please add dark mode.\n\n-- \nEmma Wilson\nGlobex Inc.",
			"Please add dark mode.", "Emma Wilson"},
		{"japanese ruled signature",
			"いつもお世話になっております。\nCSVで出力できるようにしてほしいです。\n\n━━━━━━━━━━━━━━━━━━━━\n株式会社ＡＢＣ商事\n営業部 山田 太郎\nTEL: 03-1234-5678\n〒100-0001 東京都千代田区\n━━━━━━━━━━━━━━━━━━━━",
			"いつもお世話になっております。\nCSVで出力できるようにしてほしいです。", "TEL: 03-1234-5678"},
		{"dash rule signature",
			"よろしくお願いします。\n--------------------------------\n山田太郎 / taro@abc.co.jp\nhttps://abc.co.jp\n--------------------------------",
			"よろしくお願いします。", "https://abc.co.jp"},
		{"a rule that is not a signature",
			"手順:\n==========\n1. CSVを開く\n2. 取り込む",
			"手順:\n==========\n1. CSVを開く\n2. 取り込む", ""},
		{"inline quote kept apart",
			"> 現在はできません。\nそこを何とかお願いします。",
			"そこを何とかお願いします。", "> 現在はできません。"},
		{"a From: inside words is not a header",
			"From: the finance team, we need CSV.\nThanks",
			"From: the finance team, we need CSV.\nThanks", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			words, ctx := Split(tt.in)
			if words != tt.words {
				t.Errorf("words = %q, want %q", words, tt.words)
			}
			if !strings.Contains(ctx, tt.inContext) || (tt.inContext == "" && ctx != "") {
				t.Errorf("context = %q, want it to hold %q", ctx, tt.inContext)
			}
		})
	}
}
