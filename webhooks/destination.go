package webhooks

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/koehq/koe/feedback"
)

// ErrPrivate is the error of a delivery to, or a webhook for, an address that is not on the
// public internet (loopback, private, link-local, the cloud metadata service…) without
// --allow-private.
var ErrPrivate = errors.New("webhooks: the receiver's address is not public (koe webhooks add URL --allow-private for a receiver on the internal network)")

// refused are the ranges a webhook may reach only with --allow-private: this machine, the
// private and shared networks, link-local (where 169.254.169.254, the metadata service, lives),
// and ranges that are not destinations at all.
var refused = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "2001:db8::/32"} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// Public reports whether ip is an address a webhook may reach without --allow-private.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() {
		return false
	}
	for _, p := range refused {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// CheckURL is what `koe webhooks add` checks before it stores a receiver: an http(s) URL
// (EINVALID if not) whose host, when it is an address (or a number that resolvers read as one,
// like 0x7f000001), is public unless allowPrivate (an error wrapping ErrPrivate if not). Names are checked when a delivery dials them, every time, since
// what a name resolves to can change.
func CheckURL(rawURL string, allowPrivate bool) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return feedback.Errorf(feedback.EINVALID, "%q is not an http(s) URL.", rawURL)
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if allowPrivate {
		return nil
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || numericHost(host) {
		return fmt.Errorf("%s: %w", host, ErrPrivate)
	}
	if ip, err := netip.ParseAddr(host); err == nil && !Public(ip) {
		return fmt.Errorf("%s: %w", host, ErrPrivate)
	}
	return nil
}

// numericHost reports a host made of numbers in a form other than dotted decimal (0x7f000001,
// 2130706433, 0177.0.0.1), which some resolvers read as an address; no real receiver needs one.
func numericHost(host string) bool {
	if _, err := netip.ParseAddr(host); err == nil || host == "" {
		return false
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" {
			continue
		}
		if strings.Trim(strings.TrimPrefix(label, "0x"), "0123456789abcdef") != "" || !strings.ContainsAny(label[:1], "0123456789") {
			return false
		}
	}
	return true
}

// guard refuses a connection to an address that is not public. It runs for every address the
// dialer tries, after resolution and for every redirect, so neither a name that resolves to
// 127.0.0.1 nor a 302 to the metadata service gets through.
func guard(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhooks: dial %s: %w", address, err)
	}
	if !Public(ap.Addr()) {
		return fmt.Errorf("%s: %w", ap.Addr(), ErrPrivate)
	}
	return nil
}

// NewClient is the HTTP client deliveries go through: 10 s per attempt, at most 3 redirects,
// and, unless allowPrivate, a dialer that refuses every address that is not public. Proxies
// from the environment are not used: a proxy would dial for us, past the check.
func NewClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		d.Control = guard
	}
	tr := &http.Transport{DialContext: d.DialContext, TLSHandshakeTimeout: 5 * time.Second, MaxIdleConns: 10, IdleConnTimeout: 90 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return errors.New("webhooks: more than 3 redirects")
		}
		return nil
	}}
}
