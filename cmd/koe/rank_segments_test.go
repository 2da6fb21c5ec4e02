package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/koehq/koe/internal/pgtest"
)

// TestRankSegments: the segment flags take any case; a plan or language the data lacks, or an
// employee band that does not exist, is answered with the values there are; --choices lists them.
func TestRankSegments(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	if _, errOut, code := koe(t, env, "demo", "--no-serve"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	ranked := func(args ...string) int {
		t.Helper()
		out, errOut, code := koe(t, env, append([]string{"rank", "--format", "json"}, args...)...)
		var list []map[string]any
		if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil {
			t.Fatalf("rank %v: %d %v %s", args, code, err, errOut)
		}
		return len(list)
	}
	if a, b := ranked("--plan", "ENTERPRISE"), ranked("--plan", "Enterprise"); a == 0 || a != b {
		t.Errorf("--plan ENTERPRISE ranks %d, Enterprise %d", a, b)
	}
	if n := ranked("--employees", "1000+", "--lifecycle", "Customer", "--language", "JA", "--source", "Chat"); n == 0 {
		t.Error("1000+ employees, customers, Japanese chats: nothing ranked")
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--plan", "Gold"}, []string{`--plan "Gold"`, "Enterprise", "Starter"}},
		{[]string{"--language", "fr"}, []string{`--language "fr"`, "en", "ja"}},
		{[]string{"--employees", "10-20"}, []string{`--employees "10-20"`, "1-49, 50-249, 250-999 or 1000+"}},
		{[]string{"--mrr-band", "huge"}, []string{`--mrr-band "huge"`, "<50k"}},
	} {
		if _, errOut, code := koe(t, env, append([]string{"rank"}, c.args...)...); code != 1 || !containsAll(errOut, c.want) {
			t.Errorf("rank %v: %d %q, want %q", c.args, code, errOut, c.want)
		}
	}
	out, errOut, code := koe(t, env, "rank", "--choices")
	if code != 0 || !containsAll(out, []string{"--plan", "Enterprise (", "--lifecycle", "customer (", "--mrr-band", "--employees", "--source", "chat (intercom", "--language", "ja"}) {
		t.Fatalf("rank --choices: %d %s\n%s", code, errOut, out)
	}
	out, _, _ = koe(t, env, "rank", "--choices", "--format", "json")
	var c struct {
		Plans []struct {
			Value string `json:"value"`
			Count int    `json:"count"`
		} `json:"plans"`
		Sources []struct {
			Kind  string   `json:"kind"`
			Names []string `json:"names"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil || len(c.Plans) == 0 || c.Plans[0].Count == 0 || len(c.Sources) == 0 {
		t.Fatalf("rank --choices --format json: %v %s", err, out)
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
