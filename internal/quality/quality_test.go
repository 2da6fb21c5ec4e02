package quality

import (
	"os"
	"path/filepath"
	"testing"
)

// dataDir is the labelled data beside the checkout (../shared/data), when it is there.
func dataDir(tb testing.TB) string {
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(dir, "banking77_test.csv")); err != nil {
		tb.Skipf("%s not present", dir)
	}
	return dir
}

func TestFigures(t *testing.T) {
	dir := dataDir(t)
	for name, f := range map[string]func(string) (Match, error){"banking77": Banking77, "ja-voices": CrossJapanese, "ja-heldout": CrossJapaneseHeldOut, "en-voices": CrossEnglish} {
		m, err := f(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s top1 %.4f top3 %.4f (%d, %v)", name, m.Top1, m.Top3, m.Items, m.PerItem)
	}
	c, err := JSTS(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("jsts %.4f (%d, %v)", c.Spearman, c.Items, c.PerItem)
}
