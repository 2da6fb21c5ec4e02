package quality

import (
	"testing"

	"github.com/koehq/koe/scoring"
)

func TestFailures(t *testing.T) {
	dir := dataDir(t)
	reqs, _, _ := banking77(dir)
	var texts []string
	vs := japaneseVoices()
	for _, v := range vs {
		texts = append(texts, v.text)
	}
	s := scoring.NewSuggester(reqs, texts)
	for _, v := range vs {
		got := s.Suggest(v.text, 3)
		if len(got) == 0 || got[0].RequestID != v.label {
			t.Logf("%s | want %s got %v", v.text, v.label, got)
		}
	}
}
