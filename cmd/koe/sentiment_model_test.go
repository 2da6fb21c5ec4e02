package main

import (
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
