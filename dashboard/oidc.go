package dashboard

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/auth"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// Sign-in with OpenID Connect providers (Entra ID, Okta, Google, Keycloak…), for staff and for
// customers. The browser starts at /signin/oidc/NAME (staff) or /account/signin/oidc/NAME
// (customers), goes to the provider with a state, a nonce and a PKCE challenge, and comes back to
// the one redirect URL registered with it, /auth/oidc/NAME/callback. What it was sent with is
// kept in the database, so any replica can finish the sign-in, and taken there once: a replayed
// state finds nothing. The state is also in a cookie of this browser, so a callback URL carried
// to another browser signs no one in there.

const (
	// oidcCookie holds the state of the sign-in this browser started, on the callback's path.
	oidcCookie = "koe_oidc"
	oidcPath   = "/auth/oidc"
	// oidcTTL is how long a person has at the provider before the sign-in must start again.
	oidcTTL = 10 * time.Minute
)

// oidcLimits bound the unfinished sign-ins kept at a time (a start is anonymous and keeps a row
// for oidcTTL; a finished one frees its place): per origin, far more than an office behind one
// address abandons in ten minutes; in all, a bound on the table whatever the number of
// addresses (a row and its index entries are a few hundred bytes: tens of MB at most).
var oidcLimits = store.OIDCLimits{PerOrigin: 100, Total: 100_000}

