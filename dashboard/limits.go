package dashboard

import (
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Body limits by route. Anonymous forms (sign-in, a link's token) are a few fields; staff forms
// carry at most a bulk selection or a request's text; Slack's payloads stay well under a
// megabyte. The API limits its own bodies (one voice, as its OpenAPI document states).
const (
	anonymousFormLimit = 16 << 10
	staffFormLimit     = 1 << 20
	slackLimit         = 1 << 20
)

// bodyLimit is the most a request to path may send.
func bodyLimit(path string) int64 {
	switch {
	case strings.HasPrefix(path, "/slack/"):
		return slackLimit
	case path == "/app" || strings.HasPrefix(path, "/app/"):
		return staffFormLimit
	}
	return anonymousFormLimit
}

// limitBodies refuses, before reading a byte, a body larger than its route's limit (413) and a
// multipart body (415: no route takes files, and parsing one would spill it to disk); it caps
// what a handler may read of the rest. Page forms are parsed here, under the cap, so a body
// without a Content-Length that runs past it is refused too rather than read as an empty form.
func (s *Server) limitBodies(c *gin.Context) {
	r := c.Request
	if r.Body == nil || r.Body == http.NoBody || strings.HasPrefix(r.URL.Path, "/api/") {
		return
	}
	limit := bodyLimit(r.URL.Path)
	if r.ContentLength > limit {
		s.refuseBody(c, http.StatusRequestEntityTooLarge)
		return
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if strings.HasPrefix(mediaType, "multipart/") {
		s.refuseBody(c, http.StatusUnsupportedMediaType)
		return
	}
	r.Body = http.MaxBytesReader(c.Writer, r.Body, limit)
	// Slack's handlers read their bodies themselves: the signature covers the raw bytes.
	if mediaType == "application/x-www-form-urlencoded" && !strings.HasPrefix(r.URL.Path, "/slack/") {
		var tooBig *http.MaxBytesError
		if err := r.ParseForm(); errors.As(err, &tooBig) {
			s.refuseBody(c, http.StatusRequestEntityTooLarge)
			return
		}
	}
}

// refuseBody answers status without reading the body, and closes the connection so the rest
// of it is not read either.
func (s *Server) refuseBody(c *gin.Context, status int) {
	c.Header("Connection", "close")
	p := words(c)
	msg := p.T("security.body_too_large")
	if status == http.StatusUnsupportedMediaType {
		msg = p.T("security.multipart_refused")
	}
	s.message(c, status, p.T("error.bad_request"), msg)
	c.Abort()
}
