package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvalSkipsWhatIsAbsent: with no labelled data, eval says so and still exits 0.
func TestEvalSkipsWhatIsAbsent(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := koe(t, nil, "eval", "--data", filepath.Join(dir, "none"), "--ja-sentiment", filepath.Join(dir, "ja.tsv"))
	if code != 0 {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"no labelled data at " + filepath.Join(dir, "none"), "Sentiment of Japanese reviews: skipped"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestEvalFigures runs every figure on a small data folder laid out like ../shared/data.
func TestEvalFigures(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("banking77_train.csv", "text,category\n"+
		"Where is my card?,card_arrival\nMy card has not arrived yet,card_arrival\n"+
		"I want a refund,request_refund\nHow do I get my money back?,request_refund\n")
	write("banking77_test.csv", "text,category\nWhen will my card arrive?,card_arrival\nCan I get a refund please,request_refund\n")
	write("jsts_valid.jsonl", `{"sentence1":"犬が走っている。","sentence2":"犬が走る。","label":4.5}`+"\n"+
		`{"sentence1":"猫が寝ている。","sentence2":"電車が駅に着いた。","label":0.2}`+"\n"+
		`{"sentence1":"男性が料理をしている。","sentence2":"男の人が料理している。","label":4.8}`+"\n")
	write("uci_amazon_cells_labelled.txt", "Great phone, I love it.\t1\nTerrible battery, it broke.\t0\n")
	write("uci_yelp_labelled.txt", "The food was wonderful.\t1\nThe service was awful.\t0\n")
	write("ja.tsv", "とても良かったです。\t1\n最悪でした。\t0\n")
	write("ja_heldout.tsv", "快適とは程遠い。\t0\n一度も落ちたことがない。\t1\n")
	out, errOut, code := koe(t, nil, "eval", "--data", dir, "--ja-sentiment", filepath.Join(dir, "ja.tsv"),
		"--ja-heldout", filepath.Join(dir, "ja_heldout.tsv"))
	if code != 0 {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		"English voices → English requests (BANKING77): top-1 1.0000, top-3 1.0000 over 2 voices",
		"Japanese voices → English requests (hand-translated BANKING77 sample): top-1 ",
		"Japanese voices → English requests (held-out sample, not tuned on): top-1 ",
		"Japanese voices → English requests (second held-out sample, 154 voices, not tuned on): top-1 ",
		"English voices → Japanese requests (hand-translated titles and examples): top-1 ",
		"Japanese similarity (JSTS valid): Spearman ",
		"Sentiment of English reviews (UCI, Amazon): accuracy 1.0000 over 2 sentences",
		"Sentiment of English reviews (UCI, Yelp): accuracy ",
		"Sentiment of Japanese reviews: accuracy ",
		"Sentiment of English reviews (UCI, Yelp), rules + model learned from Amazon: accuracy ",
		"Sentiment of English reviews (UCI, Amazon), rules + model learned from Yelp: accuracy ",
		"Sentiment of Japanese reviews (held-out set, not tuned on): accuracy 1.0000 over 2 sentences",
		"Sentiment of Japanese reviews, rules + model learned from the other nine tenths (10-fold): accuracy 1.0000 over 2 sentences",
		"Sentiment of Japanese reviews (held-out set), rules + model learned from the whole tuned set: accuracy ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, " a voice") != 5 || !strings.Contains(out, " a pair") {
		t.Errorf("a figure lacks its time per item:\n%s", out)
	}
}
