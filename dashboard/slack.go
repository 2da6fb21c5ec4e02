package dashboard

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/redact"
	"github.com/koehq/koe/store"
)

// slackView is the outbox page (Slack, mail, webhooks): what was given up on, then the latest.
type slackView struct {
	Failed, Recent []store.OutboxEntry
}

// slackPage shows the outbox, so a message Slack refused is seen and, by an admin, retried.
func (s *Server) slackPage(c *gin.Context) {
	ctx := c.Request.Context()
	failed, err := s.store.Outbox(ctx, "", true, 100)
	if err != nil {
		s.fail(c, err)
		return
	}
	recent, err := s.store.Outbox(ctx, "", false, 50)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "slack", words(c).T("nav.outbox"), slackView{Failed: maskReceivers(failed), Recent: maskReceivers(recent)})
}

// maskReceivers hides the credentials and query values of webhook receivers' URLs (where their
// tokens travel): every viewer sees this page.
func maskReceivers(entries []store.OutboxEntry) []store.OutboxEntry {
	for i := range entries {
		if entries[i].Target == store.TargetWebhook {
			entries[i].Channel = redact.URL(entries[i].Channel)
		}
	}
	return entries
}

// slackRetry puts failed messages back in the queue: the one in the form's id, or all.
func (s *Server) slackRetry(c *gin.Context) {
	var id int64
	if v := c.PostForm("id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.fail(c, userError(feedback.EINVALID, words(c).T("error.not_an_outbox_id", "Value", v)))
			return
		}
		id = n
	}
	if _, err := s.store.RetryFailed(c.Request.Context(), "", id); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/slack")
}
