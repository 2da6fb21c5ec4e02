package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest/textproc"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/store"
)

// sheetView is the feedback sheet page.
type sheetView struct {
	Filter   store.SheetFilter
	From, To string
	Rows     []store.SheetRow
	More     bool
	Next     string // the query of the next page
	Here     string // this page, to come back to after a change
	CanEdit  bool
	Tags     []feedback.Tag
	Sources  []feedback.SourceKind
	Statuses []feedback.Status
	// Languages are the voices' language codes, to filter by.
	Languages []string
	Views     []store.SavedView
	Query     string // this page's filters, to save as a view
	// Requests are the open requests a voice is likely linked to, for the request cells' list
	// (any request number may still be typed).
	Requests []feedback.Request
}

func sheetFilter(q url.Values) (store.SheetFilter, error) {
	f := store.SheetFilter{Source: feedback.SourceKind(q.Get("source")), Tag: q.Get("tag"), Status: feedback.Status(q.Get("status")),
		Language: q.Get("lang_filter"), Q: q.Get("q"), Sort: q.Get("sort"), Limit: 100}
	for _, d := range []struct {
		key string
		dst *int64
	}{{"account", &f.AccountID}, {"request", &f.RequestID}} {
		if v := q.Get(d.key); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return f, feedback.Errorf(feedback.EINVALID, "%s=%q: use an id.", d.key, v)
			}
			*d.dst = id
		}
	}
	for _, d := range []struct {
		key string
		dst *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(d.key); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, time.Local)
			if err != nil {
				return f, feedback.Errorf(feedback.EINVALID, "%s=%q: use a date such as 2026-11-01.", d.key, v)
			}
			*d.dst = t
		}
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // the whole last day
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, feedback.Errorf(feedback.EINVALID, "offset=%q: use a whole number.", v)
		}
		f.Offset = n
	}
	return f, nil
}

// feedbackPage is the CS feedback sheet: every voice with its account and triage work, filtered,
// sorted, editable in place by cs and admins.
func (s *Server) feedbackPage(c *gin.Context) {
	q := c.Request.URL.Query()
	f, err := sheetFilter(q)
	if err != nil {
		s.fail(c, err)
		return
	}
	rows, more, err := s.store.FeedbackSheet(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	// History an import left unsuggested gets its suggestions when it is first shown.
	var unsuggested []int64
	for _, r := range rows {
		if r.Item.RequestID == nil && r.SuggestedID == 0 && r.Item.Status == feedback.StatusNew {
			unsuggested = append(unsuggested, r.Item.ID)
		}
	}
	if s.suggestLazily(c.Request.Context(), unsuggested) > 0 {
		if rows, more, err = s.store.FeedbackSheet(c.Request.Context(), f); err != nil {
			s.fail(c, err)
			return
		}
	}
	u, _ := currentUser(c)
	next := url.Values{}
	for k, v := range q {
		next[k] = v
	}
	next.Set("offset", strconv.Itoa(f.Offset+f.Limit))
	v := sheetView{Filter: f, From: q.Get("from"), To: q.Get("to"), Rows: rows, More: more, Next: "/app/feedback?" + next.Encode(),
		Here: c.Request.URL.RequestURI(), CanEdit: allowed(u.Role, feedback.RoleCS), Tags: feedback.Tags,
		Sources: feedback.SourceKinds, Statuses: feedback.Statuses, Languages: textproc.Languages}
	if v.Views, err = s.store.Views(c.Request.Context(), u.ID); err != nil {
		s.fail(c, err)
		return
	}
	if v.CanEdit {
		if v.Requests, err = s.store.RequestChoices(c.Request.Context(), 300); err != nil {
			s.fail(c, err)
			return
		}
	}
	q.Del("offset")
	v.Query = q.Encode()
	s.render(c, http.StatusOK, "feedback", words(c).T("nav.feedback"), v)
}

// saveView saves the sheet's current filters under a name, for the signed-in user.
func (s *Server) saveView(c *gin.Context) {
	u, _ := currentUser(c)
	query := c.PostForm("query")
	if _, err := url.ParseQuery(query); err != nil {
		s.fail(c, userError(feedback.EINVALID, words(c).T("error.view_filters")))
		return
	}
	if err := s.store.SaveView(c.Request.Context(), u.ID, c.PostForm("name"), query); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/feedback?"+query)
}

// deleteView removes one of the signed-in user's views.
func (s *Server) deleteView(c *gin.Context) {
	u, _ := currentUser(c)
	id, ok := s.idParam(c, "view")
	if !ok {
		return
	}
	if err := s.store.DeleteView(c.Request.Context(), u.ID, id); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/feedback")
}

func (s *Server) triager(c *gin.Context) store.Triager {
	u, _ := currentUser(c)
	return store.Triager{UserID: u.ID, Actor: u.Email}
}

// back returns to the sheet page the change came from.
func back(c *gin.Context) { redirectBack(c, "/app/feedback") }

// redirectBack goes to the form's "back" page when it is one of ours under prefix (never
// another site), else to prefix.
func redirectBack(c *gin.Context, prefix string) {
	c.Redirect(http.StatusSeeOther, safeBack(c.PostForm("back"), prefix))
}

// requestNumber reads a request's number as people write it or pick it from the list: 12, #12,
// "#12 CSV export".
func requestNumber(p locale.Printer, v string) (int64, error) {
	n, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(v), "#"), " ")
	id, err := strconv.ParseInt(n, 10, 64)
	if err != nil || id <= 0 {
		return 0, userError(feedback.EINVALID, p.T("error.not_a_request_number", "Value", v))
	}
	return id, nil
}

