package main

import (
	"testing"

	"github.com/koehq/koe/config"
)

func TestListenOnSetsBaseURL(t *testing.T) {
	for _, c := range []struct{ addr, baseEnv, want string }{
		{"127.0.0.1:9090", "", "http://127.0.0.1:9090"},
		{":9090", "", "http://127.0.0.1:9090"},
		{"0.0.0.0:9090", "", "http://127.0.0.1:9090"},
		{"[::1]:9090", "", "http://[::1]:9090"},
		{"127.0.0.1:9090", "https://koe.example.com", "https://koe.example.com"},
	} {
		getenv := func(k string) string {
			if k == "KOE_BASE_URL" {
				return c.baseEnv
			}
			if k == "KOE_DATA_DIR" {
				return t.TempDir()
			}
			return ""
		}
		cfg, err := config.Load(getenv)
		if err != nil {
			t.Fatal(err)
		}
		e := &env{getenv: getenv, cfg: cfg}
		if err := e.listenOn(c.addr); err != nil {
			t.Fatalf("%s: %v", c.addr, err)
		}
		if e.cfg.BaseURL != c.want || e.cfg.Addr != c.addr {
			t.Errorf("--addr %s with KOE_BASE_URL=%q: base %q addr %q, want %q", c.addr, c.baseEnv, e.cfg.BaseURL, e.cfg.Addr, c.want)
		}
	}
}
