package dashboard

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/triage"
)

// weightField is one ranking weight as the form shows it.
type weightField struct {
	Key   string
	Value string
	Bool  bool
	On    bool
}

// movedRequest is a request's place before and after a weight change.
type movedRequest struct {
	Title              string
	RequestID          int64
	Before, After      int
	ScoreBefore, Score float64
}

func weightFields(w scoring.Weights) []weightField {
	b, _ := json.Marshal(w)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	var out []weightField
	for k, v := range m {
		f := weightField{Key: k}
		if on, ok := v.(bool); ok {
			f.Bool, f.On = true, on
		} else {
			f.Value = strconv.FormatFloat(v.(float64), 'f', -1, 64)
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// parseWeights reads weights from form values named by the weights' JSON keys; a checkbox that
// is absent is false. A value that is no number is told in p's words, the field by its label.
func parseWeights(values url.Values, p locale.Printer) (scoring.Weights, error) {
	m := map[string]any{}
	for _, f := range weightFields(scoring.DefaultWeights) {
		if f.Bool {
			m[f.Key] = values.Get(f.Key) == "on"
			continue
		}
		x, err := strconv.ParseFloat(values.Get(f.Key), 64)
		if err != nil {
			return scoring.Weights{}, userError(feedback.EINVALID, p.T("error.weight_not_a_number", "Field", p.Label("weights.field", f.Key), "Value", values.Get(f.Key)))
		}
		m[f.Key] = x
	}
	b, _ := json.Marshal(m)
	var w scoring.Weights
	if err := json.Unmarshal(b, &w); err != nil {
		return w, userError(feedback.EINVALID, p.T("error.weight_whole_days", "Field", p.Label("weights.field", "renewal_within_days")))
	}
	if err := w.Validate(); err != nil {
		return w, feedback.Errorf(feedback.EINVALID, "%s", err.Error())
	}
	return w, nil
}

// weightsPage shows the ranking weights; with ?preview and proposed values it shows how the top
// of the backlog would move before anything is saved.
func (s *Server) weightsPage(c *gin.Context) {
	ctx := c.Request.Context()
	current, err := triage.Weights(ctx, s.store)
	if err != nil {
		s.fail(c, err)
		return
	}
	u, _ := currentUser(c)
	view := gin.H{"Fields": weightFields(current), "CanEdit": u.Role == feedback.RoleAdmin}
	if c.Query("preview") != "" {
		proposed, err := parseWeights(c.Request.URL.Query(), words(c))
		if err != nil {
			s.fail(c, err)
			return
		}
		now := time.Now()
		q := triage.Query{Currency: s.opts.Currency}
		before, err := s.backlogs.Rank(ctx, s.store, q, current, now, 0)
		if err != nil {
			s.fail(c, err)
			return
		}
		after, err := triage.Rank(ctx, s.store, q, proposed, now, 0)
		if err != nil {
			s.fail(c, err)
			return
		}
		was := map[int64]scoring.Ranked{}
		for _, r := range before.Requests {
			was[r.RequestID] = r
		}
		var moved []movedRequest
		for _, r := range after.Requests[:min(len(after.Requests), 20)] {
			moved = append(moved, movedRequest{Title: r.Title, RequestID: r.RequestID, Before: was[r.RequestID].Rank, After: r.Rank,
				ScoreBefore: was[r.RequestID].Score, Score: r.Score})
		}
		view["Fields"], view["Preview"] = weightFields(proposed), moved
	}
	s.render(c, http.StatusOK, "weights", words(c).T("weights.title"), view)
}

// saveWeights saves the ranking weights (admins), with the audit log.
func (s *Server) saveWeights(c *gin.Context) {
	if err := c.Request.ParseForm(); err != nil {
		s.fail(c, userError(feedback.EINVALID, words(c).T("error.bad_form")))
		return
	}
	w, err := parseWeights(c.Request.PostForm, words(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	u, _ := currentUser(c)
	if err := s.store.SaveSetting(c.Request.Context(), triage.WeightsKey, w, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/weights")
}
