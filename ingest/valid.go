package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// validRecord makes every text of r something PostgreSQL takes — bytes that are not UTF-8 become
// U+FFFD, NUL characters are dropped, in the fields and in the raw JSON kept with the voice — and
// says what it changed in r.Warnings. Without it one such record made PostgreSQL refuse the COPY
// of its whole batch.
func validRecord(r *Record) {
	var replaced, dropped []string
	fix := func(name string, s *string) {
		if utf8.ValidString(*s) && strings.IndexByte(*s, 0) < 0 {
			return // the common case costs two scans and no allocation
		}
		if !utf8.ValidString(*s) {
			replaced = append(replaced, name)
			*s = strings.ToValidUTF8(*s, "\uFFFD")
		}
		if strings.IndexByte(*s, 0) >= 0 {
			dropped = append(dropped, name)
			*s = strings.ReplaceAll(*s, "\x00", "")
		}
	}
	it := &r.Item
	fix("id", &it.SourceID)
	fix("text", &it.Body)
	fix("title", &it.Title)
	fix("context", &it.Context)
	fix("name", &it.AuthorName)
	fix("email", &it.AuthorEmail)
	fix("company", &it.CompanyName)
	fix("url", &it.URL)
	if t := r.Triage; t != nil {
		fix("request", &t.RequestTitle)
		fix("insight", &t.Insight)
		fix("who_benefits", &t.WhoBenefits)
	}
	if len(it.Raw) > 0 {
		raw, bad, nul := validJSON(it.Raw)
		it.Raw = raw
		if bad {
			replaced = append(replaced, "raw")
		}
		if nul {
			dropped = append(dropped, "raw")
		}
	}
	if len(replaced) > 0 {
		r.Warnings = append(r.Warnings, "bytes that are not UTF-8 text in "+strings.Join(replaced, ", ")+
			" were replaced with \uFFFD: save the export as UTF-8 to keep them")
	}
	if len(dropped) > 0 {
		r.Warnings = append(r.Warnings, "NUL characters in "+strings.Join(dropped, ", ")+" were dropped")
	}
}

// validJSON returns raw as JSON PostgreSQL's jsonb takes: valid UTF-8, with no \u0000 escape and
// no lone surrogate escape. It reports whether it replaced bytes that were not UTF-8 and whether
// it dropped NULs. JSON it cannot read is dropped whole (the voice's fields keep the words).
func validJSON(raw json.RawMessage) (out json.RawMessage, replaced, dropped bool) {
	if utf8.Valid(raw) && !riskyEscape(raw) {
		return raw, false, false
	}
	replaced = !utf8.Valid(raw)
	dec := json.NewDecoder(bytes.NewReader(raw)) // invalid UTF-8 and lone surrogates decode as U+FFFD
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, replaced, false
	}
	v = dropNULs(v, &dropped)
	b, err := json.Marshal(v)
	if err != nil {
		return nil, replaced, dropped
	}
	return b, replaced, dropped
}

// riskyEscape reports whether raw has a \u escape jsonb may refuse: \u0000, or a surrogate
// (\uD800–\uDFFF, refused when it is not one of a pair). An escaped backslash before "u0000"
// also matches; the slow path then finds nothing to drop.
func riskyEscape(raw []byte) bool {
	if bytes.IndexByte(raw, 0) >= 0 {
		return true
	}
	for i := 0; ; {
		j := bytes.Index(raw[i:], []byte(`\u`))
		if j < 0 {
			return false
		}
		i += j + 2
		if rest := raw[i:]; len(rest) >= 4 {
			if string(rest[:4]) == "0000" || (rest[0] == 'd' || rest[0] == 'D') && strings.IndexByte("89abcdefABCDEF", rest[1]) >= 0 {
				return true
			}
		}
	}
}

func dropNULs(v any, dropped *bool) any {
	clean := func(s string) string {
		if strings.IndexByte(s, 0) < 0 {
			return s
		}
		*dropped = true
		return strings.ReplaceAll(s, "\x00", "")
	}
	switch x := v.(type) {
	case string:
		return clean(x)
	case []any:
		for i := range x {
			x[i] = dropNULs(x[i], dropped)
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[clean(k)] = dropNULs(e, dropped)
		}
		return out
	}
	return v
}
