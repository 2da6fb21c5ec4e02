package httpretry

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestDoRetriesAndHonoursRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.WriteHeader(http.StatusBadGateway)
		default:
			w.Write([]byte("ok"))
		}
	}))
	defer srv.Close()
	waits := getWaits(t, srv)
	if calls.Load() != 3 {
		t.Fatalf("calls = %d, want 3", calls.Load())
	}
	if len(waits) != 2 || waits[0] != 7*time.Second {
		t.Fatalf("waits = %v, want 7s (Retry-After) then a backoff", waits)
	}
	if waits[1] <= 0 || waits[1] > 2*time.Second {
		t.Fatalf("second wait = %v, want a backoff ≤ 2s", waits[1])
	}
}

// getWaits GETs srv through Do, without waiting, and returns the waits Do asked for.
func getWaits(t *testing.T, srv *httptest.Server) []time.Duration {
	t.Helper()
	var waits []time.Duration
	p := Policy{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	resp, err := Do(context.Background(), srv.Client(), p, func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return waits
}

func TestDoGivesUp(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	p := Policy{MaxAttempts: 3, Sleep: func(context.Context, time.Duration) error { return nil }}
	_, err := Do(context.Background(), srv.Client(), p, func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	})
	if !IsExhausted(err) || calls.Load() != 3 {
		t.Fatalf("err = %v after %d calls, want ExhaustedError after 3", err, calls.Load())
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := RetryAfter("120", now); got != 2*time.Minute {
		t.Errorf("seconds: %v", got)
	}
	if got := RetryAfter(now.Add(30*time.Second).Format(http.TimeFormat), now); got != 30*time.Second {
		t.Errorf("date: %v", got)
	}
	if got := RetryAfter("soon", now); got != 0 {
		t.Errorf("bad: %v", got)
	}
}

func TestDoRetriesATimeout(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			time.Sleep(300 * time.Millisecond) // longer than the client waits
		}
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	hc := &http.Client{Timeout: 100 * time.Millisecond}
	var out struct{ OK bool }
	p := Policy{Sleep: func(context.Context, time.Duration) error { return nil }}
	if err := GetJSON(context.Background(), hc, p, srv.URL+"/page?key=secret", nil, 1<<20, &out); err != nil || !out.OK {
		t.Fatalf("after a timed-out page: %v %+v", err, out)
	}
	if calls.Load() != 2 {
		t.Fatalf("calls = %d, want the timed-out one retried", calls.Load())
	}
	p.MaxAttempts = 1
	err := GetJSON(context.Background(), hc, p, srv.URL+"/missing?key=secret", nil, 1<<20, &out)
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("err = %v; want an error that does not show the query", err)
	}
}

// TestRateLimitReset: Intercom answers 429 with X-RateLimit-Reset, the Unix time its window
// resets, and no Retry-After; the wait is until then, not a blind backoff.
func TestRateLimitReset(t *testing.T) {
	var calls atomic.Int32
	reset := time.Now().Add(9 * time.Second).Unix()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	if waits := getWaits(t, srv); len(waits) != 1 || waits[0] < 7*time.Second || waits[0] > 10*time.Second {
		t.Fatalf("waits = %v, want about 9s (until X-RateLimit-Reset)", waits)
	}
}

// TestTransportRetries: clients built by libraries that take an *http.Client (google.golang.org/api)
// retry through Transport, with the same policy; a request with a body is replayed through GetBody.
func TestTransportRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write(b)
	}))
	defer srv.Close()
	var waits []time.Duration
	p := Policy{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	hc := &http.Client{Transport: &Transport{Base: srv.Client().Transport, Policy: p}}
	resp, err := hc.Post(srv.URL, "text/plain", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "hello" || calls.Load() != 2 || len(waits) != 1 || waits[0] != 2*time.Second {
		t.Fatalf("body %q after %d calls, waits %v", b, calls.Load(), waits)
	}
}
