package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
)

type statusGroup struct {
	Status   feedback.RequestStatus
	Requests []feedback.PublicRequest
}

// roadmapPage lists the public requests grouped by status. It reads only PublicRequests, which
// carries no internal field.
func (s *Server) roadmapPage(c *gin.Context) {
	reqs, err := s.store.PublicRequests(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	var groups []statusGroup
	for _, st := range []feedback.RequestStatus{feedback.InProgress, feedback.Planned, feedback.UnderReview, feedback.Shipped} {
		g := statusGroup{Status: st}
		for _, r := range reqs {
			if r.Status == st {
				g.Requests = append(g.Requests, r)
			}
		}
		if len(g.Requests) > 0 {
			groups = append(groups, g)
		}
	}
	title := "Roadmap"
	if lang(c) == "ja" {
		title = "ロードマップ"
	}
	s.render(c, http.StatusOK, "roadmap", title, groups)
}

func (s *Server) roadmapJSON(c *gin.Context) {
	reqs, err := s.store.PublicRequests(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	if reqs == nil {
		reqs = []feedback.PublicRequest{}
	}
	c.JSON(http.StatusOK, gin.H{"requests": reqs})
}
