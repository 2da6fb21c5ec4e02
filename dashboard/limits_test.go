package dashboard_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/koehq/koe/dashboard"
)

// countingBody is a body of n bytes that counts what the server reads of it.
type countingBody struct {
	left int64
	read atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), b.left)
	for i := range p[:n] {
		p[i] = 'a'
	}
	b.left -= n
	b.read.Add(n)
	return int(n), nil
}

func (b *countingBody) Close() error { return nil }

// TestAnonymousBodiesAreBounded: a 20 MB anonymous post to the sign-in forms is refused with 413
// having read (almost) nothing, whether it says its length or not, and multipart is refused.
func TestAnonymousBodiesAreBounded(t *testing.T) {
	srv, err := dashboard.New(openStore(t), opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	const size = 20 << 20
	for _, tc := range []struct {
		name, path, contentType string
		declared                bool
		want                    int
		maxRead                 int64
	}{
		{"signin, declared", "/account/signin", "application/x-www-form-urlencoded", true, http.StatusRequestEntityTooLarge, 0},
		{"signin, chunked", "/account/signin", "application/x-www-form-urlencoded", false, http.StatusRequestEntityTooLarge, 64 << 10},
		{"verify, declared", "/account/verify", "application/x-www-form-urlencoded", true, http.StatusRequestEntityTooLarge, 0},
		{"signin, multipart chunked", "/account/signin", "multipart/form-data; boundary=x", false, http.StatusUnsupportedMediaType, 0},
		{"staff form, declared", "/app/feedback/bulk", "application/x-www-form-urlencoded", true, http.StatusRequestEntityTooLarge, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &countingBody{left: size}
			req := httptest.NewRequest(http.MethodPost, tc.path, nil)
			req.Body = body
			req.ContentLength = -1
			if tc.declared {
				req.ContentLength = size
			}
			req.Header.Set("Content-Type", tc.contentType)
			req.Header.Set("Cookie", "koe_pre=x") // past the cookie check, to where the form is read
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if got := rec.Code; got != tc.want {
				t.Errorf("status=%d, want %d", got, tc.want)
			}
			if got := body.read.Load(); got > tc.maxRead {
				t.Errorf("read %d bytes of %d, want at most %d", got, size, tc.maxRead)
			}
		})
	}
	// A form of ordinary size still reaches its handler.
	req := httptest.NewRequest(http.MethodPost, "/account/signin", strings.NewReader("email=a%40example.com"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code == http.StatusRequestEntityTooLarge || rec.Code == http.StatusUnsupportedMediaType {
		t.Errorf("a small sign-in form: status=%d", rec.Code)
	}
}
