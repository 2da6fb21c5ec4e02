// Package connect is the App Store Connect API client Koe's App Store code shares: the reviews
// source (ingest/appstore) reads customerReviews through it and the replier (replies/appstore)
// posts customerReviewResponses. It signs each request with a JSON Web Token made from the team's
// API key (.p8), as Apple's "Generating tokens for API requests" asks
// (https://developer.apple.com/documentation/appstoreconnectapi/generating-tokens-for-api-requests):
// header alg ES256, kid the key id, typ JWT; claims iss the issuer id, iat, exp at most 20 minutes
// after iat, aud "appstoreconnect-v1".
package connect

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Audience is the aud claim every App Store Connect token carries.
const Audience = "appstoreconnect-v1"

// Lifetime is how long a token is made to last: Apple refuses tokens whose exp is more than 20
// minutes after iat, so a minute is kept back for clocks that disagree.
const Lifetime = 19 * time.Minute

// renewBefore is how long before exp a cached token is replaced, so no request leaves with a
// token that expires on the way.
const renewBefore = time.Minute

// LoadKey reads an App Store Connect API key: the AuthKey_KEYID.p8 file App Store Connect lets
// one download once, a PEM "PRIVATE KEY" block holding a PKCS #8 P-256 key. Its errors say what
// is wrong with the file, never its contents.
func LoadKey(path string) (*ecdsa.PrivateKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("app store connect key: %w", err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, fmt.Errorf("app store connect key %s: not a PEM file (expected the AuthKey_KEYID.p8 downloaded from App Store Connect, beginning with -----BEGIN PRIVATE KEY-----)", path)
	}
	if block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("app store connect key %s: a PEM %q block, expected PRIVATE KEY (the .p8 file from App Store Connect)", path, block.Type)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("app store connect key %s: not a PKCS #8 private key: %w", path, err)
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, fmt.Errorf("app store connect key %s: not an ES256 (P-256 elliptic curve) key", path)
	}
	return ec, nil
}

// Tokens makes and caches the bearer token; safe for concurrent use.
type Tokens struct {
	KeyID    string
	IssuerID string
	Key      *ecdsa.PrivateKey
	// Now is the clock (time.Now when nil); tests move it to see tokens renewed.
	Now func() time.Time

	mu    sync.Mutex
	token string
	exp   time.Time
}

// Token returns a token valid for at least another minute, signing a new one when the cached one
// is older than that.
func (t *Tokens) Token() (string, error) {
	if t == nil || t.Key == nil || strings.TrimSpace(t.KeyID) == "" || strings.TrimSpace(t.IssuerID) == "" {
		return "", errors.New("app store connect: a token needs the key id, the issuer id and the key")
	}
	now := time.Now()
	if t.Now != nil {
		now = t.Now()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && now.Before(t.exp.Add(-renewBefore)) {
		return t.token, nil
	}
	exp := now.Add(Lifetime)
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
		"iss": t.IssuerID, "iat": now.Unix(), "exp": exp.Unix(), "aud": Audience,
	})
	tok.Header["kid"] = t.KeyID
	s, err := tok.SignedString(t.Key)
	if err != nil {
		return "", fmt.Errorf("app store connect: signing the token: %w", err)
	}
	t.token, t.exp = s, time.Unix(exp.Unix(), 0)
	return s, nil
}
