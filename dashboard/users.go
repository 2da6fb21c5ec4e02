package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
)

type usersView struct {
	Users []feedback.User
	// Me is the admin looking at the page, who is marked and cannot remove themselves here.
	Me string
}

// usersPage lists the staff (admins): email, name, role, last seen, and a button that removes one.
func (s *Server) usersPage(c *gin.Context) {
	list, err := s.store.Users(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	u, _ := currentUser(c)
	s.render(c, http.StatusOK, "users", words(c).T("users.title"), usersView{Users: list, Me: u.Email})
}

// removeUser takes a staff member away as `koe users remove` does: their sessions end in the same
// transaction, and the removal is audited under the admin who pressed the button.
func (s *Server) removeUser(c *gin.Context) {
	u, _ := currentUser(c)
	if _, err := s.store.RemoveUser(c.Request.Context(), c.PostForm("email"), u.Email); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/users")
}
