package main

import (
	"strings"
	"testing"

	"github.com/koehq/koe/internal/pgtest"
)

// TestWebhooksAddRefusesPrivateAndListMasks: `koe webhooks add` refuses a receiver on loopback
// or the metadata address unless --allow-private, and `koe webhooks list` never prints a
// receiver's credentials or query values.
func TestWebhooksAddRefusesPrivateAndListMasks(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	if _, errOut, code := koe(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	for _, u := range []string{"http://127.0.0.1:9000/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0x7f000001/"} {
		if _, errOut, code := koe(t, env, "webhooks", "add", u); code == 0 || !strings.Contains(errOut, "--allow-private") {
			t.Errorf("webhooks add %s: %d %s, want refused", u, code, errOut)
		}
	}
	if _, errOut, code := koe(t, env, "webhooks", "add", "http://127.0.0.1:9000/hook", "--allow-private"); code != 0 {
		t.Errorf("webhooks add --allow-private: %d %s", code, errOut)
	}
	if _, errOut, code := koe(t, env, "webhooks", "add", "https://user:pw-s3cret@hooks.example.com/in?token=tok-s3cret"); code != 0 || strings.Contains(errOut, "s3cret") {
		t.Errorf("webhooks add: %d %s", code, errOut)
	}
	out, errOut, code := koe(t, env, "webhooks", "list")
	if code != 0 || !strings.Contains(out, "https://xxxxx@hooks.example.com/in?token=xxxxx") || strings.Contains(out, "s3cret") {
		t.Errorf("webhooks list: %d %s\n%s", code, errOut, out)
	}
}
