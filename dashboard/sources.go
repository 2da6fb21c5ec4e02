package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// sourcesPage shows each source with its last run, counts and error, and how many outbox
// messages were given up on.
func (s *Server) sourcesPage(c *gin.Context) {
	list, err := s.store.Sources(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	depth, err := s.store.OutboxDepth(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	failed := 0
	for _, d := range depth {
		if d.Status == "failed" {
			failed += d.N
		}
	}
	s.render(c, http.StatusOK, "sources", words(c).T("common.sources"), gin.H{"Sources": list, "FailedPosts": failed})
}

// sourceRun makes a source due now: the next poll of `koe serve` (within 30 seconds) runs it.
func (s *Server) sourceRun(c *gin.Context) {
	if err := s.store.RequestRun(c.Request.Context(), c.Param("name")); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/sources")
}
