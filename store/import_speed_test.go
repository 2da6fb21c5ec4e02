package store

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/koehq/koe/feedback"
)

// A batch marked Flushed commits without waiting for the disk (synchronous_commit off inside its
// transaction alone); one not marked, and the connection after either, keep the server's setting.
func TestFlushedBatchCommitsAsynchronouslyAlone(t *testing.T) {
	ctx := context.Background()
	db := openInternal(t)
	db.db.SetMaxOpenConns(1) // the SHOW after the commit runs on the batch's connection
	var server string
	if err := db.db.Get(&server, `SHOW synchronous_commit`); err != nil {
		t.Fatal(err)
	}
	for _, flushed := range []bool{true, false} {
		tx, err := db.Begin(ctx, "save feedback")
		if err != nil {
			t.Fatal(err)
		}
		id, want := "sync", server
		if flushed {
			id, want = "async", "off"
		}
		c, _, err := tx.SaveFeedback(ctx, FeedbackBatch{Items: []feedback.Item{voice(id, "words "+id)}, Flushed: flushed})
		if err != nil || c.New != 1 {
			t.Fatalf("%s: %+v %v", id, c, err)
		}
		var inside string
		if err := tx.tx.Get(&inside, `SHOW synchronous_commit`); err != nil || inside != want {
			t.Errorf("%s: synchronous_commit %q in the batch (%v), want %q", id, inside, err, want)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		var after string
		if err := db.db.Get(&after, `SHOW synchronous_commit`); err != nil || after != server {
			t.Errorf("%s: synchronous_commit %q after the batch (%v), want the server's %q", id, after, err, server)
		}
	}
	var n int
	if err := db.db.Get(&n, `SELECT count(*) FROM feedback WHERE source_id IN ('sync', 'async')`); err != nil || n != 2 {
		t.Fatalf("%d voices stored (%v), want 2", n, err)
	}
}

// Rescoring sends only the voices whose stored score (a real) changes: a score equal to the
// stored one at real precision writes nothing (the row keeps its version), a different one is
// stored and counted.
func TestRescoreWritesOnlyChangedScores(t *testing.T) {
	ctx := context.Background()
	db := openInternal(t)
	items := []feedback.Item{voice("same", "one"), voice("close", "two"), voice("moved", "three")}
	for i := range items {
		s := 0.1
		items[i].Sentiment = &s
	}
	if _, _, err := db.SaveFeedback(ctx, FeedbackBatch{Items: items}); err != nil {
		t.Fatal(err)
	}
	versions := func() map[string]string {
		rows, err := db.db.Queryx(`SELECT source_id, ctid::text FROM feedback`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var id, v string
			if err := rows.Scan(&id, &v); err != nil {
				t.Fatal(err)
			}
			out[id] = v
		}
		return out
	}
	before := versions()
	score := func(v UnratedVoice) float64 {
		switch v.Text {
		case "\nthree":
			return -0.4
		case "\ntwo":
			return 0.1 + 1e-12 // the same real
		}
		return 0.1
	}
	n, err := db.RescoreSentiment(ctx, true, math.MaxInt64, score)
	if err != nil || n != 1 {
		t.Fatalf("changed %d (%v), want 1", n, err)
	}
	after := versions()
	for _, id := range []string{"same", "close"} {
		if after[id] != before[id] {
			t.Errorf("%s was rewritten (%s → %s)", id, before[id], after[id])
		}
	}
	var s float64
	if err := db.db.Get(&s, `SELECT sentiment FROM feedback WHERE source_id = 'moved'`); err != nil || float32(s) != float32(-0.4) {
		t.Errorf("moved: sentiment %v (%v), want -0.4", s, err)
	}
}

// A rescoring of several windows, rescored at once, with a window of rated reviews only in the
// middle (no UPDATE for it), stores every changed score, counts each once, and moves
// scored_through to the last voice.
func TestRescoreInWindows(t *testing.T) {
	ctx := context.Background()
	db := openInternal(t)
	var items []feedback.Item
	for i := range 3*sentimentBatch + 17 {
		it := voice(fmt.Sprint(i), fmt.Sprintf("voice %d", i))
		s := 0.1
		it.Sentiment = &s
		if i >= sentimentBatch && i < 2*sentimentBatch {
			stars := 5.0
			it.Rating = &stars
		}
		items = append(items, it)
	}
	if _, _, err := db.SaveFeedback(ctx, FeedbackBatch{Items: items}); err != nil {
		t.Fatal(err)
	}
	want := func(id int64) float64 {
		if id%3 == 0 {
			return 0.1 // unchanged
		}
		return -0.2
	}
	n, err := db.RescoreSentiment(ctx, true, math.MaxInt64, func(v UnratedVoice) float64 { return want(v.ID) })
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		ID        int64   `db:"id"`
		Rated     bool    `db:"rated"`
		Sentiment float64 `db:"sentiment"`
	}
	if err := db.db.Select(&rows, `SELECT id, rating IS NOT NULL AS rated, sentiment FROM feedback ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	changed := 0
	for _, r := range rows {
		w := 0.1
		if !r.Rated {
			w = want(r.ID)
		}
		if float32(r.Sentiment) != float32(w) {
			t.Errorf("voice %d (rated %v): sentiment %v, want %v", r.ID, r.Rated, r.Sentiment, w)
		}
		if !r.Rated && w != 0.1 {
			changed++
		}
	}
	if n != changed || changed < 2*sentimentBatch/2 {
		t.Errorf("changed %d, want %d", n, changed)
	}
	var through, last int64
	if err := db.db.QueryRow(`SELECT scored_through, (SELECT max(id) FROM feedback) FROM sentiment_model`).Scan(&through, &last); err != nil || through != last {
		t.Errorf("scored through %d (%v), want the last voice %d", through, err, last)
	}
}

// A rescoring that fails halfway keeps what it did, moves scored_through only past windows done
// with every window before them, and the next rescoring does the rest.
func TestRescoreFailsHalfway(t *testing.T) {
	db := openInternal(t)
	var items []feedback.Item
	for i := range 4 * sentimentBatch {
		it := voice(fmt.Sprint(i), fmt.Sprintf("voice %d", i))
		s := 0.1
		it.Sentiment = &s
		items = append(items, it)
	}
	if _, _, err := db.SaveFeedback(context.Background(), FeedbackBatch{Items: items}); err != nil {
		t.Fatal(err)
	}
	var first int64
	if err := db.db.Get(&first, `SELECT min(id) FROM feedback`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	failAt := first + 2*sentimentBatch + 10 // in the third window
	if _, err := db.RescoreSentiment(ctx, false, math.MaxInt64, func(v UnratedVoice) float64 {
		if v.ID == failAt {
			cancel()
		}
		return -0.3
	}); err == nil {
		t.Fatal("a rescoring whose context ended halfway succeeded")
	}
	var through int64
	if err := db.db.Get(&through, `SELECT scored_through FROM sentiment_model`); err != nil || through >= failAt {
		t.Fatalf("scored through %d (%v), past the window that failed (voice %d)", through, err, failAt)
	}
	var rescored int64 // every voice up to scored_through (none when the first window was cut short)
	if err := db.db.Get(&rescored, `SELECT count(*) FROM feedback WHERE sentiment < 0 AND id <= $1`, through); err != nil || rescored != max(0, through-first+1) {
		t.Fatalf("%d voices rescored up to %d (%v), want %d", rescored, through, err, max(0, through-first+1))
	}
	n, err := db.RescoreSentiment(context.Background(), false, math.MaxInt64, func(UnratedVoice) float64 { return -0.3 })
	if err != nil {
		t.Fatal(err)
	}
	var left int
	if err := db.db.Get(&left, `SELECT count(*) FROM feedback WHERE sentiment > 0`); err != nil || left != 0 || n == 0 {
		t.Fatalf("after the second rescoring %d voices keep the old score, %d changed (%v)", left, n, err)
	}
}
