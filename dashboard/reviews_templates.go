package dashboard

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest/textproc"
	"github.com/koehq/koe/store"
)

// replyTemplatesPage lists the reply templates, with the form to add or change one for the roles
// that may reply.
func (s *Server) replyTemplatesPage(c *gin.Context) {
	list, err := s.store.ReplyTemplates(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	u, _ := currentUser(c)
	s.render(c, http.StatusOK, "reviews_templates", words(c).T("reply_template.title"), gin.H{
		"Templates": list, "Bands": store.ReplyBands, "Languages": textproc.Languages, "CanReply": mayReply(u.Role)})
}

// saveReplyTemplate adds a template (no id) or changes one.
func (s *Server) saveReplyTemplate(c *gin.Context) {
	u, _ := currentUser(c)
	id, _ := strconv.ParseInt(c.PostForm("id"), 10, 64)
	t := store.ReplyTemplate{ID: id, Name: c.PostForm("name"), Language: c.PostForm("language"), Band: c.PostForm("band"), Body: c.PostForm("body")}
	if t.Name == "" || t.Body == "" || t.Language == "" {
		s.fail(c, userError(feedback.EINVALID, words(c).T("reply_template.incomplete")))
		return
	}
	if _, err := s.store.SaveReplyTemplate(c.Request.Context(), t, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/reviews/templates")
}

// deleteReplyTemplate removes a template; replies started from it keep their words.
func (s *Server) deleteReplyTemplate(c *gin.Context) {
	u, _ := currentUser(c)
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	if err := s.store.DeleteReplyTemplate(c.Request.Context(), id, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/reviews/templates")
}