// origin is whom a start is counted against: an IPv4 address, or an IPv6 address's /64 (one
// host commonly holds a whole /64, so its addresses count as one).
func origin(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// OIDCFlow is one provider's side of a sign-in (auth.OIDC in production).
type OIDCFlow interface {
	AuthURL(ctx context.Context, state, nonce, verifier string) (string, error)
	Identify(ctx context.Context, code, verifier, nonce string) (auth.Identity, error)
}

// OIDCProvider is a provider people may sign in with: its button's label, whom it signs in, and
// its flow.
type OIDCProvider struct {
	Name, Label      string
	Staff, Customers bool
	Flow             OIDCFlow
}

// OIDCCallbackPath is the redirect URL path of a provider, to be registered with it after Koe's
// base URL.
func OIDCCallbackPath(name string) string { return oidcPath + "/" + name + "/callback" }

func (s *Server) oidcRoutes(r gin.IRouter) {
	r.GET("/signin/oidc/:provider", s.oidcStart("staff"))
	r.GET("/account/signin/oidc/:provider", s.oidcStart("customer"))
	r.GET(oidcPath+"/:provider/callback", s.oidcCallback)
}

// oidcButton is a provider's button on a sign-in page.
type oidcButton struct{ Label, URL string }

// oidcButtons are the buttons of the providers that sign in purpose's people ("staff" or
// "customer").
func (s *Server) oidcButtons(purpose, lang string) []oidcButton {
	var out []oidcButton
	for _, p := range s.opts.OIDC {
		if p.serves(purpose) {
			out = append(out, oidcButton{p.Label, signinPath(purpose) + "/oidc/" + p.Name + "?lang=" + lang})
		}
	}
	return out
}

func (p OIDCProvider) serves(purpose string) bool {
	return (purpose == "staff" && p.Staff) || (purpose == "customer" && p.Customers)
}

func signinPath(purpose string) string {
	if purpose == "customer" {
		return "/account/signin"
	}
	return "/signin"
}

func (s *Server) oidcProvider(name, purpose string) (OIDCProvider, bool) {
	for _, p := range s.opts.OIDC {
		if p.Name == name && p.serves(purpose) {
			return p, true
		}
	}
	return OIDCProvider{}, false
}

// oidcStart sends the browser to the provider, keeping what its answer must match.
func (s *Server) oidcStart(purpose string) gin.HandlerFunc {
	return func(c *gin.Context) {
		// A start is the browser opening a page (a click on a button). Fetched as an image, a
		// frame or a script — another site's page making its readers start sign-ins — it would
		// only spend their address's unfinished sign-ins (oidcLimits): no page, no row. Browsers
		// without Fetch Metadata send no Sec-Fetch-Dest and go on.
		if d := c.GetHeader("Sec-Fetch-Dest"); d != "" && d != "document" {
			c.Status(http.StatusForbidden)
			return
		}
		p, ok := s.oidcProvider(c.Param("provider"), purpose)
		if !ok {
			s.refuse(c, purpose, http.StatusNotFound, words(c).T("oidc.unknown_provider"))
			return
		}
		ctx := c.Request.Context()
		state, nonce, verifier := randomString(), randomString(), randomString()
		to, err := p.Flow.AuthURL(ctx, state, nonce, verifier)
		if err != nil {
			s.log.Error("oidc: start sign-in", "provider", p.Name, "err", err)
			s.refuse(c, purpose, http.StatusBadGateway, words(c).T("oidc.provider_down", "Label", p.Label))
			return
		}
		in := store.OIDCSignIn{Provider: p.Name, Purpose: purpose, Nonce: nonce, CodeVerifier: verifier, Lang: lang(c)}
		if err := s.store.StartOIDCSignIn(ctx, state, origin(c.ClientIP()), in, oidcTTL, oidcLimits); err != nil {
			if feedback.ErrorCode(err) == feedback.ETOOMANY {
				s.refuse(c, purpose, http.StatusTooManyRequests, words(c).T("oidc.too_many"))
			} else {
				s.fail(c, err)
			}
			return
		}
		s.setCookie(c, oidcCookie, oidcPath, state, oidcTTL)
		c.Redirect(http.StatusFound, to)
	}
}

// oidcCallback finishes a sign-in the provider sent the browser back from: the state must be
// this browser's and not yet used, the provider's answer must verify, and the person must be a
// staff member or a customer as the sign-in was started for.
func (s *Server) oidcCallback(c *gin.Context) {
	ctx := c.Request.Context()
	// Read before c.Query caches the query, which gets the sign-in's language below.
	q := c.Request.URL.Query()
	state := q.Get("state")
	mine, _ := c.Cookie(oidcCookie)
	if !sameToken(mine, state) {
		// Not this browser's state: the sign-in the browser did start (if any) stays, so that a
		// link from elsewhere to this callback cannot break it.
		s.refuse(c, "staff", http.StatusForbidden, words(c).T("oidc.refused_state"))
		return
	}
	s.setCookie(c, oidcCookie, oidcPath, "", -time.Second)
	in, err := s.store.TakeOIDCSignIn(ctx, state)
	if err != nil {
		if feedback.ErrorCode(err) == feedback.EUNAUTHORIZED {
			s.refuse(c, "staff", http.StatusUnauthorized, words(c).T("oidc.refused_state"))
		} else {
			s.fail(c, err)
		}
		return
	}
	// The pages from here on speak the language the sign-in started in.
	q.Set("lang", in.Lang)
	c.Request.URL.RawQuery = q.Encode()
	p, ok := s.oidcProvider(c.Param("provider"), in.Purpose)
	if !ok || p.Name != in.Provider {
		s.refuse(c, in.Purpose, http.StatusForbidden, words(c).T("oidc.refused_state"))
		return
	}
	if e := c.Query("error"); e != "" {
		s.log.Info("oidc: the provider refused", "provider", p.Name, "error", e, "description", c.Query("error_description"))
		s.refuse(c, in.Purpose, http.StatusUnauthorized, words(c).T("oidc.cancelled", "Label", p.Label))
		return
	}
	id, err := p.Flow.Identify(ctx, c.Query("code"), in.CodeVerifier, in.Nonce)
	if err != nil {
		s.log.Warn("oidc: sign-in refused", "provider", p.Name, "purpose", in.Purpose, "err", err)
		status, text := s.refusal(c, p, err)
		s.refuse(c, in.Purpose, status, text)
		return
	}
	if in.Purpose == "customer" {
		// A consumer account's address was proved once and outlives the job: it opens a
		// company's page when the address itself is known, not by the domain alone. The
		// refusal ends no session (the address may well still be the company's).
		if refused, err := s.personalByDomain(ctx, id, p.Name); err != nil {
			s.fail(c, err)
			return
		} else if refused {
			s.refuse(c, in.Purpose, http.StatusForbidden, words(c).T("oidc.refused_personal", "Label", p.Label))
			return
		}
		s.signInCustomer(c, id.Email)
		return
	}
	s.signInStaff(c, id.Email)
}

// refusal is what to tell the person whose sign-in the provider's answer did not allow.
func (s *Server) refusal(c *gin.Context, p OIDCProvider, err error) (int, string) {
	w := words(c)
	switch {
	case errors.Is(err, auth.ErrTenant):
		return http.StatusForbidden, w.T("oidc.refused_tenant", "Label", p.Label)
	case errors.Is(err, auth.ErrUnverified):
		return http.StatusForbidden, w.T("oidc.refused_unverified", "Label", p.Label)
	case errors.Is(err, auth.ErrDomain):
		return http.StatusForbidden, w.T("oidc.refused_domain", "Label", p.Label)
	case errors.Is(err, auth.ErrToken):
		return http.StatusUnauthorized, w.T("oidc.refused_token", "Label", p.Label)
	}
	return http.StatusBadGateway, w.T("oidc.refused_provider", "Label", p.Label)
}

// refuse answers a sign-in that cannot go on, with the way back to purpose's sign-in page.
func (s *Server) refuse(c *gin.Context, purpose string, status int, text string) {
	s.render(c, status, "message", words(c).T("oidc.refused_title"), messageView{Text: text, SignIn: signinPath(purpose) + "?lang=" + lang(c)})
}

// personalByDomain says whether a consumer account (id.Personal) would open a company's page by
// its domain alone: its address was proved once and outlives the job, so it opens a page only when
// the address itself is known (a contact or a rule). Such a refusal ends no session (the address
// may well still be the company's).
func (s *Server) personalByDomain(ctx context.Context, id auth.Identity, provider string) (bool, error) {
	if !id.Personal {
		return false, nil
	}
	m, ok, err := s.customerMatch(ctx, id.Email)
	if err != nil || !ok || m.Rule != feedback.MatchDomain {
		return false, err
	}
	s.log.Info("sign-in: a personal account matched by domain only", "provider", provider)
	return true, nil
}
