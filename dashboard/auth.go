package dashboard

import (
	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
)

const userKey = "koe.user"

// requireStaff lets only a signed-in staff member through. Until staff sign-in exists, only the
// demo's automatic sign-in passes; everyone else gets 401.
func (s *Server) requireStaff(c *gin.Context) {
	if s.opts.Demo {
		c.Set(userKey, s.opts.DemoUser)
		c.Next()
		return
	}
	s.fail(c, feedback.Errorf(feedback.EUNAUTHORIZED, "Sign in as a staff member to see this page."))
	c.Abort()
}

// currentUser returns the signed-in user set by requireStaff.
func currentUser(c *gin.Context) (feedback.User, bool) {
	v, ok := c.Get(userKey)
	if !ok {
		return feedback.User{}, false
	}
	u, ok := v.(feedback.User)
	return u, ok
}
