// Package oidctest is an OpenID Connect provider for tests that speaks the real protocol:
// discovery, JWKS, the authorization endpoint and the token endpoint, checking the client, the
// redirect URI and PKCE (S256) as a provider does, and signing RS256 ID tokens. It comes in two
// shapes: a generic provider (one issuer, as Okta or Keycloak), and Microsoft Entra ID's
// multi-tenant endpoint, whose discovery document names the issuer with a {tenantid}
// placeholder and whose tokens each carry their tenant's issuer and tid.
//
// Wire formats follow the published references:
//   - OpenID Connect Discovery 1.0 §3–4 (https://openid.net/specs/openid-connect-discovery-1_0.html)
//     for the document; Entra ID's own at
//     https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration
//     ("issuer":"https://login.microsoftonline.com/{tenantid}/v2.0"), described at
//     https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
//   - OpenID Connect Core 1.0 §3.1.2 (authorization request/response), §3.1.3 (token request,
//     client_secret_basic or client_secret_post, the JSON answer with id_token), §2 (ID token
//     claims iss, sub, aud, exp, iat, nonce) (https://openid.net/specs/openid-connect-core-1_0.html)
//   - RFC 7636 §4.3–4.6 (code_challenge, code_challenge_method=S256, code_verifier) and RFC 6749
//     §5.2 (error answers such as invalid_grant)
//   - Entra ID token claims (tid, xms_edov):
//     https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference and
//     https://learn.microsoft.com/en-us/entra/identity-platform/optional-claims-reference
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc/oidctest"
	jose "github.com/go-jose/go-jose/v4"
)

// Provider is a running test provider. Set the person with SignInAs before the browser reaches
// the authorization endpoint; Tamper, when set, changes the claims of the ID tokens it signs.
type Provider struct {
	URL                    string // the server's base
	ClientID, ClientSecret string
	// Tenanted makes it Entra-shaped: Koe's issuer is URL+"/organizations/v2.0".
	Tenanted bool
	// Methods are the client authentications its document lists and its token endpoint takes
	// (client_secret_post and client_secret_basic when empty).
	Methods []string

	key     *rsa.PrivateKey
	srv     *httptest.Server
	closing chan struct{}

	mu     sync.Mutex
	person map[string]any
	codes  map[string]grant
	tamper func(map[string]any)
	// stalled are the paths that answer nothing until the client gives up (Stall).
	stalled map[string]bool
	// hits counts the requests to each path.
	hits map[string]int
	// Tokens counts the codes traded at the token endpoint.
	tokens int
}

type grant struct {
	clientID, redirect, challenge, nonce string
	person                               map[string]any
}

// New starts a provider for one client; tenanted gives it Entra ID's multi-tenant shape.
func New(t testing.TB, clientID, clientSecret string, tenanted bool) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{ClientID: clientID, ClientSecret: clientSecret, Tenanted: tenanted, key: key, codes: map[string]grant{}, stalled: map[string]bool{}, hits: map[string]int{},
		closing: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /organizations/v2.0/.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /keys", p.keys)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		stalled := p.stalled[r.URL.Path]
		p.hits[r.URL.Path]++
		p.mu.Unlock()
		if stalled {
			// A provider that accepted the connection and hangs: nothing comes back until the
			// client gives up (or the test ends).
			select {
			case <-r.Context().Done():
			case <-p.closing:
			}
			return
		}
		mux.ServeHTTP(w, r)
	}))
	p.URL = p.srv.URL
	t.Cleanup(func() { close(p.closing); p.srv.Close() })
	return p
}

// Stall makes the endpoint at path (such as "/.well-known/openid-configuration", "/token" or
// "/keys") accept requests and never answer them, as a provider that is down behind a load
// balancer does; on false it answers again.
func (p *Provider) Stall(path string, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stalled[path] = on
}

// Issuer is the issuer URL to configure Koe with.
func (p *Provider) Issuer() string {
	if p.Tenanted {
		return p.URL + "/organizations/v2.0"
	}
	return p.URL
}

// TenantIssuer is the issuer of tenant tid's tokens (Entra-shaped).
func (p *Provider) TenantIssuer(tid string) string { return p.URL + "/" + tid + "/v2.0" }

// SignInAs sets the person who signs in next: their claims (email, email_verified, name, tid…).
func (p *Provider) SignInAs(claims map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.person = claims
}

// Tamper sets a change to the claims of every ID token signed from now on (nil: none).
func (p *Provider) Tamper(f func(claims map[string]any)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper = f
}

// Hits is how many requests reached path (such as "/.well-known/openid-configuration").
func (p *Provider) Hits(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits[path]
}

// Tokens is how many codes were traded for tokens.
func (p *Provider) Tokens() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tokens
}

func (p *Provider) discovery(w http.ResponseWriter, _ *http.Request) {
	iss := p.URL
	if p.Tenanted {
		iss = p.URL + "/{tenantid}/v2.0"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": iss, "authorization_endpoint": p.URL + "/authorize", "token_endpoint": p.URL + "/token",
		"jwks_uri": p.URL + "/keys", "response_types_supported": []string{"code", "id_token", "code id_token"},
		"subject_types_supported": []string{"pairwise"}, "id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"token_endpoint_auth_methods_supported": p.methods(),
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

func (p *Provider) keys(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
}

// authorize signs the person of SignInAs in at once and sends the browser back with a code.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("client_id") != p.ClientID:
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	case err != nil || !redirect.IsAbs():
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code" || !strings.Contains(" "+q.Get("scope")+" ", " openid "):
		http.Error(w, "response_type=code and scope openid, please", http.StatusBadRequest)
		return
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		http.Error(w, "PKCE S256 required", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	code := rand.Text()
	p.codes[code] = grant{clientID: q.Get("client_id"), redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge"),
		nonce: q.Get("nonce"), person: p.person}
	p.mu.Unlock()
	back := redirect.Query()
	back.Set("code", code)
	back.Set("state", q.Get("state"))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// token trades a code for tokens once, for the client it was given to, with the redirect URI and
// the PKCE verifier of its authorization request.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, basic := r.BasicAuth()
	if method := map[bool]string{true: "client_secret_basic", false: "client_secret_post"}[basic]; !slices.Contains(p.methods(), method) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": method + " is not accepted"})
		return
	}
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.ClientID || secret != p.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	code := r.PostForm.Get("code")
	g, ok := p.codes[code]
	delete(p.codes, code)
	tamper := p.tamper
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code" || !ok || g.clientID != id || g.redirect != r.PostForm.Get("redirect_uri"):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "unknown code or redirect_uri"})
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "PKCE verification failed"})
		return
	}
	now := time.Now()
	claims := map[string]any{"aud": p.ClientID, "sub": "sub-" + code[:8], "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "nonce": g.nonce, "iss": p.URL}
	for k, v := range g.person {
		claims[k] = v
	}
	if p.Tenanted {
		tid, _ := claims["tid"].(string)
		claims["iss"] = p.TenantIssuer(tid)
	}
	if tamper != nil {
		tamper(claims)
	}
	raw, _ := json.Marshal(claims)
	p.mu.Lock()
	p.tokens++
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 3600,
		"scope": "openid email profile", "id_token": oidctest.SignIDToken(p.key, "k1", "RS256", string(raw))})
}

func (p *Provider) methods() []string {
	if len(p.Methods) > 0 {
		return p.Methods
	}
	return []string{"client_secret_post", "client_secret_basic"}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
