package redact

import "testing"

func TestURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://u:pw@proxy.example/?token=abc", "https://xxxxx@proxy.example/?token=xxxxx"},
		{"https://hooks.example/in/T0/B1?sig=s3cret&sig=2&a=1#frag", "https://hooks.example/in/T0/B1?a=xxxxx&sig=xxxxx"},
		{"https://koe.example.com", "https://koe.example.com"},
		{"https://tok3n@hooks.example/x", "https://xxxxx@hooks.example/x"},
		{"not a url", "xxxxx"},
		{"", ""},
	} {
		if got := URL(tc.in); got != tc.want {
			t.Errorf("URL(%q)=%q, want %q", tc.in, got, tc.want)
		}
	}
}
