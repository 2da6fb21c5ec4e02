// Package httpretry sends HTTP requests to outside APIs the way their documentation asks: on 429
// and on 5xx or a network error it waits — as long as Retry-After says, else with exponential
// backoff and jitter — and tries again, up to a limit.
package httpretry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Policy says how often and how long to retry.
type Policy struct {
	MaxAttempts int           // including the first; default 6
	BaseDelay   time.Duration // first backoff; default 1s
	MaxDelay    time.Duration // longest single wait; default 60s
	// Sleep waits d or until ctx ends; tests replace it to run without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (p Policy) withDefaults() Policy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 6
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = time.Second
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = time.Minute
	}
	if p.Sleep == nil {
		p.Sleep = Sleep
	}
	return p
}

// ExhaustedError means every attempt failed; Status is the last HTTP status (0 for a network
// error) and Err the last error.
type ExhaustedError struct {
	Attempts int
	Status   int
	Err      error
}

func (e *ExhaustedError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("gave up after %d attempts, last answer HTTP %d", e.Attempts, e.Status)
	}
	return fmt.Sprintf("gave up after %d attempts: %v", e.Attempts, e.Err)
}

func (e *ExhaustedError) Unwrap() error { return e.Err }

// Do sends the request newReq builds (a new one per attempt, so bodies can be re-read) and
// returns the first answer that is neither 429 nor 5xx. The caller closes its body.
func Do(ctx context.Context, hc *http.Client, p Policy, newReq func(ctx context.Context) (*http.Request, error)) (*http.Response, error) {
	p = p.withDefaults()
	var lastStatus int
	var lastErr error
	for attempt := 1; attempt <= p.MaxAttempts; attempt++ {
		req, err := newReq(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := hc.Do(req)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			lastStatus, lastErr = 0, err
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			lastStatus, lastErr = resp.StatusCode, fmt.Errorf("HTTP %d", resp.StatusCode)
			wait = RetryAfter(resp.Header.Get("Retry-After"), time.Now())
			if wait <= 0 && resp.StatusCode == http.StatusTooManyRequests {
				wait = RateLimitReset(resp.Header.Get("X-RateLimit-Reset"), time.Now())
			}
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		default:
			return resp, nil
		}
		if attempt == p.MaxAttempts {
			break
		}
		if wait <= 0 {
			wait = Backoff(p.BaseDelay, attempt)
		}
		if err := p.Sleep(ctx, min(wait, p.MaxDelay)); err != nil {
			return nil, err
		}
	}
	return nil, &ExhaustedError{Attempts: p.MaxAttempts, Status: lastStatus, Err: lastErr}
}

// Backoff is the wait before try attempt+1: base doubled per attempt (up to 2^12 times), with
// full jitter over its upper half so that many clients do not retry in step.
func Backoff(base time.Duration, attempt int) time.Duration {
	d := base << min(max(attempt-1, 0), 12)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// RetryAfter reads a Retry-After header: delay-seconds or an HTTP date. 0 when absent or bad.
func RetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// RateLimitReset is the wait until an X-RateLimit-Reset header's Unix time (Intercom's, among
// others), or 0 when there is none or it has passed.
func RateLimitReset(v string, now time.Time) time.Duration {
	s, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || s <= now.Unix() {
		return 0
	}
	return time.Unix(s, 0).Sub(now)
}

// Sleep waits d, or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// IsExhausted reports whether err is an ExhaustedError.
func IsExhausted(err error) bool {
	var e *ExhaustedError
	return errors.As(err, &e)
}

// StatusError is an answer that is neither 2xx nor retried away: the status and the start of the
// body, for the message, and the whole body, for a client that reads its service's error shape.
type StatusError struct {
	Method string // GET when empty
	URL    string
	Status int
	Body   string
	Answer []byte
}

func (e *StatusError) Error() string {
	method := e.Method
	if method == "" {
		method = http.MethodGet
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", method, e.URL, e.Status, e.Body)
}

// GetJSON GETs url with headers, retrying as Do does, and decodes a 2xx JSON answer into into.
// maxBody bounds what is read (a larger answer is an error, not an out-of-memory).
func GetJSON(ctx context.Context, hc *http.Client, p Policy, url string, headers map[string]string, maxBody int64, into any) error {
	return sendJSON(ctx, hc, p, http.MethodGet, url, headers, nil, maxBody, into)
}

// PostJSON is GetJSON for a POST of body as JSON (a search endpoint): the same retries, limits
// and errors.
func PostJSON(ctx context.Context, hc *http.Client, p Policy, url string, headers map[string]string, body any, maxBody int64, into any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("POST %s: %w", redact(url), err)
	}
	return sendJSON(ctx, hc, p, http.MethodPost, url, headers, b, maxBody, into)
}

func sendJSON(ctx context.Context, hc *http.Client, p Policy, method, url string, headers map[string]string, payload []byte, maxBody int64, into any) error {
	resp, err := Do(ctx, hc, p, func(ctx context.Context) (*http.Request, error) {
		var body io.Reader
		if payload != nil {
			body = bytes.NewReader(payload)
		}
		req, err := http.NewRequestWithContext(ctx, method, url, body)
		if err != nil {
			return nil, err
		}
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		return req, nil
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, redact(url), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, redact(url), err)
	}
	if int64(len(body)) > maxBody {
		return fmt.Errorf("%s %s: answer larger than %d MB", method, redact(url), maxBody>>20)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		snippet := strings.TrimSpace(string(body[:min(len(body), 300)]))
		return &StatusError{Method: method, URL: redact(url), Status: resp.StatusCode, Body: snippet, Answer: body}
	}
	if err := json.Unmarshal(body, into); err != nil {
		return fmt.Errorf("%s %s: not the JSON expected: %w", method, redact(url), err)
	}
	return nil
}

// redact drops a URL's query, which may carry keys.
func redact(u string) string {
	base, _, _ := strings.Cut(u, "?")
	return base
}

// Transport is an http.RoundTripper that sends through Base (http.DefaultTransport when nil)
// with Policy: for clients that a library builds around an *http.Client (google.golang.org/api),
// so they retry as every other outside client does. A request whose body cannot be sent again
// (no GetBody) is sent once.
type Transport struct {
	Base   http.RoundTripper
	Policy Policy
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return base.RoundTrip(req)
	}
	once := &http.Client{Transport: base, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	first := true
	return Do(req.Context(), once, t.Policy, func(ctx context.Context) (*http.Request, error) {
		r := req.Clone(ctx)
		if !first && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r.Body = body
		}
		first = false
		return r, nil
	})
}
