package dashboard

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/store"
)

// page is what every template gets.
type page struct {
	Title   string
	Company string
	Lang    string
	Demo    bool
	Staff   bool
	User    feedback.User
	// CSRF goes in every form that changes something.
	CSRF string
	// Path is this page's address, to come back to.
	Path string
	// Logo and Brand are the company's logo and accent colour (public pages and the customer's).
	Logo, Brand string
	Data        any
	// ReviewsLate is how many reviews have waited for an answer longer than a week (the
	// navigation's count).
	ReviewsLate int
}

// render answers with a page for the signed-in user (staff or customer).
func (s *Server) render(c *gin.Context, status int, name, title string, data any) {
	user, staff := currentUser(c)
	p := page{Title: title, Company: s.opts.CompanyName, Lang: lang(c), Demo: s.opts.Demo, Staff: staff, User: user,
		CSRF: c.GetString(csrfKey), Path: c.Request.URL.RequestURI(), Logo: s.opts.LogoURL, Brand: s.opts.BrandColor, Data: data}
	if staff {
		p.ReviewsLate = s.lateReviews(c)
	}
	if customer, ok := c.Get(customerKey); ok {
		p.CSRF = customer.(store.CustomerSession).CSRF
	}
	body, err := s.execute(name, p)
	if err != nil {
		c.String(http.StatusInternalServerError, "internal error\n")
		return
	}
	c.Data(status, "text/html; charset=utf-8", body)
}

// renderPublic renders a page for anyone: no user, no form token, so that the answer may be
// cached and served to everybody.
func (s *Server) renderPublic(name, lang, title string, data any) ([]byte, error) {
	return s.execute(name, page{Title: title, Company: s.opts.CompanyName, Lang: lang, Logo: s.opts.LogoURL, Brand: s.opts.BrandColor, Data: data})
}

// execute renders into a buffer first, so a failing template never sends half a page.
func (s *Server) execute(name string, p page) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.pages[locale.Or(p.Lang, locale.Default)][name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

func (s *Server) message(c *gin.Context, status int, title, text string) {
	s.render(c, status, "message", title, messageView{Text: text, Back: backFrom(c)})
}

// messageView is a page that says one thing, with the way on: back to where the reader came
// from, and where to sign in when that is the way on.
type messageView struct {
	Text, SignIn, Back string
}

// fail answers an error: its code picks the status, its message is shown in the reader's
// language with a way back, internals are logged.
func (s *Server) fail(c *gin.Context, err error) {
	code := feedback.ErrorCode(err)
	status := feedback.HTTPStatus(code)
	p := words(c)
	text := feedback.ErrorMessage(err)
	if code == feedback.EINTERNAL {
		text = p.T("error.internal_text")
	}
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "request_id", c.GetString(requestIDKey), "route", c.FullPath(), "err", err)
	}
	if strings.HasSuffix(c.Request.URL.Path, ".json") || wantsJSON(c) {
		c.JSON(status, gin.H{"error": gin.H{"code": code, "message": text}})
		return
	}
	v := messageView{Text: text, Back: backFrom(c)}
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		v.SignIn = "/signin" // staff
		if strings.HasPrefix(c.Request.URL.Path, "/account") {
			v.SignIn = "/account/signin" // a customer
		}
	}
	s.render(c, status, "message", errorTitle(p, status), v)
}

// backFrom is where a message page sends the reader back to: the page of this site they came
// from, else the list the failing address belongs to.
func backFrom(c *gin.Context) string {
	if ref, err := url.Parse(c.Request.Referer()); err == nil && ref.Host == c.Request.Host && ref.Path != "" && ref.RequestURI() != c.Request.URL.RequestURI() {
		return ref.RequestURI()
	}
	parts := strings.SplitN(strings.TrimPrefix(c.Request.URL.Path, "/"), "/", 3)
	switch {
	case parts[0] == "app" && len(parts) > 1 && parts[1] != "":
		return "/app/" + strings.TrimSuffix(strings.TrimSuffix(parts[1], ".json"), ".csv")
	case parts[0] == "account" || parts[0] == "roadmap":
		return "/" + parts[0]
	}
	return "/"
}
