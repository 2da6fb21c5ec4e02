package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/store"
)

// slackView is the Slack outbox page: what was given up on, then the latest messages.
type slackView struct {
	Failed, Recent []store.OutboxEntry
}

// slackPage shows the outbox, so a message Slack refused is seen (and retried with
// `koe slack retry ID`).
func (s *Server) slackPage(c *gin.Context) {
	ctx := c.Request.Context()
	failed, err := s.store.Outbox(ctx, true, 100)
	if err != nil {
		s.fail(c, err)
		return
	}
	recent, err := s.store.Outbox(ctx, false, 50)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "slack", "Slack", slackView{Failed: failed, Recent: recent})
}
