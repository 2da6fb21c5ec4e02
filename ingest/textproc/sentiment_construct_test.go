package textproc

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// constructionCases are the Japanese constructions and words the rules read, by kind, in
// sentences written for this test and found in neither ja_sentiment.tsv nor
// ja_sentiment_heldout.tsv nor ja_sentiment_probe.tsv (TestConstructionCasesAreNotFromTheSets).
var constructionCases = []struct {
	kind, text, label string
}{
	{"dismissal", "サポートが親切とは言えない。", Negative},
	{"dismissal", "この画面は見やすいとは言いがたい。", Negative},
	{"dismissal", "安定しているとはお世辞にも言えません。", Negative},
	{"dismissal", "満足とはほど遠い仕上がりだった。", Negative},
	{"dismissal", "悪いとは言えないが、決め手もない。", Positive},
	{"nothing but", "バグしかない。", Negative},
	{"nothing but", "この新機能は不満でしかない。", Negative},
	{"nothing but", "良いところばかりです。", Positive},
	{"no reason", "他社に乗り換える理由が見当たりません。", Positive},
	{"no reason", "不満に思う理由は特にない。", Positive},
	{"no reason", "改善される兆しがない。", Negative},
	{"never happened", "導入以来、データが消えたことは一度もない。", Positive},
	{"never happened", "サーバーが落ちたことがありません。", Positive},
	{"never happened", "分かりにくいと思ったことはない。", Positive},
	{"not felt", "導入の効果を実感できなかった。", Negative},
	{"not felt", "メリットはあまり感じません。", Negative},
	{"went away", "請求ミスがほとんどなくなった。", Positive},
	{"went away", "月末の手間が大幅に減りました。", Positive},
	{"went away", "アップデートで不具合が解消された。", Positive},
	{"too much", "設定項目が多すぎる。", Negative},
	{"too much", "無料期間が短すぎます。", Negative},
	{"too much", "このアプリ便利すぎる。", Positive},
	{"hard/easy to", "この帳票は印刷しにくい。", Negative},
	{"hard/easy to", "ボタンが押しづらかった。", Negative},
	{"hard/easy to", "マニュアルが読みやすくて助かる。", Positive},
	{"against one's will", "操作を間違えて全部消してしまった。", Negative},
	{"became able", "スマホから承認できるようになった。", Positive},
	{"stopped working", "昨日から通知が来なくなりました。", Negative},
	{"stopped working", "このボタンを押すと保存できなくなった。", Negative},
	{"prefers another", "旧バージョンのほうが見やすかった。", Negative},
	{"prefers another", "他社のサービスの方が便利です。", Negative},
	{"below expectation", "思っていたほど便利ではない。", Negative},
	{"below expectation", "月額を払うほどではないと思う。", Negative},
	{"katakana", "動きがサクサクで気持ちいい。", Positive},
	{"katakana", "画面がモッサリしている。", Negative},
	{"katakana", "今回の更新は神アップデートです。", Positive},
	{"katakana", "エラーだらけで使い物にならない。", Negative},
	{"katakana", "この機能はコスパ最強。", Positive},
	{"katakana", "大きなトラブルもなく運用できている。", Positive},
	{"b2b", "もうこのツールなしでは業務が回らない。", Positive},
	{"b2b", "うちの会社には欠かせないシステムです。", Positive},
	{"b2b", "操作性は申し分ありません。", Positive},
	{"b2b", "メールの通知が届かないことが多い。", Negative},
	{"b2b", "CSVを書き出すと文字化けします。", Negative},
	{"b2b", "入力した値が反映されないことがある。", Negative},
	{"b2b", "サポートに問い合わせても返信がない。", Negative},
	{"b2b", "年間契約を更新したいと思っています。", Positive},
	{"b2b", "勝手に設定が書き換わる。", Negative},
	{"b2b", "問い合わせたらたらい回しにされた。", Negative},
	{"b2b", "一日に何度も強制終了する。", Negative},
	{"b2b", "手軽に始められるのが良い。", Positive},
	{"b2b", "資料づくりが時短できた。", Positive},
	{"b2b", "初めてでも迷わず設定できた。", Positive},
	{"b2b", "問い合わせたきり音沙汰なし。", Negative},
	{"negation", "今のところ不満なし。", Positive},
	{"not that", "便利なわけではない。", Negative},
	{"not that", "悪いわけではない。", Positive},
	{"b2b", "安定性に欠ける。", Negative},
	{"b2b", "今回のアップデートは完全に改悪。", Negative},
	{"b2b", "営業担当のおかげでスムーズに移行できた。", Positive},
	{"b2b", "このツールのせいで作業が倍になった。", Negative},
	{"b2b", "月額でこの品質はありえない。", Negative},
	{"b2b", "動作の重さが気になる。", Negative},
	{"b2b", "処理速度が大きく向上した。", Positive},
	{"regret", "こんなことなら契約しなければよかった。", Negative},
	{"regret", "もっと丁寧に説明してほしかった。", Negative},
	{"won't do for me", "何度頼んでも直してくれない。", Negative},
	{"won't do for me", "理由を説明してもらえませんでした。", Negative},
	{"contrast", "見た目は素晴らしいものの、肝心の検索が遅い。", Negative},
}

