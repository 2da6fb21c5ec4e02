package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/store"
)

type tokensView struct {
	Tokens []store.APIToken
	// New is a token just made: shown this once.
	New string
	// Scopes are the scopes a new token may have.
	Scopes []string
}

// tokensPage lists the API tokens (admins): name, scope, who made it, last use, revoked.
func (s *Server) tokensPage(c *gin.Context) {
	s.renderTokens(c, "")
}

func (s *Server) renderTokens(c *gin.Context, made string) {
	list, err := s.store.APITokens(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "tokens", words(c).T("tokens.title"), tokensView{Tokens: list, New: made, Scopes: store.APIScopes})
}

// createToken makes a token and shows it once, on the answer to this POST (never again).
func (s *Server) createToken(c *gin.Context) {
	u, _ := currentUser(c)
	token, _, err := s.store.CreateAPIToken(c.Request.Context(), c.PostForm("name"), c.PostForm("scope"), u.Email)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.renderTokens(c, token)
}

func (s *Server) revokeToken(c *gin.Context) {
	id, ok := s.idParam(c, "token")
	if !ok {
		return
	}
	u, _ := currentUser(c)
	if err := s.store.RevokeAPIToken(c.Request.Context(), id, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/tokens")
}
