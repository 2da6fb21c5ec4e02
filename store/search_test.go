package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

func TestSearchKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ＣＳＶ", "csv"},
		{"CSV Export", "csv export"},
		{"バックアップ", "ばっくあっぷ"},
		{"ﾊﾞｯｸｱｯﾌﾟ", "ばっくあっぷ"},
		{"請求書ＰＤＦ", "請求書pdf"},
		{"Éclair", "Éclair"}, // as lower() under "C" leaves it
	} {
		if got := store.SearchKey(c.in); got != c.want {
			t.Errorf("SearchKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestSheetSearchFolds: the sheet finds a voice whatever width, kana or case the words were
// written or searched in, and the database folds exactly as SearchKey does.
func TestSheetSearchFolds(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	now := time.Now()
	bodies := []string{"CSVで出力したい", "バックアップを毎日取りたい", "ﾛｸﾞｲﾝが遅い", "Export to Ｅｘｃｅｌ please", "請求書"}
	var items []feedback.Item
	for i, b := range bodies {
		items = append(items, feedback.Item{ID: int64(i + 1), SourceKind: feedback.SourceChat, SourceName: "w", SourceID: b, ReceivedAt: now, Body: b, Status: feedback.StatusNew})
	}
	if err := db.ImportDataset(ctx, feedback.Dataset{Items: items}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    string
		want []int64
	}{
		{"ＣＳＶ", []int64{1}}, {"csv", []int64{1}}, {"ばっくあっぷ", []int64{2}}, {"バックアップ", []int64{2}},
		{"ログイン", []int64{3}}, {"EXCEL", []int64{4}}, {"請", []int64{5}}, {"存在しない言葉", nil}, {"100%", nil},
	} {
		rows, _, err := db.FeedbackSheet(ctx, store.SheetFilter{Q: c.q})
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		var got []int64
		for _, r := range rows {
			got = append(got, r.Item.ID)
		}
		if len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) {
			t.Errorf("search %q found %v, want %v", c.q, got, c.want)
		}
	}
}
