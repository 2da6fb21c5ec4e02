package dashboard

import (
	"context"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/store"
)

// The customer page: a customer signs in with Google, an OpenID Connect provider (oidc.go) or a
// one-time link by email and sees the
// requests of their own company (email → contact → account, or the email's domain) — nothing
// of any other. Every query of it takes the account from the session, never from the request.

const (
	customerKey    = "koe.customer"
	customerCookie = "koe_customer"
	// preCookie is the double-submit token of the forms used before sign-in.
	preCookie = "koe_pre"
)

// Mailer sends one plain-text mail.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

func (s *Server) customerRoutes(r *gin.Engine) {
	r.GET("/account/signin", s.customerSignin)
	r.POST("/account/signin", s.customerSendLink)
	r.GET("/account/verify", s.customerVerifyPage)
	r.POST("/account/verify", s.customerVerify)
	r.POST("/account/google", s.customerGoogle)
	r.GET("/account", s.customerAuth, s.customerPage)
	r.POST("/account/settings", s.customerAuth, s.customerCSRF, s.customerSettings)
	r.POST("/account/signout", s.customerAuth, s.customerCSRF, s.customerSignout)
}

// customerSession is the session of the customer cookie, if it is live.
func (s *Server) customerSession(c *gin.Context) (store.CustomerSession, bool) {
	token, err := c.Cookie(customerCookie)
	if err != nil || token == "" {
		return store.CustomerSession{}, false
	}
	sess, err := s.store.CustomerSessionByToken(c.Request.Context(), token)
	return sess, err == nil
}

// customerAuth finds the signed-in customer, or sends the browser to sign in.
func (s *Server) customerAuth(c *gin.Context) {
	if sess, ok := s.customerSession(c); ok {
		c.Set(customerKey, sess)
		c.Next()
		return
	}
	if c.Request.Method == http.MethodGet {
		c.Redirect(http.StatusFound, "/account/signin")
	} else {
		s.fail(c, userError(feedback.EUNAUTHORIZED, words(c).T("error.customer_signin")))
	}
	c.Abort()
}

func (s *Server) customerCSRF(c *gin.Context) {
	sess := c.MustGet(customerKey).(store.CustomerSession)
	if !sameToken(sess.CSRF, c.PostForm("csrf")) {
		s.fail(c, userError(feedback.EFORBIDDEN, words(c).T("error.form_expired")))
		c.Abort()
		return
	}
	c.Next()
}

// preToken returns the browser's pre-sign-in form token, setting one when it has none.
func (s *Server) preToken(c *gin.Context) string {
	if v, err := c.Cookie(preCookie); err == nil && len(v) >= 32 {
		return v
	}
	v := randomString()
	s.setCookie(c, preCookie, "/account", v, time.Hour)
	return v
}

func (s *Server) preOK(c *gin.Context) bool {
	v, err := c.Cookie(preCookie)
	return err == nil && sameToken(v, c.PostForm("csrf"))
}

type customerSigninView struct {
	CSRF, Email        string
	Sent, MailOn       bool
	ClientID, LoginURI string
	LinkMinutes        int // how long a sign-in link works
	// Providers are the OpenID Connect providers' buttons.
	Providers []oidcButton
}

func (s *Server) customerSignin(c *gin.Context) {
	if _, ok := s.customerSession(c); ok {
		c.Redirect(http.StatusFound, "/account")
		return
	}
	s.renderSignin(c, http.StatusOK, customerSigninView{})
}

func (s *Server) renderSignin(c *gin.Context, status int, v customerSigninView) {
	v.CSRF, v.MailOn, v.LinkMinutes = s.preToken(c), s.opts.Mail != nil, int(s.opts.LinkLimits.TTL.Minutes())
	v.Providers = s.oidcButtons("customer", lang(c))
	if s.opts.CustomerGoogle != nil {
		v.ClientID, v.LoginURI = s.opts.GoogleClientID, s.opts.BaseURL+"/account/google"
	}
	s.render(c, status, "customer_signin", words(c).T("customer_signin.page_title"), v)
}

