package main

import (
	"net/http"
	"testing"
)

// TestHTTPServerTimeouts: a client that trickles its headers or body, or idles, is cut off.
func TestHTTPServerTimeouts(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler())
	for name, d := range map[string]int64{"ReadHeaderTimeout": int64(srv.ReadHeaderTimeout), "ReadTimeout": int64(srv.ReadTimeout), "IdleTimeout": int64(srv.IdleTimeout)} {
		if d <= 0 {
			t.Errorf("%s=%d, want a limit", name, d)
		}
	}
}
