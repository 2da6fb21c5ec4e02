// Package redact hides the secret parts of what Koe shows people: a URL keeps its scheme, host
// and path (enough to tell which receiver or proxy it is) and loses its credentials and the
// values of its query, where tokens travel.
package redact

import (
	"net/url"
	"sort"
	"strings"
)

// Hidden stands in for a hidden value.
const Hidden = "xxxxx"

// URL is s with its userinfo and every query value replaced by Hidden, and its fragment
// dropped; a value that does not parse as a URL with a scheme is hidden whole.
func URL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return Hidden
	}
	if u.User != nil {
		u.User = url.User(Hidden)
	}
	if u.RawQuery != "" {
		q, _ := url.ParseQuery(u.RawQuery)
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for i, k := range keys {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k) + "=" + Hidden)
		}
		u.RawQuery = b.String()
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}
