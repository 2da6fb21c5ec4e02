package dashboard

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/triage"
)

// backlogSize is how many requests the staff list shows.
const backlogSize = 200

// ranked is the backlog by revenue at stake, with the saved weights.
func (s *Server) ranked(ctx context.Context, explain int) ([]scoring.Ranked, error) {
	w, err := triage.Weights(ctx, s.store)
	if err != nil {
		return nil, err
	}
	list, err := triage.Rank(ctx, s.store, feedback.BacklogFilter{}, w, time.Now(), explain)
	if err != nil {
		return nil, err
	}
	if len(list) > backlogSize {
		list = list[:backlogSize]
	}
	return list, nil
}

// requestsPage is the staff list of requests, most revenue at stake first.
func (s *Server) requestsPage(c *gin.Context) {
	list, err := s.ranked(c.Request.Context(), 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "requests", "Requests", list)
}

// requestsJSON is the same list with each request's breakdown.
func (s *Server) requestsJSON(c *gin.Context) {
	list, err := s.ranked(c.Request.Context(), backlogSize)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"requests": list})
}
