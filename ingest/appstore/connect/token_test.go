package connect_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/koehq/koe/ingest/appstore/connect"
)

func TestTokenClaims(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	tokens := &connect.Tokens{KeyID: "2X9R4HXF34", IssuerID: "57246542-96fe-1a63-e053-0824d011072a", Key: key, Now: func() time.Time { return now }}
	s, err := tokens.Token()
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(s, claims, func(*jwt.Token) (any, error) { return &key.PublicKey, nil },
		jwt.WithValidMethods([]string{"ES256"}), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Header["kid"] != "2X9R4HXF34" || tok.Header["typ"] != "JWT" || claims["iss"] != "57246542-96fe-1a63-e053-0824d011072a" || claims["aud"] != "appstoreconnect-v1" {
		t.Fatalf("header %v claims %v", tok.Header, claims)
	}
	iat, _ := claims.GetIssuedAt()
	exp, _ := claims.GetExpirationTime()
	if !iat.Equal(now) || exp.Sub(iat.Time) != 19*time.Minute {
		t.Fatalf("iat %v exp %v", iat, exp)
	}
	if _, err := (&connect.Tokens{KeyID: "K", Key: key}).Token(); err == nil {
		t.Fatal("a token without an issuer id was made")
	}
	var none *connect.Tokens
	if _, err := none.Token(); err == nil {
		t.Fatal("no Tokens: no error")
	}
}

// BenchmarkToken measures a request's token: cached (every request but one in 18 minutes) and
// signed anew.
func BenchmarkToken(b *testing.B) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	b.Run("cached", func(b *testing.B) {
		tokens := &connect.Tokens{KeyID: "K", IssuerID: "I", Key: key}
		for b.Loop() {
			if _, err := tokens.Token(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("signed", func(b *testing.B) {
		now := time.Now()
		tokens := &connect.Tokens{KeyID: "K", IssuerID: "I", Key: key, Now: func() time.Time { return now }}
		for b.Loop() {
			now = now.Add(time.Hour) // every call finds the cached token expired
			if _, err := tokens.Token(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
