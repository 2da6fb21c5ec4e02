package email

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus.golden.json from what the parser reads now")

// corpusResult is what Koe makes of one mail of the corpus.
type corpusResult struct {
	Subject, FromName, FromEmail string
	Skipped                      string   `json:",omitempty"`
	Words, Context               string   `json:",omitempty"`
	Notes                        []string `json:",omitempty"`
	Attachments                  int      `json:",omitempty"`
}

// TestMailCorpus reads testdata/corpus: hard mail as clients really write it, written by us from
// what each client sends (iPhone Mail in ISO-2022-JP with its Japanese quote line, Outlook in
// cp932 base64 with a 差出人/送信日時 block and 0x5C yen signs, Gmail's "On … wrote:", docomo
// mobile mail labelled x-sjis with half-width kana, auto-replies with and without headers, a
// customer writing about auto-replies, malformed headers with an mbox From line and a subject
// split mid-character, a mislabelled base64 part beside a named text attachment). The golden
// file holds what each becomes; rewrite it with -update after checking the difference.
func TestMailCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	if len(files) == 0 {
		t.Fatal("no corpus")
	}
	got := map[string]corpusResult{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ = dropEnvelope(raw)
		m, err := Parse(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		r := corpusResult{Subject: m.Subject, FromName: m.FromName, FromEmail: m.FromEmail, Notes: m.Notes, Attachments: m.Attachments}
		rec, p := (Filter{OwnDomains: []string{"koe.example"}}).Record(m, f, time.Unix(0, 0))
		if p != nil {
			r.Skipped = p.Why
		} else {
			r.Words, r.Context = rec.Item.Body, rec.Item.Context
		}
		got[filepath.Base(f)] = r
	}
	golden := filepath.Join("testdata", "corpus.golden.json")
	b, _ := json.MarshalIndent(got, "", "  ")
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("the corpus reads differently from %s (run with -update after checking):\n%s", golden, b)
	}
}
