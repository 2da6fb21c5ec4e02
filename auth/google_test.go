package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/auth"
	"github.com/koehq/koe/internal/googletest"
)

func TestGoogleVerify(t *testing.T) {
	keys := googletest.New(t)
	g, err := auth.NewGoogle(context.Background(), "client-1.apps.googleusercontent.com", []string{"koe.example"}, keys.Client)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	good := func() map[string]any {
		return map[string]any{"iss": "https://accounts.google.com", "aud": "client-1.apps.googleusercontent.com", "sub": "1",
			"iat": now, "exp": now + 3600, "email": "hanako@koe.example", "email_verified": true, "hd": "koe.example", "name": "Hanako"}
	}
	id, err := g.Verify(context.Background(), keys.Sign(t, good(), false))
	if err != nil || id.Email != "hanako@koe.example" || id.Name != "Hanako" {
		t.Fatalf("good token: %+v %v", id, err)
	}
	cases := map[string]struct {
		change func(map[string]any)
		other  bool
		want   string
	}{
		"other key":      {func(map[string]any) {}, true, "could not be verified"},
		"other audience": {func(c map[string]any) { c["aud"] = "someone-else" }, false, "could not be verified"},
		"expired":        {func(c map[string]any) { c["exp"] = now - 60 }, false, "could not be verified"},
		"other issuer":   {func(c map[string]any) { c["iss"] = "https://evil.example" }, false, "not issued by Google"},
		"unverified":     {func(c map[string]any) { c["email_verified"] = false }, false, "not verified the email"},
		"gmail":          {func(c map[string]any) { delete(c, "hd"); c["email"] = "x@gmail.com" }, false, "not in an allowed Google Workspace domain"},
		"other domain":   {func(c map[string]any) { c["hd"] = "other.example" }, false, "not in an allowed"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := good()
			tc.change(c)
			if _, err := g.Verify(context.Background(), keys.Sign(t, c, tc.other)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := auth.NewGoogle(context.Background(), "", nil, nil); err == nil {
		t.Fatal("a verifier without a client id or domains")
	}
}