// customerSendLink mails a one-time sign-in link to an address that belongs to a customer. The
// answer is the same whether it does or not, so the form tells no one who is a customer; the
// rate limits count every attempt.
func (s *Server) customerSendLink(c *gin.Context) {
	if !s.linkFormOK(c, s.preOK(c)) {
		return
	}
	email, ok := formAddress(c)
	if !ok {
		s.renderSignin(c, http.StatusBadRequest, customerSigninView{Email: c.PostForm("email")})
		return
	}
	ctx := c.Request.Context()
	token, err := s.store.CreateSignInLink(ctx, email, c.ClientIP(), s.opts.LinkLimits)
	if err != nil {
		s.fail(c, err)
		return
	}
	if acct, err := s.customerAccount(ctx, email); err != nil {
		s.fail(c, err)
		return
	} else if acct != nil {
		l := lang(c)
		link := s.opts.BaseURL + "/account/verify?" + url.Values{"token": {token}, "lang": {l}}.Encode()
		subject, body := signInMail(l, s.opts.CompanyName, link, s.opts.LinkLimits.TTL)
		s.mailAfterAnswer(ctx, email, subject, body)
	}
	s.renderSignin(c, http.StatusOK, customerSigninView{Email: email, Sent: true})
}

func signInMail(lang, company, link string, ttl time.Duration) (subject, body string) {
	p := locale.For(lang)
	return p.T("signin_mail.subject", "Company", company),
		p.T("signin_mail.body", "Company", company, "Minutes", int(ttl.Minutes()), "Link", link) + "\n"
}

// customerVerifyPage asks the person to press a button: mail scanners that open links must not
// spend the link.
func (s *Server) customerVerifyPage(c *gin.Context) {
	s.render(c, http.StatusOK, "customer_verify", words(c).T("common.sign_in"), gin.H{"CSRF": s.preToken(c), "Token": c.Query("token")})
}

