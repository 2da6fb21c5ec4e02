package connect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/koehq/koe/internal/httpretry"
)

// DefaultBaseURL is Apple's API host.
const DefaultBaseURL = "https://api.appstoreconnect.apple.com"

// maxBody bounds an answer: a page of 200 reviews with their responses is well under it.
const maxBody = 32 << 20

// Client calls the App Store Connect API with one team's key.
type Client struct {
	BaseURL string // DefaultBaseURL when empty; a local server in tests
	HTTP    *http.Client
	Tokens  *Tokens
	// Policy is how 429s and 5xx are retried (httpretry's defaults when zero). A POST is retried
	// only on 429, which Apple answers before doing anything: after a 5xx or a lost connection the
	// caller cannot know whether it took effect, and reads before sending again.
	Policy httpretry.Policy
}

// ErrorItem is one entry of the errors array App Store Connect answers a refusal with
// (ErrorResponse in its OpenAPI document).
type ErrorItem struct {
	ID     string `json:"id,omitempty"`
	Status string `json:"status"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// Error is an answer outside 2xx, with what Apple said.
type Error struct {
	Method string
	Path   string
	Status int
	Errors []ErrorItem
	// Exhausted is true when the status is the last of retries that all failed (429 or 5xx).
	Exhausted bool
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("app store connect: %s %s: HTTP %d", e.Method, e.Path, e.Status)
	if e.Exhausted {
		msg += " (after retries)"
	}
	if len(e.Errors) > 0 {
		msg += ": " + e.Errors[0].Code + ": " + e.Errors[0].Detail
	}
	return msg
}

// Get reads path (or a links.next URL the API gave) into into.
func (c *Client) Get(ctx context.Context, path string, into any) error {
	return c.send(ctx, http.MethodGet, path, nil, into)
}

// Post sends body as JSON to path and reads the answer into into (nil to drop it).
func (c *Client) Post(ctx context.Context, path string, body, into any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("app store connect: POST %s: %w", path, err)
	}
	return c.send(ctx, http.MethodPost, path, b, into)
}

// Delete deletes the resource at path.
func (c *Client) Delete(ctx context.Context, path string) error {
	return c.send(ctx, http.MethodDelete, path, nil, nil)
}

// target resolves path against the base URL. An absolute URL (a links.next) must point at the
// same host: the token is not sent anywhere else.
func (c *Client) target(path string) (string, error) {
	base := strings.TrimRight(c.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if !strings.HasPrefix(path, "http://") && !strings.HasPrefix(path, "https://") {
		return base + path, nil
	}
	u, err := url.Parse(path)
	if err != nil {
		return "", err
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	if u.Scheme != b.Scheme || u.Host != b.Host {
		return "", fmt.Errorf("app store connect: a link to %s://%s, not the API host %s", u.Scheme, u.Host, b.Host)
	}
	return path, nil
}

func (c *Client) send(ctx context.Context, method, path string, payload []byte, into any) error {
	target, err := c.target(path)
	if err != nil {
		return err
	}
	shown := path
	if u, err := url.Parse(target); err == nil {
		shown = u.Path // the query is left out of messages
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	p := c.Policy
	attempts := p.MaxAttempts
	if attempts <= 0 {
		attempts = 6
	}
	base, maxDelay, sleep := p.BaseDelay, p.MaxDelay, p.Sleep
	if base <= 0 {
		base = time.Second
	}
	if maxDelay <= 0 {
		maxDelay = time.Minute
	}
	if sleep == nil {
		sleep = httpretry.Sleep
	}
	for attempt := 1; ; attempt++ {
		token, err := c.Tokens.Token()
		if err != nil {
			return err
		}
		var body io.Reader
		if payload != nil {
			body = bytes.NewReader(payload)
		}
		req, err := http.NewRequestWithContext(ctx, method, target, body)
		if err != nil {
			return fmt.Errorf("app store connect: %s %s: %w", method, shown, err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		if err != nil {
			if ctx.Err() != nil || method == http.MethodPost || attempt >= attempts {
				return fmt.Errorf("app store connect: %s %s: %w", method, shown, err)
			}
			if err := sleep(ctx, min(httpretry.Backoff(base, attempt), maxDelay)); err != nil {
				return err
			}
			continue
		}
		raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("app store connect: %s %s: %w", method, shown, err)
		}
		if len(raw) > maxBody {
			return fmt.Errorf("app store connect: %s %s: answer larger than %d MB", method, shown, maxBody>>20)
		}
		status := resp.StatusCode
		if status >= 200 && status <= 299 {
			if into == nil || len(bytes.TrimSpace(raw)) == 0 {
				return nil
			}
			if err := json.Unmarshal(raw, into); err != nil {
				return fmt.Errorf("app store connect: %s %s: not the JSON expected: %w", method, shown, err)
			}
			return nil
		}
		apiErr := &Error{Method: method, Path: shown, Status: status}
		var er struct {
			Errors []ErrorItem `json:"errors"`
		}
		if json.Unmarshal(raw, &er) == nil {
			apiErr.Errors = er.Errors
		}
		retry := status == http.StatusTooManyRequests || (status >= 500 && method != http.MethodPost)
		if !retry {
			return apiErr
		}
		if attempt >= attempts {
			apiErr.Exhausted = true
			return apiErr
		}
		wait := httpretry.RetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if wait <= 0 {
			wait = httpretry.Backoff(base, attempt)
		}
		if err := sleep(ctx, min(wait, maxDelay)); err != nil {
			return err
		}
	}
}

// IsNotFound reports whether err is App Store Connect's 404.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}
