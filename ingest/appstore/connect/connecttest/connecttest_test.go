package connecttest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/koehq/koe/ingest/appstore/connect/connecttest"
)

// TestServerChecksTokens: the fake refuses what Apple documents it refuses, so a client that
// passes it signs its tokens as Apple asks.
func TestServerChecksTokens(t *testing.T) {
	srv := connecttest.New(t)
	now := time.Now()
	sign := func(method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
		tok := jwt.NewWithClaims(method, claims)
		tok.Header["kid"] = kid
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": srv.IssuerID, "iat": now.Unix(), "exp": now.Add(19 * time.Minute).Unix(), "aud": "appstoreconnect-v1"}
	}
	with := func(k string, v any) jwt.MapClaims { c := good(); c[k] = v; return c }
	without := func(k string) jwt.MapClaims { c := good(); delete(c, k); return c }
	for _, c := range []struct {
		name  string
		token string
		want  int
	}{
		{"good", sign(jwt.SigningMethodES256, srv.Key, srv.KeyID, good()), 404}, // authenticated; the path is unknown
		{"other kid", sign(jwt.SigningMethodES256, srv.Key, "OTHERKEY00", good()), 401},
		{"other audience", sign(jwt.SigningMethodES256, srv.Key, srv.KeyID, with("aud", "appstoreconnect-v2")), 401},
		{"other issuer", sign(jwt.SigningMethodES256, srv.Key, srv.KeyID, with("iss", "someone-else")), 401},
		{"expired", sign(jwt.SigningMethodES256, srv.Key, srv.KeyID, with("exp", now.Add(-time.Minute).Unix())), 401},
		{"no exp", sign(jwt.SigningMethodES256, srv.Key, srv.KeyID, without("exp")), 401},
		{"lives an hour", sign(jwt.SigningMethodES256, srv.Key, srv.KeyID, with("exp", now.Add(time.Hour).Unix())), 401},
		{"HS256", sign(jwt.SigningMethodHS256, []byte("secret"), srv.KeyID, good()), 401},
		{"none", "", 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/nothing", nil)
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.want)
			}
		})
	}
}