func (s *Server) customerVerify(c *gin.Context) {
	if !s.preOK(c) {
		s.fail(c, userError(feedback.EFORBIDDEN, words(c).T("error.link_form_expired")))
		return
	}
	email, err := s.store.UseSignInLink(c.Request.Context(), c.PostForm("token"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.signInCustomer(c, email)
}

// customerGoogle takes the ID token Google Identity Services posts (any Google account whose
// email Google has verified), and signs the customer in.
func (s *Server) customerGoogle(c *gin.Context) {
	if s.opts.CustomerGoogle == nil {
		s.fail(c, userError(feedback.ENOTFOUND, words(c).T("error.google_signin_off")))
		return
	}
	id, err := googleIdentity(c, s.opts.CustomerGoogle)
	if err != nil {
		s.fail(c, err)
		return
	}
	if refused, err := s.personalByDomain(c.Request.Context(), id, "google"); err != nil {
		s.fail(c, err)
		return
	} else if refused {
		p := words(c)
		s.render(c, http.StatusForbidden, "message", errorTitle(p, http.StatusForbidden), messageView{
			Text: p.T("oidc.refused_personal", "Label", "Google"), SignIn: "/account/signin", Back: backFrom(c)})
		return
	}
	s.signInCustomer(c, id.Email)
}

// signInCustomer opens a session for an address whose owner has proved it, when it belongs to
// a customer account.
func (s *Server) signInCustomer(c *gin.Context, email string) {
	ctx := c.Request.Context()
	acct, err := s.customerAccount(ctx, email)
	if err != nil {
		s.fail(c, err)
		return
	}
	if acct == nil {
		// Proved the address, yet it is no one's any more (the company's domain or contact
		// changed): the sessions it still holds lose the old company's page now.
		if err := s.store.ForgetCustomer(ctx, email); err != nil {
			s.fail(c, err)
			return
		}
		// From a provider's callback too, the way on is the customers' sign-in page.
		p := words(c)
		s.render(c, http.StatusForbidden, "message", errorTitle(p, http.StatusForbidden), messageView{
			Text: p.T("error.not_a_customer", "Email", email, "Company", s.opts.CompanyName), SignIn: "/account/signin", Back: backFrom(c)})
		return
	}
	sess, err := s.store.SignInCustomer(ctx, email, acct, lang(c), s.opts.CustomerSessionTTL)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setCookie(c, customerCookie, "/account", sess.Token, s.opts.CustomerSessionTTL)
	c.Redirect(http.StatusSeeOther, "/account")
}

// customerAccount is the account an address belongs to, by the same rules that match voices
// (a saved rule, a contact, the domain; never a free-mail domain), or nil.
func (s *Server) customerAccount(ctx context.Context, email string) (*int64, error) {
	m, ok, err := s.customerMatch(ctx, email)
	if err != nil || !ok {
		return nil, err
	}
	return &m.AccountID, nil
}

// customerMatch is customerAccount with the rule that found the account.
func (s *Server) customerMatch(ctx context.Context, email string) (accounts.Match, bool, error) {
	ix, err := s.matchIndex.Get(ctx)
	if err != nil {
		return accounts.Match{}, false, err
	}
	m, ok := ix.Match(email, "")
	return m, ok, nil
}

type customerView struct {
	Email, Company string
	Requests       []store.CustomerRequest
	Hidden         int
	Notify         bool
}

// customerPage lists the requests the customer's company raised, with their public words.
func (s *Server) customerPage(c *gin.Context) {
	sess := c.MustGet(customerKey).(store.CustomerSession)
	ctx := c.Request.Context()
	v := customerView{Email: sess.Customer.Email, Notify: sess.Customer.NotifyShipped}
	if sess.Customer.AccountID != nil {
		var err error
		if v.Company, err = s.store.CustomerAccountName(ctx, *sess.Customer.AccountID); err != nil {
			s.fail(c, err)
			return
		}
		if v.Requests, v.Hidden, err = s.store.CustomerRequests(ctx, *sess.Customer.AccountID, lang(c)); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.render(c, http.StatusOK, "customer", words(c).T("customer.your_company_s_requests"), v)
}

func (s *Server) customerSettings(c *gin.Context) {
	sess := c.MustGet(customerKey).(store.CustomerSession)
	if err := s.store.SetCustomerNotify(c.Request.Context(), sess.Customer.Email, c.PostForm("notify_shipped") == "on"); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/account")
}

func (s *Server) customerSignout(c *gin.Context) {
	token, _ := c.Cookie(customerCookie)
	if err := s.store.DeleteCustomerSession(c.Request.Context(), token); err != nil {
		s.fail(c, err)
		return
	}
	s.setCookie(c, customerCookie, "/account", "", -time.Second)
	c.Redirect(http.StatusSeeOther, "/account/signin")
}

// linkFormOK answers a sign-in-link form that cannot be taken: its pre-session token (formOK)
// expired, or no mail is set up. It reports whether the form may go on.
func (s *Server) linkFormOK(c *gin.Context, formOK bool) bool {
	switch {
	case !formOK:
		s.fail(c, userError(feedback.EFORBIDDEN, words(c).T("error.form_expired")))
	case s.opts.Mail == nil:
		s.fail(c, userError(feedback.ENOTFOUND, words(c).T("error.mail_signin_off")))
	default:
		return true
	}
	return false
}

// formAddress is the address a sign-in form names, lower-cased, and false when it is not one.
func formAddress(c *gin.Context) (string, bool) {
	addr, err := mail.ParseAddress(strings.TrimSpace(c.PostForm("email")))
	if err != nil {
		return "", false
	}
	return strings.ToLower(addr.Address), true
}

// mailAfterAnswer sends a sign-in link once the answer is on its way, so that a known address and
// a stranger's take the same time and get the same answer; a failure is logged and the person
// asks again.
func (s *Server) mailAfterAnswer(ctx context.Context, to, subject, body string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := s.opts.Mail.Send(ctx, to, subject, body); err != nil {
			s.log.Error("send sign-in link", "err", err)
		}
	}()
}
