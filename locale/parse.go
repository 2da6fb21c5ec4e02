package locale

import (
	"strings"

	"github.com/koehq/koe/feedback"
)

// ParseTag reads a tag as people write it: its code or another word CS sheets use for it
// (feedback.ParseTag), or its label in any catalog language (case does not matter); an empty
// string is no tag.
func ParseTag(s string) (feedback.Tag, bool) {
	if t, ok := feedback.ParseTag(s); ok {
		return t, true
	}
	s = strings.TrimSpace(s)
	for _, t := range feedback.Tags {
		for _, lang := range catalog.langs {
			if strings.EqualFold(s, Label(lang, "tag", string(t))) {
				return t, true
			}
		}
	}
	return "", false
}

// TagLabels lists every tag's label in lang, for messages that say what ParseTag accepts.
func TagLabels(lang string) string {
	out := make([]string, len(feedback.Tags))
	for i, t := range feedback.Tags {
		out[i] = Label(lang, "tag", string(t))
	}
	return strings.Join(out, ", ")
}
