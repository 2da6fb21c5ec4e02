package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/pgtest"
)

func openInternal(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), pgtest.URL(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func voice(id, body string) feedback.Item {
	return feedback.Item{SourceKind: feedback.SourceChat, SourceName: "stage", SourceID: id, Body: body,
		ReceivedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Language: "ja"}
}

func backlogChanges(t *testing.T, db *DB) int64 {
	t.Helper()
	var n int64
	if err := db.db.Get(&n, `SELECT sum(n) FROM backlog_changes`); err != nil {
		t.Fatal(err)
	}
	return n
}

// A batch mixing voices stored already (same words), edited ones and new ones counts each
// rightly and returns only the new ones; a batch of nothing but duplicates writes no voice, does
// not mark the backlog changed, and still saves its cursor.
func TestSaveFeedbackSkipsUnchangedDuplicates(t *testing.T) {
	ctx := context.Background()
	db := openInternal(t)
	c, added, err := db.SaveFeedback(ctx, FeedbackBatch{Items: []feedback.Item{voice("a", "CSVで出力したい"), voice("b", "SSO please"), voice("c", "ダークモード")}})
	if err != nil || c.New != 3 || len(added) != 3 || added[0].ID == 0 {
		t.Fatalf("first batch: %+v %v %v", c, added, err)
	}
	aID := added[0].ID
	rated := voice("c", "ダークモード")
	five := 5.0
	rated.Rating = &five // a new star rating is an edit
	c, added, err = db.SaveFeedback(ctx, FeedbackBatch{Items: []feedback.Item{voice("a", "CSVで出力したい"), voice("b", "SSO please, soon"), voice("d", "new one"), rated}})
	if err != nil || c.New != 1 || c.Updated != 2 || c.Duplicate != 1 {
		t.Fatalf("mixed batch: %+v %v", c, err)
	}
	if len(added) != 1 || added[0].SourceID != "d" || added[0].ID == 0 || added[0].ID == aID {
		t.Fatalf("mixed batch added %+v", added)
	}
	var body string
	if err := db.db.Get(&body, `SELECT body FROM feedback WHERE source_id = 'b'`); err != nil || body != "SSO please, soon" {
		t.Fatalf("b = %q %v", body, err)
	}
	before := backlogChanges(t, db)
	cur := &SourceCursor{Kind: "jsonl", Name: "stage", Cursor: "after-d"}
	c, added, err = db.SaveFeedback(ctx, FeedbackBatch{Items: []feedback.Item{voice("a", "CSVで出力したい"), voice("d", "new one")}, Cursor: cur})
	if err != nil || c.Duplicate != 2 || c.New+c.Updated != 0 || len(added) != 0 {
		t.Fatalf("duplicate batch: %+v %v %v", c, added, err)
	}
	if got, err := db.Cursor(ctx, "stage"); err != nil || got != "after-d" {
		t.Fatalf("cursor = %q %v", got, err)
	}
	if after := backlogChanges(t, db); after != before {
		t.Errorf("a batch of duplicates marked the backlog changed (%d → %d)", before, after)
	}
	var n int
	if err := db.db.Get(&n, `SELECT count(*) FROM feedback`); err != nil || n != 4 {
		t.Fatalf("%d voices stored, want 4 (%v)", n, err)
	}
}

// A conversation whose messages are all stored is a duplicate; one with a new message adds it.
func TestSaveFeedbackThreadsSkipKnownMessages(t *testing.T) {
	ctx := context.Background()
	db := openInternal(t)
	mail := func(ids ...string) feedback.Item {
		it := voice("t1", "first")
		var msgs []map[string]string
		for _, id := range ids {
			msgs = append(msgs, map[string]string{"id": id, "words": "words of " + id})
		}
		it.Raw, _ = json.Marshal(map[string]any{"message_ids": ids, "messages": msgs})
		return it
	}
	save := func(it feedback.Item) IngestCounts {
		c, _, err := db.SaveFeedback(ctx, FeedbackBatch{Items: []feedback.Item{it}, Threads: true})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := save(mail("m1")); c.New != 1 {
		t.Fatalf("first = %+v", c)
	}
	if c := save(mail("m1")); c.Duplicate != 1 {
		t.Fatalf("again = %+v", c)
	}
	if c := save(mail("m2")); c.Updated != 1 {
		t.Fatalf("next message = %+v", c)
	}
	var body string
	if err := db.db.Get(&body, `SELECT body FROM feedback WHERE source_id = 't1'`); err != nil || body != "first\n\nwords of m2" {
		t.Fatalf("body = %q %v", body, err)
	}
}

// koe_bigrams (migration 00080) cuts the same pieces as the subquery it replaced, and
// koe_search_key (00081) folds exactly as the translate it replaced, so the stored search text
// and the index built before stay right.
func TestSearchFunctionsMatchTheirFirstForm(t *testing.T) {
	db := openInternal(t)
	texts := []string{"", "a", "ab", "aa", "abc", "ＣＳＶで出力", "ｶﾀｶﾅ", "カタカナとひらがなヴヵヶ", "Hello\nWorld\r\n!",
		"😀👍🏽 emoji", "a\uffffb", "a,b{c}\"d\"", "が\u3099か", "English only, no kana", "ー・〜", "\t \t"}
	for _, s := range texts {
		var got, want pq.StringArray
		if err := db.db.QueryRow(`SELECT koe_bigrams(koe_search_key('', $1)), koe_bigrams_each(koe_search_key('', $1))`, s).Scan(
			&got, &want); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		got = slices.Compact(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("koe_bigrams(%q) = %q, want %q", s, got, want)
		}
		var key, first string
		if err := db.db.QueryRow(`SELECT koe_search_key('T', $1), translate(lower(normalize(coalesce('T', '') || ' ' || coalesce($1, ''), NFKC) COLLATE "C"),
        'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶ',
        'ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖ')`, s).Scan(&key, &first); err != nil {
			t.Fatal(err)
		}
		if key != first {
			t.Errorf("koe_search_key(%q) = %q, want %q", s, key, first)
		}
	}
}

// searchGrams cuts a text into the numbers koe_search_grams (migration 00092) gives, for
// Japanese, Latin, emoji (past 16 bits: the numbers wrap alike) and the empty text.
func TestSearchGramsAsTheDatabaseCutsThem(t *testing.T) {
	db := openInternal(t)
	texts := []string{"", "a", "ab", "aa", "abab", "ＣＳＶで出力", "ばっくあっぷ", "Hello\nWorld\r\n!", "😀👍🏽 emoji",
		"a\uffffb", "\U0010FFFF\U0010FFFE", "ﾃｽﾄ", "请求书 한국어", "\u00a0\u3000", "ー・〜"}
	for _, s := range texts {
		var want pq.Int32Array
		if err := db.db.QueryRow(`SELECT koe_search_grams($1)`, s).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := searchGrams(s); !slices.Equal(got, []int32(want)) || got == nil {
			t.Errorf("searchGrams(%q) = %v, want %v", s, got, want)
		}
	}
}

// The ingest folds a voice's search text in Go (migration 00090); every way a voice's words get
// stored — a new voice, an edit, a later message of a thread, the dataset loader, an UPDATE by
// hand — leaves the text the database's fold gives, so the sheet's search finds the same voices.
func TestSearchTextFoldedInGoAsTheDatabaseFolds(t *testing.T) {
	ctx := context.Background()
	db := openInternal(t)
	texts := []string{"a", "ab", "ＣＳＶで出力したい", "ｶﾀｶﾅ ﾊﾞｯｸｱｯﾌﾟ", "カタカナとひらがなヴヵヶ", "Hello\nWorld\r\n!", "😀👍🏽 emoji",
		"a\uffffb", "が\u3099か", "English Only, NO kana", "ー・〜", "\t \t", "Éclair ÀÉÎ ß ﬁ ① ㍻ ㌔", "Ⅻ ½ ™ ｡｢｣",
		"請求書ＰＤＦ", "ﾛｸﾞｲﾝが遅い", "Ａｂｃ１２３", "한국어 텍스트", "\u00a0nbsp\u3000ideographic"}
	var items []feedback.Item
	for i, s := range texts {
		it := voice(fmt.Sprint("k", i), s)
		it.Title = texts[len(texts)-1-i]
		items = append(items, it)
	}
	if _, _, err := db.SaveFeedback(ctx, FeedbackBatch{Items: items}); err != nil {
		t.Fatal(err)
	}
	mismatches := func(when string) {
		t.Helper()
		var bad []string
		if err := db.db.Select(&bad, `SELECT source_id || ': ' || coalesce(search_text, 'NULL') || ' ≠ ' || koe_search_key(title, body)
			FROM feedback WHERE search_text IS DISTINCT FROM koe_search_key(title, body) ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if len(bad) > 0 {
			t.Errorf("%s: search text not as the database folds it: %q", when, bad)
		}
		bad = nil
		if err := db.db.Select(&bad, `SELECT source_id || ': ' || coalesce(search_grams::text, 'NULL') || ' ≠ ' || koe_search_grams(search_text)::text
			FROM feedback WHERE search_grams IS DISTINCT FROM koe_search_grams(search_text) ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if len(bad) > 0 {
			t.Errorf("%s: search pieces not as the database cuts them: %q", when, bad)
		}
	}
	mismatches("ingested")
	for _, s := range texts {
		if got, want := searchText("T", s), SearchKey("T "+s); got != want {
			t.Errorf("searchText(%q) = %q, want %q", s, got, want)
		}
	}
	// An edit from the source carries its own fold; a later message of a thread is folded by
	// the database.
	edited := voice("k2", "ＰＤＦで出力したい")
	if c, _, err := db.SaveFeedback(ctx, FeedbackBatch{Items: []feedback.Item{edited}}); err != nil || c.Updated != 1 {
		t.Fatalf("edit: %+v %v", c, err)
	}
	mail := voice("t1", "ﾒｰﾙ")
	mail.Raw = json.RawMessage(`{"message_ids": ["m1"], "messages": [{"id": "m1", "words": "ﾒｰﾙ"}]}`)
	if _, _, err := db.SaveFeedback(ctx, FeedbackBatch{Items: []feedback.Item{mail}, Threads: true}); err != nil {
		t.Fatal(err)
	}
	mail.Raw = json.RawMessage(`{"message_ids": ["m2"], "messages": [{"id": "m2", "words": "ﾌｧｲﾙを添付"}]}`)
	if c, _, err := db.SaveFeedback(ctx, FeedbackBatch{Items: []feedback.Item{mail}, Threads: true}); err != nil || c.Updated != 1 {
		t.Fatalf("thread: %+v %v", c, err)
	}
	mismatches("edited")
	var thread string
	if err := db.db.Get(&thread, `SELECT search_text FROM feedback WHERE source_id = 't1'`); err != nil || thread != " めーる\n\nふぁいるを添付" {
		t.Fatalf("thread search text = %q %v", thread, err)
	}
	// Writers that leave the search text to the database.
	if err := db.ImportDataset(ctx, feedback.Dataset{Items: []feedback.Item{{ID: 1000, SourceKind: feedback.SourceChat, SourceName: "ds",
		SourceID: "ds1", ReceivedAt: time.Now(), Body: "ｶﾀｶﾅ ＣＳＶ", Status: feedback.StatusNew}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.db.Exec(`UPDATE feedback SET title = 'ＴＩＴＬＥ', body = body || ' ﾃｽﾄ' WHERE source_id = 'ds1'`); err != nil {
		t.Fatal(err)
	}
	mismatches("loaded and updated by hand")
	// A search text set by hand gets its pieces; pieces cleared by hand come back.
	if _, err := db.db.Exec(`UPDATE feedback SET search_text = 'by hand' WHERE source_id = 'ds1'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.db.Exec(`UPDATE feedback SET search_grams = NULL WHERE source_id = 'k3'`); err != nil {
		t.Fatal(err)
	}
	var byHand int
	if err := db.db.Get(&byHand, `SELECT count(*) FROM feedback WHERE search_grams @> koe_search_grams('by hand')`); err != nil || byHand != 1 {
		t.Fatalf("%d voices found by the pieces of a search text set by hand %v", byHand, err)
	}
	var cleared int
	if err := db.db.Get(&cleared, `SELECT count(*) FROM feedback WHERE search_grams IS DISTINCT FROM koe_search_grams(search_text)`); err != nil || cleared != 0 {
		t.Fatalf("%d voices whose pieces are not their search text's %v", cleared, err)
	}
	var n int
	if err := db.db.Get(&n, `SELECT count(*) FROM feedback WHERE search_text IS NULL`); err != nil || n != 0 {
		t.Fatalf("%d voices without search text %v", n, err)
	}
}
