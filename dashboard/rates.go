package dashboard

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
)

type ratesView struct {
	Base    string
	Rates   []feedback.Rate
	CanEdit bool
	Today   string
}

// ratesPage lists the exchange rates to the base currency; admins may set them.
func (s *Server) ratesPage(c *gin.Context) {
	list, err := s.store.RateList(c.Request.Context(), s.opts.Currency)
	if err != nil {
		s.fail(c, err)
		return
	}
	u, _ := currentUser(c)
	s.render(c, http.StatusOK, "rates", words(c).T("rates.title"), ratesView{Base: s.opts.Currency, Rates: list,
		CanEdit: u.Role == feedback.RoleAdmin, Today: time.Now().In(s.opts.Location).Format("2006-01-02")})
}

// saveRates sets the rates of the form ("USD=150.25 EUR=162", from its date), with the audit log.
func (s *Server) saveRates(c *gin.Context) {
	on, err := time.Parse("2006-01-02", c.PostForm("on"))
	if err != nil {
		s.fail(c, feedback.Errorf(feedback.EINVALID, "%s", words(c).T("rates.bad_date")))
		return
	}
	var rates []feedback.Rate
	for _, f := range strings.Fields(strings.ReplaceAll(c.PostForm("rates"), ",", " ")) {
		r, err := feedback.ParseRate(f, s.opts.Currency, on)
		if err != nil {
			s.fail(c, err)
			return
		}
		rates = append(rates, r)
	}
	u, _ := currentUser(c)
	if err := s.store.SetRates(c.Request.Context(), s.opts.Currency, rates, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/rates")
}
