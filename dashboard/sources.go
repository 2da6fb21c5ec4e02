package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// sourcesPage shows each source with its last run, counts and error, and the Slack outbox's
// failures.
func (s *Server) sourcesPage(c *gin.Context) {
	list, err := s.store.Sources(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	failed, err := s.store.Outbox(c.Request.Context(), true, 20)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "sources", "Sources", gin.H{"Sources": list, "FailedPosts": len(failed)})
}

// sourceRun makes a source due now: the next poll of `koe serve` (within 30 seconds) runs it.
func (s *Server) sourceRun(c *gin.Context) {
	if err := s.store.RequestRun(c.Request.Context(), c.Param("name")); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/sources")
}
