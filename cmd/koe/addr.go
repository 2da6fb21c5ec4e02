package main

import (
	"net"
	"strings"
)

// listenOn makes --addr the listen address and, when KOE_BASE_URL is not set, the base of the
// links Koe writes (mails, Slack, feeds), so that `koe demo --addr 127.0.0.1:9090` links to
// port 9090. A host left out or unspecified (":9090", "0.0.0.0:9090") links to 127.0.0.1.
func (e *env) listenOn(addr string) error {
	e.cfg.Addr = addr
	if strings.TrimSpace(e.getenv("KOE_BASE_URL")) == "" {
		if host, port, err := net.SplitHostPort(addr); err == nil {
			if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
				host = "127.0.0.1"
			}
			e.cfg.BaseURL = "http://" + net.JoinHostPort(host, port)
		}
	}
	return e.cfg.Validate()
}
