package file

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
)

func pullAll(t *testing.T, format string, data []byte) []ingest.Batch {
	path := filepath.Join(t.TempDir(), "in."+format)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	m, _ := NewMapping("", "")
	src := &Source{Path: path, Format: format, SourceKind: feedback.SourceChat, SourceName: "fuzz", Mapping: m, Location: time.UTC, BatchSize: 7}
	var batches []ingest.Batch
	err := src.Pull(context.Background(), "", func(b ingest.Batch) error { batches = append(batches, b); return nil })
	if err != nil && format == "jsonl" {
		t.Fatalf("a JSON Lines file failed as a whole: %v", err) // only whole-file problems may fail a CSV
	}
	for _, b := range batches {
		for _, r := range b.Records {
			if r.Item.SourceID == "" || r.Item.Body == "" || r.Where == "" {
				t.Fatalf("record without id, text or place: %+v", r)
			}
		}
		for _, p := range b.Problems {
			if p.Where == "" || p.Why == "" {
				t.Fatalf("problem without place or reason: %+v", p)
			}
		}
	}
	return batches
}

func FuzzJSONL(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","text":"CSV出力","date":"2026-01-01"}`,
		"{\"text\":\"x\"}\n\n{broken\n[1]\n{\"id\":2,\"text\":{\"nested\":true},\"rating\":\"★★★\"}",
		`{"id":"1","text":"a","date":"1700000000000","rating":"9/10"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { pullAll(t, "jsonl", data) })
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"id,本文,日時\n1,CSV出力,2026/1/1\n",
		"text\tmail\nhello\ta@b.c\n\"unterminated\n",
		"\xEF\xBB\xBFtext,要望,タグ\n声,CSV出力,業務効率\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { pullAll(t, "csv", data) })
}
