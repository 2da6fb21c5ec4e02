package dashboard

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
)

// The sheet saves in place: its script posts the same forms with Accept: application/json and
// gets back which voices changed, then redraws those rows from feedbackRow. Without the script
// the forms post as they are and come back to the sheet page.

// wantsJSON reports whether the caller asked for a JSON answer (the sheet's script does).
func wantsJSON(c *gin.Context) bool {
	return strings.Contains(c.GetHeader("Accept"), "application/json")
}

// changed answers a change to voices: their ids to the script, else back to the sheet.
func (s *Server) changed(c *gin.Context, ids ...int64) {
	if !wantsJSON(c) {
		back(c)
		return
	}
	if ids == nil {
		ids = []int64{}
	}
	c.JSON(http.StatusOK, gin.H{"ids": ids})
}

// feedbackUnlink takes a voice off its request.
func (s *Server) feedbackUnlink(c *gin.Context) {
	id, ok := s.idParam(c, "voice")
	if !ok {
		return
	}
	if err := s.store.UnlinkFeedback(c.Request.Context(), id, s.triager(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.changed(c, id)
}

// feedbackUndo puts back what the signed-in person's last change to voices replaced.
func (s *Server) feedbackUndo(c *gin.Context) {
	ids, err := s.store.UndoLast(c.Request.Context(), s.triager(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.changed(c, ids...)
}

// feedbackRow is one row of the sheet as the sheet page draws it, for the script to put in place.
func (s *Server) feedbackRow(c *gin.Context) {
	id, ok := s.idParam(c, "voice")
	if !ok {
		return
	}
	rows, _, err := s.store.FeedbackSheet(c.Request.Context(), store.SheetFilter{ID: id, Limit: 1})
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(rows) == 0 {
		s.fail(c, userError(feedback.ENOTFOUND, words(c).T("error.no_voice", "ID", c.Param("id"))))
		return
	}
	u, _ := currentUser(c)
	v := &sheetView{CanEdit: allowed(u.Role, feedback.RoleCS), Tags: feedback.Tags, Here: "/app/feedback"}
	if back := c.Query("back"); strings.HasPrefix(back, "/app/feedback") {
		v.Here = back
	}
	var buf bytes.Buffer
	t := s.pages[lang(c)]["feedback"]
	if err := t.ExecuteTemplate(&buf, "row", map[string]any{"R": rows[0], "V": v, "CSRF": c.GetString(csrfKey)}); err != nil {
		s.log.Error("render row", "err", err)
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// A suggestion's score as people read it, with the bands measured on BANKING77 (see
// scoring.StrengthOf): a one-key link is offered from scoring.NoMatchScore; under it the sheet
// says there is no good match — the voice may ask for something new.

// offered reports whether a suggestion is good enough to link with one key.
func offered(score float64) bool { return score >= scoring.NoMatchScore }

// calibrated puts the score of a suggestion of the request titled title for a voice in language
// lang on the same-language scale offered and strength read (scoring.Calibrated).
func calibrated(lang, title string, score float64) float64 {
	return scoring.Calibrated(score, lang == "ja", scoring.Japanese(title))
}

// strength is the message id of how sure a suggestion is (strength.strong … strength.none).
func strength(score float64) string { return "strength." + scoring.StrengthOf(score) }
