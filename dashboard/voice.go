package dashboard

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/triage"
)

// voiceView is one voice's page.
type voiceView struct {
	Item        feedback.Item
	Account     *feedback.Account
	Request     *feedback.Request
	Suggestions []feedback.Request
	Scores      []float64
	History     []store.AuditEntry
	CanEdit     bool
	Tags        []feedback.Tag
}

// voicePage shows a voice whole: the words, their context (agent replies, quoted mail), the
// source link, its account, request or suggestions, and its history.
func (s *Server) voicePage(c *gin.Context) {
	id, ok := s.idParam(c, "voice")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	it, err := s.store.FeedbackByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	u, _ := currentUser(c)
	v := voiceView{Item: it, CanEdit: allowed(u.Role, feedback.RoleCS), Tags: feedback.Tags}
	if it.AccountID != nil {
		if a, err := s.store.AccountByRef(ctx, strconv.FormatInt(*it.AccountID, 10)); err == nil {
			v.Account = &a
		}
	}
	if it.RequestID != nil {
		if r, err := s.store.RequestByID(ctx, *it.RequestID); err == nil {
			v.Request = &r
		}
	} else {
		s.suggestLazily(ctx, []int64{id})
		if v.Suggestions, v.Scores, err = s.store.Suggestions(ctx, id); err != nil {
			s.fail(c, err)
			return
		}
	}
	if v.History, err = s.store.History(ctx, "feedback", id); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "voice", fmt.Sprintf("#%d", id), v)
}

// voiceRequest creates a request from one voice and links it.
func (s *Server) voiceRequest(c *gin.Context) {
	id, ok := s.idParam(c, "voice")
	if !ok {
		return
	}
	s.createRequest(c, []int64{id})
}

func (s *Server) createRequest(c *gin.Context, voices []int64) {
	rid, err := s.store.CreateRequest(c.Request.Context(), c.PostForm("title"), voices, s.triager(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/requests/%d", rid))
}

// clustersPage shows groups of new voices that match no request but resemble each other:
// candidate requests, each one form away from existing.
func (s *Server) clustersPage(c *gin.Context) {
	list, err := triage.Clusters(c.Request.Context(), s.store, 5000, triage.ClusterSimilarity, 2)
	if err != nil {
		s.fail(c, err)
		return
	}
	u, _ := currentUser(c)
	s.render(c, http.StatusOK, "clusters", words(c).T("clusters.title"), gin.H{"Clusters": list, "CanEdit": allowed(u.Role, feedback.RoleCS)})
}

// clusterRequest creates a request from a group of voices.
func (s *Server) clusterRequest(c *gin.Context) {
	if ids, ok := s.voiceIDs(c, strings.Fields(c.PostForm("voices"))); ok {
		s.createRequest(c, ids)
	}
}
