package dashboard

import (
	"net/url"
	"path"
	"strings"
)

// safeBack is to when it is a page of ours under prefix, else prefix. The path is cleaned
// before it is checked, so /app/../\evil.example cannot pass as /app and leave as
// //evil.example; backslashes (which browsers read as slashes), control characters, a scheme
// or a host refuse it outright.
func safeBack(to, prefix string) string {
	if to == "" || strings.ContainsAny(to, "\\") || strings.ContainsFunc(to, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return prefix
	}
	u, err := url.Parse(to)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return prefix
	}
	clean := path.Clean(u.Path)
	if clean != prefix && !strings.HasPrefix(clean, strings.TrimSuffix(prefix, "/")+"/") {
		return prefix
	}
	out := &url.URL{Path: clean, RawQuery: u.RawQuery}
	return out.String()
}
