package sources_test

import (
	"strings"
	"testing"

	"github.com/koehq/koe/ingest/appstore"
	"github.com/koehq/koe/ingest/appstore/connect/connecttest"
	"github.com/koehq/koe/ingest/sources"
)

func TestAppStoreSettings(t *testing.T) {
	srv := connecttest.New(t)
	noEnv := func(string) string { return "" }
	keyed := sources.Settings{Kind: "appstore", Name: "app_store", AppID: "682658836", KeyID: srv.KeyID, IssuerID: srv.IssuerID, KeyFile: srv.KeyFile}
	src, err := sources.Build(keyed, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.(*appstore.ConnectSource); !ok {
		t.Fatalf("with a key: %T, want *appstore.ConnectSource", src)
	}
	feed := sources.Settings{Kind: "appstore", Name: "app_store", AppID: "682658836", Countries: "jp,us"}
	if src, err := sources.Build(feed, noEnv); err != nil {
		t.Fatal(err)
	} else if _, ok := src.(*appstore.Source); !ok {
		t.Fatalf("without a key: %T, want the feed", src)
	}
	for _, c := range []struct {
		name string
		s    sources.Settings
		want string
	}{
		{"no country, no key", sources.Settings{Kind: "appstore", Name: "a", AppID: "1"}, "--country"},
		{"half a key", sources.Settings{Kind: "appstore", Name: "a", AppID: "1", KeyID: "K", KeyFile: "k.p8"}, "together"},
		{"missing key file", sources.Settings{Kind: "appstore", Name: "a", AppID: "1", KeyID: "K", IssuerID: "I", KeyFile: "/nonexistent/AuthKey_K.p8"}, "--key-file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := sources.Build(c.s, noEnv); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %s", err, c.want)
			}
		})
	}
}
