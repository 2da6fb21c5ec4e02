package dashboard

import (
	"crypto/subtle"
	"embed"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

//go:embed static
var staticFS embed.FS

// contentSecurityPolicy lets pages run only Koe's own scripts (no inline script, no eval) and
// Google's sign-in button, and be framed by no one. Styles may be inline: the templates carry
// style attributes and the brand colour, and CSS cannot run code; what the policy is for is
// keeping an injected script from running.
const contentSecurityPolicy = "default-src 'self'; " +
	"script-src 'self' https://accounts.google.com/gsi/client; " +
	"style-src 'self' 'unsafe-inline' https://accounts.google.com/gsi/style; " +
	"img-src 'self' https: data:; " +
	"frame-src https://accounts.google.com/gsi/; " +
	"connect-src 'self' https://accounts.google.com/gsi/; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders go on every answer: the policy above, no MIME sniffing (a CSV or JSON answer
// is never run as a script), no framing for browsers that predate frame-ancestors, and no full
// address in the Referer sent to other sites (a page's query may hold a search).
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
}

// serveStatic serves the pages' own scripts from the binary.
func serveStatic(r gin.IRouter) {
	files := http.FileServerFS(staticFS)
	r.GET("/static/*file", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(c.Writer, c.Request)
	})
}

// metricsAuth asks for KOE_METRICS_TOKEN as a bearer token when it is set: the metrics name
// routes, volumes and the database's state, which are nobody's business outside.
func (s *Server) metricsAuth(c *gin.Context) {
	if s.opts.MetricsToken == "" {
		return
	}
	got, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.MetricsToken)) != 1 {
		c.Header("WWW-Authenticate", `Bearer realm="koe metrics"`)
		c.AbortWithStatus(http.StatusUnauthorized)
	}
}