// idParam reads the route's :id; what names the thing for the 404 ("voice", "request").
func (s *Server) idParam(c *gin.Context, what string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err == nil && id > 0 {
		return id, true
	}
	p, raw := words(c), c.Param("id")
	var msg string
	switch what {
	case "account":
		msg = p.T("error.no_account", "ID", raw)
	case "view":
		msg = p.T("error.no_view", "ID", raw)
	case "request":
		msg = p.T("error.no_request", "ID", raw)
	case "token":
		msg = p.T("error.no_token", "ID", raw)
	default:
		msg = p.T("error.no_voice", "ID", raw)
	}
	s.fail(c, userError(feedback.ENOTFOUND, msg))
	return 0, false
}

// voiceIDs reads voice ids, answering 400 for one that is not a number or for none at all.
func (s *Server) voiceIDs(c *gin.Context, values []string) ([]int64, bool) {
	var ids []int64
	for _, v := range values {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.fail(c, userError(feedback.EINVALID, words(c).T("error.not_a_voice_id", "Value", v)))
			return nil, false
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		s.fail(c, userError(feedback.EINVALID, words(c).T("error.select_a_voice")))
		return nil, false
	}
	return ids, true
}

// feedbackEdit saves a row's tag, insight and who-benefits.
func (s *Server) feedbackEdit(c *gin.Context) {
	id, ok := s.idParam(c, "voice")
	if !ok {
		return
	}
	tag := feedback.Tag(c.PostForm("tag"))
	insight, who := strings.TrimSpace(c.PostForm("insight")), strings.TrimSpace(c.PostForm("who_benefits"))
	if _, err := s.store.EditFeedback(c.Request.Context(), []int64{id}, store.TriageEdit{Tag: &tag, Insight: &insight, WhoBenefits: &who}, s.triager(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.changed(c, id)
}

// feedbackLink links a voice to a request (the suggestion, or an id typed in).
func (s *Server) feedbackLink(c *gin.Context) {
	id, ok := s.idParam(c, "voice")
	if !ok {
		return
	}
	req, err := requestNumber(words(c), c.PostForm("request_id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.store.LinkFeedback(c.Request.Context(), id, req, s.triager(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.changed(c, id)
}

// feedbackBulk tags, ignores, marks as spam or reopens the selected voices.
func (s *Server) feedbackBulk(c *gin.Context) {
	ids, ok := s.voiceIDs(c, c.PostFormArray("ids"))
	if !ok {
		return
	}
	var e store.TriageEdit
	action := c.PostForm("action")
	switch {
	case action == "link":
		req, err := requestNumber(words(c), c.PostForm("request_id"))
		if err != nil {
			s.fail(c, err)
			return
		}
		if _, err := s.store.LinkFeedbackMany(c.Request.Context(), ids, req, s.triager(c)); err != nil {
			s.fail(c, err)
			return
		}
		s.changed(c, ids...)
		return
	case strings.HasPrefix(action, "tag:"):
		tag := feedback.Tag(strings.TrimPrefix(action, "tag:"))
		e.Tag = &tag
	case action == "ignored" || action == "spam" || action == "new":
		st := feedback.Status(action)
		e.Status = &st
	default:
		s.fail(c, userError(feedback.EINVALID, words(c).T("error.pick_action")))
		return
	}
	if _, err := s.store.EditFeedback(c.Request.Context(), ids, e, s.triager(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.changed(c, ids...)
}

// lazySuggestTime bounds how long a page waits for suggestions it makes on the way.
const lazySuggestTime = 3 * time.Second

// suggestLazily stores suggestions for those of ids that have none yet (Options.SuggestVoices),
// within lazySuggestTime, and returns how many it did. It never fails the page: an error is
// logged and the page shows what is stored.
func (s *Server) suggestLazily(ctx context.Context, ids []int64) int {
	if s.opts.SuggestVoices == nil || len(ids) == 0 {
		return 0
	}
	ctx, cancel := context.WithTimeout(ctx, lazySuggestTime)
	defer cancel()
	n, err := s.opts.SuggestVoices(ctx, ids)
	if err != nil {
		s.log.Warn("dashboard: suggesting for voices shown", "voices", len(ids), "err", err)
	}
	return n
}
