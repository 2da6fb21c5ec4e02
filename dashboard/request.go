package dashboard

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/store"
)

// requestView is the request page.
type requestView struct {
	Request  feedback.Request
	Accounts []store.RequestAccount
	Voices   []store.SheetRow
	More     bool
	Chart    template.HTML
	CanEdit  bool
	Statuses []feedback.RequestStatus
}

// requestPage shows a request: its wording, status, the accounts asking, its voices and how
// they grew.
func (s *Server) requestPage(c *gin.Context) {
	id, ok := s.idParam(c, "request")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	r, err := s.store.RequestByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if r.MergedInto != nil {
		c.Redirect(http.StatusFound, fmt.Sprintf("/app/requests/%d", *r.MergedInto))
		return
	}
	accounts, err := s.store.RequestAccounts(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	voices, more, err := s.store.FeedbackSheet(ctx, store.SheetFilter{RequestID: id, Limit: 50})
	if err != nil {
		s.fail(c, err)
		return
	}
	rates, err := s.store.Rates(ctx, s.opts.Currency)
	if err != nil {
		s.fail(c, err)
		return
	}
	timeline, err := s.store.RequestTimeline(ctx, id, rates)
	if err != nil {
		s.fail(c, err)
		return
	}
	u, _ := currentUser(c)
	s.render(c, http.StatusOK, "request", r.Title, requestView{Request: r, Accounts: accounts, Voices: voices, More: more,
		Chart: timelineSVG(timeline, lang(c), s.opts.Currency), CanEdit: allowed(u.Role, feedback.RolePO),
		Statuses: feedback.RequestStatuses})
}

// requestEdit saves a request's wording, status, public flag and public note.
func (s *Server) requestEdit(c *gin.Context) {
	id, ok := s.idParam(c, "request")
	if !ok {
		return
	}
	field := func(name string) *string { v := c.PostForm(name); return &v }
	status := feedback.RequestStatus(c.PostForm("status"))
	public := c.PostForm("public") == "on"
	e := store.RequestEdit{Title: field("title"), Description: field("description"), PublicTitle: field("public_title"),
		PublicDescription: field("public_description"), PublicNote: field("public_note"), Status: &status, Public: &public}
	u, _ := currentUser(c)
	if err := s.store.UpdateRequest(c.Request.Context(), id, e, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	s.roadmap.forget()
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/requests/%d", id))
}

// requestMerge merges the request into another; its voices move there.
func (s *Server) requestMerge(c *gin.Context) {
	id, ok := s.idParam(c, "request")
	if !ok {
		return
	}
	into, err := requestNumber(words(c), c.PostForm("into"))
	if err != nil {
		s.fail(c, err)
		return
	}
	u, _ := currentUser(c)
	if _, err := s.store.MergeRequest(c.Request.Context(), id, into, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	s.roadmap.forget()
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/requests/%d", into))
}

// timelineSVG draws voices a month as bars and the MRR newly asking, summed over time, as a
// line. Only numbers and dates go into it.
func timelineSVG(points []store.TimelinePoint, lang, currency string) template.HTML {
	if len(points) == 0 {
		return ""
	}
	const w, h, pad = 640, 180, 28
	maxV, total := 1, int64(0)
	var cum []int64
	for _, p := range points {
		maxV = max(maxV, p.Voices)
		total += p.NewMRRMinor
		cum = append(cum, total)
	}
	maxM := max(total, 1)
	step := float64(w-2*pad) / float64(len(points))
	var b strings.Builder
	label := template.HTMLEscapeString(locale.T(lang, "request.chart_label"))
	fmt.Fprintf(&b, `<svg viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" class="chart">`, w, h, label)
	var line []string
	for i, p := range points {
		x := pad + float64(i)*step
		bh := float64(h-2*pad) * float64(p.Voices) / float64(maxV)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#c9d6f5"><title>%s: %d</title></rect>`,
			x+step*0.15, float64(h-pad)-bh, step*0.7, bh, p.Month.Format("2006-01"), p.Voices)
		line = append(line, fmt.Sprintf("%.1f,%.1f", x+step/2, float64(h-pad)-float64(h-2*pad)*float64(cum[i])/float64(maxM)))
		if len(points) <= 12 || i%(len(points)/12+1) == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="10" text-anchor="middle" fill="#5b6470">%s</text>`, x+step/2, h-8, p.Month.Format("06-01"))
		}
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#2f5bd3" stroke-width="2"/>`, strings.Join(line, " "))
	fmt.Fprintf(&b, `<text x="%d" y="14" font-size="11" fill="#2f5bd3">%s</text>`, pad, feedback.Money{Minor: total, Currency: currency}.String())
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // numbers and dates only
}
