package dashboard

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// backlogViewLink is one of a user's saved views of the backlog, ready to open.
type backlogViewLink struct {
	ID   int64
	Name string
	URL  template.URL
	// Current is the view the page shows now.
	Current bool
}

// backlogViews lists the user's saved views of the backlog, each linked to the backlog with its
// filters (re-encoded, so that only safe characters reach the link); here is the page's own
// query, as a view would save it.
func (s *Server) backlogViews(c *gin.Context, userID int64, here string) ([]backlogViewLink, error) {
	views, err := s.store.PageViews(c.Request.Context(), store.ViewsBacklog, userID)
	if err != nil {
		return nil, err
	}
	out := make([]backlogViewLink, len(views))
	for i, v := range views {
		q, _ := url.ParseQuery(v.Query)
		out[i] = backlogViewLink{ID: v.ID, Name: v.Name, URL: template.URL("/app/requests?" + q.Encode()), Current: q.Encode() == here}
	}
	return out, nil
}

// saveBacklogView saves the backlog's current filters and statuses under a name, for the
// signed-in user; the same name again replaces the view.
func (s *Server) saveBacklogView(c *gin.Context) {
	u, _ := currentUser(c)
	q, err := url.ParseQuery(c.PostForm("query"))
	if err != nil {
		s.fail(c, userError(feedback.EINVALID, words(c).T("error.view_filters")))
		return
	}
	query := csvQuery(q)
	if err := s.store.SavePageView(c.Request.Context(), store.ViewsBacklog, u.ID, c.PostForm("name"), query); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/requests?"+query)
}

// deleteBacklogView removes one of the signed-in user's views of the backlog.
func (s *Server) deleteBacklogView(c *gin.Context) {
	u, _ := currentUser(c)
	id, ok := s.idParam(c, "view")
	if !ok {
		return
	}
	if err := s.store.DeletePageView(c.Request.Context(), store.ViewsBacklog, u.ID, id); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/requests")
}
