package dashboard

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
)

// Staff sign-in by a one-time link by mail, when SMTP is set up: the customers' rules (the link
// works once, for LinkLimits.TTL, behind a button; rate limits per address and per IP; the same
// answer for an address that is staff and one that is not, the mail sent after the answer), for a
// person added with `koe users add`. Its links are kept apart from the customers': one cannot
// be spent at the other's door.

// staffPreCookie is the double-submit token of the staff sign-in forms, on /signin only.
const staffPreCookie = "koe_staff_pre"

type staffSigninView struct {
	CSRF, Email        string
	Sent, MailOn       bool
	ClientID, LoginURI string
	LinkMinutes        int
	// Providers are the OpenID Connect providers' buttons.
	Providers []oidcButton
}

func (s *Server) staffPreToken(c *gin.Context) string {
	if v, err := c.Cookie(staffPreCookie); err == nil && len(v) >= 32 {
		return v
	}
	v := randomString()
	s.setCookie(c, staffPreCookie, "/signin", v, time.Hour)
	return v
}

func (s *Server) staffPreOK(c *gin.Context) bool {
	v, err := c.Cookie(staffPreCookie)
	return err == nil && sameToken(v, c.PostForm("csrf"))
}

// signinPage offers every way a staff member can sign in here: Google's button (Google Identity
// Services posts the ID token to /auth/google), a button per OpenID Connect provider, and the
// mail link.
func (s *Server) signinPage(c *gin.Context) {
	if s.opts.Demo {
		c.Redirect(http.StatusFound, "/app")
		return
	}
	s.renderStaffSignin(c, http.StatusOK, staffSigninView{})
}

func (s *Server) renderStaffSignin(c *gin.Context, status int, v staffSigninView) {
	google := s.opts.Google != nil && s.opts.GoogleClientID != ""
	v.Providers = s.oidcButtons("staff", lang(c))
	if !google && s.opts.Mail == nil && len(v.Providers) == 0 {
		p := words(c)
		s.message(c, http.StatusOK, p.T("common.sign_in"), p.T("signin.not_set_up"))
		return
	}
	v.MailOn, v.LinkMinutes = s.opts.Mail != nil, int(s.opts.LinkLimits.TTL.Minutes())
	if v.MailOn {
		v.CSRF = s.staffPreToken(c)
	}
	if google {
		v.ClientID, v.LoginURI = s.opts.GoogleClientID, s.opts.BaseURL+"/auth/google"
	}
	s.render(c, status, "signin", words(c).T("common.sign_in"), v)
}

// staffSendLink mails a one-time link to an address that belongs to a staff member, answering
// the same whether it does or not.
func (s *Server) staffSendLink(c *gin.Context) {
	if !s.linkFormOK(c, s.staffPreOK(c)) {
		return
	}
	email, ok := formAddress(c)
	if !ok {
		s.renderStaffSignin(c, http.StatusBadRequest, staffSigninView{Email: c.PostForm("email")})
		return
	}
	ctx := c.Request.Context()
	token, err := s.store.CreateStaffSignInLink(ctx, email, c.ClientIP(), s.opts.LinkLimits)
	if err != nil {
		s.fail(c, err)
		return
	}
	if u, err := s.store.UserByEmail(ctx, email); err == nil {
		l := locale.Or(u.Locale, lang(c))
		link := s.opts.BaseURL + "/signin/verify?" + url.Values{"token": {token}, "lang": {l}}.Encode()
		p := locale.For(l)
		subject := p.T("staff_signin.mail_subject", "Company", s.opts.CompanyName)
		body := p.T("staff_signin.mail_body", "Company", s.opts.CompanyName, "Minutes", int(s.opts.LinkLimits.TTL.Minutes()), "Link", link) + "\n"
		s.mailAfterAnswer(ctx, email, subject, body)
	} else if feedback.ErrorCode(err) != feedback.ENOTFOUND {
		s.log.Error("staff sign-in link: user by email", "err", err)
	}
	s.renderStaffSignin(c, http.StatusOK, staffSigninView{Email: email, Sent: true})
}

// staffVerifyPage asks for a button press, so that a mail scanner opening the link does not
// spend it.
func (s *Server) staffVerifyPage(c *gin.Context) {
	s.render(c, http.StatusOK, "staff_verify", words(c).T("common.sign_in"), gin.H{"CSRF": s.staffPreToken(c), "Token": c.Query("token")})
}

func (s *Server) staffVerify(c *gin.Context) {
	if !s.staffPreOK(c) {
		s.fail(c, userError(feedback.EFORBIDDEN, words(c).T("error.link_form_expired")))
		return
	}
	email, err := s.store.UseStaffSignInLink(c.Request.Context(), c.PostForm("token"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.signInStaff(c, email)
}
