package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koehq/koe/internal/pgtest"
)

// TestSentimentModelCommand: `koe sentiment model` says what the model learned and that the
// rules answer alone until it learned enough; --relearn learns again; `koe sentiment --file`
// still needs no database.
func TestSentimentModelCommand(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	out, errOut, code := koe(t, env, "sentiment", "model")
	if code != 0 || !strings.Contains(out, "learned from 0 positive and 0 negative reviews") || !strings.Contains(out, "50 more rated reviews") {
		t.Fatalf("sentiment model: %d %q %q", code, out, errOut)
	}
	out, errOut, code = koe(t, append(env, "LANG=ja_JP.UTF-8"), "sentiment", "model", "--relearn")
	if code != 0 || !strings.Contains(out, "学習し直しました") {
		t.Fatalf("sentiment model --relearn: %d %q %q", code, out, errOut)
	}
}

// TestSentimentCommandLearns: `koe sentiment --learn R.jsonl` scores with a model learned from the
// rated reviews given, offline: words the rules do not know take the reviews' leaning.
func TestSentimentCommandLearns(t *testing.T) {
	dir := t.TempDir()
	var rated strings.Builder
	for range 30 {
		rated.WriteString(`{"text":"ガントチャートがぬるぬる動く","rating":5}` + "\n" + `{"text":"ガントチャートが崩れる","rating":1}` + "\n" +
			`{"text":"まあまあ","rating":3}` + "\n")
	}
	learn, in := filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "t.jsonl")
	os.WriteFile(learn, []byte(rated.String()), 0o644)
	os.WriteFile(in, []byte(`{"id":1,"text":"今朝もガントチャートが崩れる"}`+"\n"), 0o644)
	if out, errOut, code := koe(t, nil, "sentiment", "--file", in); code != 0 || !strings.Contains(out, `"neutral"`) {
		t.Fatalf("without --learn: %d %q %q, want the rules' neutral", code, out, errOut)
	}
	if out, errOut, code := koe(t, nil, "sentiment", "--file", in, "--learn", learn); code != 0 || !strings.Contains(out, `"negative"`) {
		t.Fatalf("with --learn: %d %q %q, want negative", code, out, errOut)
	}
	os.WriteFile(learn, []byte(`{"text":"no rating"}`+"\n"), 0o644)
	if _, errOut, code := koe(t, nil, "sentiment", "--file", in, "--learn", learn); code != 1 || !strings.Contains(errOut, "r.jsonl:1") {
		t.Fatalf("a line without a rating: %d %q, want refused with its place", code, errOut)
	}
}
