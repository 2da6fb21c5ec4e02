package main

import (
	"strings"
	"testing"

	"github.com/koehq/koe/ingest/appstore/connect/connecttest"
	"github.com/koehq/koe/internal/pgtest"
)

// TestSourcesAddAppStoreKey: an App Store source configured with an App Store Connect key is
// stored with the key's ids and file path, and nothing of the key itself.
func TestSourcesAddAppStoreKey(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	srv := connecttest.New(t)
	out, errOut, code := koe(t, env, "sources", "add", "appstore", "--name", "app_store", "--app", "682658836",
		"--key-id", srv.KeyID, "--issuer-id", srv.IssuerID, "--key-file", srv.KeyFile, "--interval", "1h")
	if code != 0 || strings.Contains(errOut, "cannot") {
		t.Fatalf("sources add: code %d out %q err %q", code, out, errOut)
	}
	if out, _, _ := koe(t, env, "sources", "list"); !strings.Contains(out, "app_store") {
		t.Fatalf("sources list:\n%s", out)
	}
	_, errOut, code = koe(t, env, "sources", "add", "appstore", "--name", "half", "--app", "1", "--key-id", srv.KeyID)
	if code != 1 || !strings.Contains(errOut, "--key-id, --issuer-id and --key-file together") {
		t.Fatalf("half a key: code %d err %q", code, errOut)
	}
}
