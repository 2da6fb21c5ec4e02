package dashboard

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

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
	// Texts are the public words in each catalog language, by language.
	Texts map[string]store.PublicText
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
	texts, err := s.store.PublicTexts(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	u, _ := currentUser(c)
	s.render(c, http.StatusOK, "request", r.Title, requestView{Texts: texts, Request: r, Accounts: accounts, Voices: voices, More: more,
		Chart: timelineSVG(fillMonths(timeline, time.Now()), lang(c), s.opts.Currency), CanEdit: allowed(u.Role, feedback.RolePO),
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
	// The public words in each language, where the form has them (a form of before they
	// existed leaves them alone).
	var texts []store.PublicText
	for _, l := range locale.Languages() {
		if _, ok := c.GetPostForm("public_title_" + l); ok {
			texts = append(texts, store.PublicText{Lang: l, Title: strings.TrimSpace(c.PostForm("public_title_" + l)),
				Description: strings.TrimSpace(c.PostForm("public_description_" + l)), Note: strings.TrimSpace(c.PostForm("public_note_" + l))})
		}
	}
	if err := s.store.SetPublicTexts(c.Request.Context(), id, texts, u.Email); err != nil {
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

// fillMonths puts the months with no voice back between a request's first month and the later
// of its last and now's, so that a quiet spell shows as one.
func fillMonths(points []store.TimelinePoint, now time.Time) []store.TimelinePoint {
	if len(points) == 0 {
		return nil
	}
	at := map[time.Time]store.TimelinePoint{}
	for _, p := range points {
		at[p.Month.UTC()] = p
	}
	first := points[0].Month.UTC()
	last := points[len(points)-1].Month.UTC()
	if n := time.Date(now.UTC().Year(), now.UTC().Month(), 1, 0, 0, 0, 0, time.UTC); n.After(last) {
		last = n
	}
	var out []store.TimelinePoint
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		p, ok := at[m]
		if !ok {
			p = store.TimelinePoint{Month: m}
		}
		out = append(out, p)
	}
	return out
}

// timelineSVG draws voices a month as bars (left axis) and the MRR newly asking, summed over
// time, as a line (right axis), with a legend. Only numbers, dates and catalog words go into it.
func timelineSVG(points []store.TimelinePoint, lang, currency string) template.HTML {
	if len(points) == 0 {
		return ""
	}
	const w, h, pad, top = 640, 200, 44, 36
	maxV, total := 1, int64(0)
	var cum []int64
	for _, p := range points {
		maxV = max(maxV, p.Voices)
		total += p.NewMRRMinor
		cum = append(cum, total)
	}
	maxM := max(total, 1)
	step := float64(w-2*pad) / float64(len(points))
	base, height := float64(h-24), float64(h-24-top)
	var b strings.Builder
	word := func(id string) string { return template.HTMLEscapeString(locale.T(lang, id)) }
	fmt.Fprintf(&b, `<svg viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" class="chart">`, w, h, word("request.chart_label"))
	// Legend.
	fmt.Fprintf(&b, `<rect x="%d" y="8" width="12" height="10" fill="#c9d6f5"/><text x="%d" y="17" font-size="11" fill="#1d232b">%s</text>`, pad, pad+16, word("request.chart_voices"))
	fmt.Fprintf(&b, `<line x1="%d" y1="13" x2="%d" y2="13" stroke="#2f5bd3" stroke-width="2"/><text x="%d" y="17" font-size="11" fill="#1d232b">%s</text>`, w/2, w/2+14, w/2+18, word("request.chart_mrr"))
	// Axes: voices on the left, MRR on the right, each from 0 to its top.
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%.0f" stroke="#dfe3e8"/>`, pad, top, pad, base)
	fmt.Fprintf(&b, `<line x1="%d" y1="%.0f" x2="%d" y2="%.0f" stroke="#dfe3e8"/>`, pad, base, w-pad, base)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" text-anchor="end" fill="#5b6470">%d</text>`, pad-4, top+4, maxV)
	fmt.Fprintf(&b, `<text x="%d" y="%.0f" font-size="10" text-anchor="end" fill="#5b6470">0</text>`, pad-4, base)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" fill="#2f5bd3">%s</text>`, w-pad+4, top+4, feedback.Money{Minor: total, Currency: currency}.String())
	fmt.Fprintf(&b, `<text x="%d" y="%.0f" font-size="10" fill="#2f5bd3">0</text>`, w-pad+4, base)
	var line []string
	for i, p := range points {
		x := pad + float64(i)*step
		bh := height * float64(p.Voices) / float64(maxV)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#c9d6f5"><title>%s: %d</title></rect>`,
			x+step*0.15, base-bh, step*0.7, bh, p.Month.Format("2006-01"), p.Voices)
		line = append(line, fmt.Sprintf("%.1f,%.1f", x+step/2, base-height*float64(cum[i])/float64(maxM)))
		if len(points) <= 12 || i%(len(points)/12+1) == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="10" text-anchor="middle" fill="#5b6470">%s</text>`, x+step/2, h-8, p.Month.Format("06-01"))
		}
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#2f5bd3" stroke-width="2"/>`, strings.Join(line, " "))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // numbers, dates and escaped catalog words only
}