func TestSentimentConstructions(t *testing.T) {
	for _, c := range constructionCases {
		score, label := Sentiment(c.text)
		if label != c.label {
			t.Errorf("%s: Sentiment(%q) = %.3f %s, want %s", c.kind, c.text, score, label, c.label)
		}
	}
}

// TestConstructionCasesAreNotFromTheSets keeps the construction cases apart from the sets the
// rules are measured on, so the cases show what the rules read rather than what a set holds.
func TestConstructionCasesAreNotFromTheSets(t *testing.T) {
	seen := map[string]string{}
	for _, name := range []string{"ja_sentiment.tsv", "ja_sentiment_heldout.tsv", "ja_sentiment_probe.tsv"} {
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			text, _, _ := strings.Cut(sc.Text(), "\t")
			seen[text] = name
		}
		f.Close()
	}
	for _, c := range constructionCases {
		if name, ok := seen[c.text]; ok {
			t.Errorf("%q is in %s", c.text, name)
		}
	}
}

// TestSentimentJapaneseHeldOut holds the rules' accuracy on the held-out Japanese set, written
// before the constructions were added and never tuned on: 0.592 before, 0.850 after.
func TestSentimentJapaneseHeldOut(t *testing.T) {
	set := readLabelled(t, filepath.Join("testdata", "ja_sentiment_heldout.tsv"))
	if got, want := len(set), 120; got != want {
		t.Fatalf("%d sentences, want %d", got, want)
	}
	pos := 0
	for _, e := range set {
		if e.positive {
			pos++
		}
	}
	if pos*2 != len(set) {
		t.Errorf("%d positive of %d: the set should be balanced", pos, len(set))
	}
	acc := accuracy(nil, set, rulesOnly)
	t.Logf("rules on the held-out set: %.3f", acc)
	if acc < 0.80 {
		t.Errorf("rules accuracy %.3f on the held-out set fell below 0.80", acc)
	}
}

// TestSentimentJapaneseProbe logs the rules' accuracy on the probe set, written after the
// constructions and never tuned on (0.625 at the bridge merge, 0.725 with the constructions, 0.775 with the words and
// constructions added after it was written, from a list made before it),
// and holds it from falling below where it was first measured.
func TestSentimentJapaneseProbe(t *testing.T) {
	set := readLabelled(t, filepath.Join("testdata", "ja_sentiment_probe.tsv"))
	acc := accuracy(nil, set, rulesOnly)
	t.Logf("rules on the probe set: %.3f (%d sentences)", acc, len(set))
	if acc < 0.72 {
		t.Errorf("rules accuracy %.3f on the probe set fell below 0.72", acc)
	}
}

// jaConstruction reads only a window after a term, and a construction's expression only when a
// word it needs is in the window: on every position of every Japanese test sentence (and the
// sentences run together, so that what follows a term is long), the answer is the one the
// expressions give on the whole rest of the text.
func TestJaConstructionWindowChangesNothing(t *testing.T) {
	var texts []string
	for _, f := range []string{"ja_sentiment.tsv", "ja_sentiment_heldout.tsv", "ja_sentiment_probe.tsv"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, fold(string(b)))
	}
	whole := func(rest string, score float64) (float64, int, bool) {
		for _, c := range []struct {
			re     *regexp.Regexp
			factor float64
		}{{jaDismissal, -0.8}, {jaNeverHappened, -0.8}, {jaNoReason, -0.8}, {jaNotFelt, -0.7}} {
			if m := c.re.FindStringIndex(rest); m != nil {
				if c.re == jaDismissal && score < 0 {
					return -0.3, m[1], true
				}
				return c.factor, m[1], true
			}
		}
		if score > 0 && jaWishedFor.MatchString(rest) {
			return -0.5, 0, true
		}
		if m := jaWentAway.FindStringIndex(rest); score < 0 && m != nil {
			return -0.8, m[1], true
		}
		return 0, 0, false
	}
	found := 0
	for _, text := range texts {
		for i := range text {
			if !utf8.RuneStart(text[i]) {
				continue
			}
			for _, score := range []float64{1, -1} {
				f, skip, ok := jaConstruction(text[i:], score)
				wf, wskip, wok := whole(text[i:], score)
				if f != wf || skip != wskip || ok != wok {
					t.Fatalf("at %q: %v %d %v, the whole rest gives %v %d %v", text[i:min(len(text), i+60)], f, skip, ok, wf, wskip, wok)
				}
				if ok {
					found++
				}
			}
		}
	}
	if found < 50 {
		t.Fatalf("only %d constructions found: the test reads too little", found)
	}
}
