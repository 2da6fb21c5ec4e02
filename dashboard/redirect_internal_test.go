package dashboard

import "testing"

// TestSafeBack: the back page is checked after its path is cleaned, and never leaves the site.
func TestSafeBack(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/app/feedback?tag=churn_risk&offset=50", "/app/feedback?tag=churn_risk&offset=50"},
		{"/app/feedback", "/app/feedback"},
		{"/app/../\\evil.example/phish", "/app"},
		{"/app/..//evil.example/phish", "/app"},
		{"/app/../../evil.example", "/app"},
		{"/app\\..\\evil.example", "/app"},
		{"//evil.example/app", "/app"},
		{"https://evil.example/app", "/app"},
		{"/app/%5c%5cevil.example", "/app/%5C%5Cevil.example"},
		{"/application", "/app"},
		{"/app/feedback\r\nSet-Cookie: x=1", "/app"},
		{"", "/app"},
	} {
		if got := safeBack(tc.in, "/app"); got != tc.want {
			t.Errorf("safeBack(%q)=%q, want %q", tc.in, got, tc.want)
		}
	}
}
