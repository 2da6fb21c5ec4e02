package dashboard

import (
	"context"
	"crypto/subtle"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/auth"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
)

const (
	userKey       = "koe.user"
	csrfKey       = "koe.csrf"
	sessionCookie = "koe_session"
)

// Verifier checks a Google ID token (auth.Google in production).
type Verifier interface {
	Verify(ctx context.Context, token string) (auth.Identity, error)
}

// route is one staff route and the role it needs.
type route struct {
	method, path string
	role         feedback.Role
	handler      gin.HandlerFunc
}

// Route describes a staff route for tests and documentation.
type Route struct {
	Method, Path string
	Role         feedback.Role
}

// Routes lists every staff route with the role it needs.
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.staffRoutes() {
		out = append(out, Route{r.method, r.path, r.role})
	}
	return out
}

// allowed says whether role may use a route that needs need: admin everything; cs triage; po
// status and public wording; any staff member reads.
func allowed(role, need feedback.Role) bool {
	return role == feedback.RoleAdmin || need == feedback.RoleViewer || role == need
}

// authenticate finds the signed-in user: the demo's automatic admin in `koe demo` only, else the
// session cookie's. It answers 401 when there is none.
func (s *Server) authenticate(c *gin.Context) {
	if s.opts.Demo {
		c.Set(userKey, s.opts.DemoUser)
		c.Set(csrfKey, s.demoCSRF)
		c.Next()
		return
	}
	token, err := c.Cookie(sessionCookie)
	if err == nil && token != "" {
		if sess, err := s.store.SessionByToken(c.Request.Context(), token); err == nil {
			c.Set(userKey, sess.User)
			c.Set(csrfKey, sess.CSRF)
			c.Next()
			return
		}
	}
	s.fail(c, userError(feedback.EUNAUTHORIZED, words(c).T("error.staff_only")))
	c.Abort()
}

// require lets through users whose role may use the route, and for a change (any method but
// GET/HEAD) only with the session's CSRF token in the form field csrf or the X-CSRF-Token header.
func (s *Server) require(need feedback.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, _ := currentUser(c)
		if !allowed(u.Role, need) {
			p := words(c)
			s.fail(c, userError(feedback.EFORBIDDEN, p.T("error.role_needed", "Need", p.Label("role", string(need)), "Role", p.Label("role", string(u.Role)))))
			c.Abort()
			return
		}
		if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead && !s.csrfOK(c) {
			s.fail(c, userError(feedback.EFORBIDDEN, words(c).T("error.form_expired")))
			c.Abort()
			return
		}
		c.Next()
	}
}

func (s *Server) csrfOK(c *gin.Context) bool {
	want := c.GetString(csrfKey)
	got := c.GetHeader("X-CSRF-Token")
	if got == "" {
		got = c.PostForm("csrf")
	}
	return sameToken(want, got)
}

// currentUser returns the signed-in user set by authenticate.
func currentUser(c *gin.Context) (feedback.User, bool) {
	v, ok := c.Get(userKey)
	if !ok {
		return feedback.User{}, false
	}
	u, ok := v.(feedback.User)
	return u, ok
}

// googleCallback takes the ID token Google Identity Services posts, checks its double-submit
// CSRF cookie, verifies the token, and signs in the Koe user with that email.
func (s *Server) googleCallback(c *gin.Context) {
	if s.opts.Google == nil {
		s.fail(c, userError(feedback.ENOTFOUND, words(c).T("error.staff_signin_off")))
		return
	}
	id, err := googleIdentity(c, s.opts.Google)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.signInStaff(c, id.Email)
}

// signInStaff opens a session for an address whose owner has proved it, when it is a staff
// member's (a removed one is not).
func (s *Server) signInStaff(c *gin.Context, email string) {
	ctx := c.Request.Context()
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		s.fail(c, userError(feedback.EFORBIDDEN, words(c).T("error.no_staff_account", "Email", email)))
		return
	}
	sess, err := s.store.CreateSession(ctx, u.ID, s.opts.SessionTTL)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setSessionCookie(c, sess.Token, s.opts.SessionTTL)
	c.Redirect(http.StatusSeeOther, "/app")
}

// googleIdentity checks the double-submit CSRF cookie Google Identity Services sets with the
// ID token it posts, then verifies the token with v.
func googleIdentity(c *gin.Context, v Verifier) (auth.Identity, error) {
	cookie, err := c.Cookie("g_csrf_token")
	if err != nil || !sameToken(cookie, c.PostForm("g_csrf_token")) {
		return auth.Identity{}, feedback.Errorf(feedback.EFORBIDDEN, "The sign-in could not be checked (CSRF): go back and sign in again.")
	}
	id, err := v.Verify(c.Request.Context(), c.PostForm("credential"))
	if err != nil {
		return auth.Identity{}, feedback.Errorf(feedback.EUNAUTHORIZED, "%s", err.Error())
	}
	return id, nil
}

// sameToken compares a secret token with what came back, in constant time; empty never matches.
func sameToken(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (s *Server) setSessionCookie(c *gin.Context, value string, ttl time.Duration) {
	s.setCookie(c, sessionCookie, "/", value, ttl)
}

// setCookie sets an HttpOnly, SameSite=Lax cookie, Secure under https; a ttl below zero deletes it.
func (s *Server) setCookie(c *gin.Context, name, path, value string, ttl time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: int(ttl.Seconds()),
		HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// signout ends the session.
func (s *Server) signout(c *gin.Context) {
	if token, err := c.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteSession(c.Request.Context(), token); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.setSessionCookie(c, "", -time.Second)
	c.Redirect(http.StatusSeeOther, "/signin")
}

// setLocale saves the signed-in user's language and goes back to where they were.
func (s *Server) setLocale(c *gin.Context) {
	u, _ := currentUser(c)
	if s.opts.Demo {
		s.fail(c, userError(feedback.EINVALID, words(c).T("error.demo_language")))
		return
	}
	l := c.PostForm("locale")
	if l != "" && !locale.Supported(l) {
		s.fail(c, userError(feedback.EINVALID, words(c).T("error.unknown_language", "Lang", l)))
		return
	}
	if err := s.store.SetUserLocale(c.Request.Context(), u.ID, l); err != nil {
		s.fail(c, err)
		return
	}
	redirectBack(c, "/app")
}
