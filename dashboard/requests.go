package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
)

// requestsPage is the staff list of requests, most revenue behind them first.
func (s *Server) requestsPage(c *gin.Context) {
	reqs, err := s.store.RequestSummaries(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "requests", "Requests", reqs)
}

func (s *Server) requestsJSON(c *gin.Context) {
	reqs, err := s.store.RequestSummaries(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	if reqs == nil {
		reqs = []feedback.RequestSummary{}
	}
	c.JSON(http.StatusOK, gin.H{"requests": reqs})
}
