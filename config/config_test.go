package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./koe-data" || c.DatabaseURL != "" || c.LogFormat != "auto" {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestSlackDigestAt(t *testing.T) {
	c, err := Load(env(map[string]string{"KOE_SLACK_DIGEST_AT": "friday 17:00"}))
	if err != nil || c.Slack.DigestDay != time.Friday || c.Slack.DigestHour != 17 || c.Slack.Location.String() != "Asia/Tokyo" {
		t.Fatalf("%+v %v", c.Slack, err)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := map[string]map[string]string{
		"bad level":    {"KOE_LOG_LEVEL": "loud"},
		"bad format":   {"KOE_LOG_FORMAT": "xml"},
		"bad addr":     {"KOE_ADDR": "8080"},
		"bad base url": {"KOE_BASE_URL": "koe.example.com"},
		"bad timeout":  {"KOE_SHUTDOWN_TIMEOUT": "soon"},
		"bad language": {"KOE_SLACK_LANGUAGE": "fr"},
		"bad show mrr": {"KOE_SLACK_SHOW_MRR": "maybe"},
		"bad rating":   {"KOE_SLACK_REVIEW_LOW": "7"},
		"bad burst":    {"KOE_SLACK_BURST": "0"},
		"no domains":   {"KOE_GOOGLE_CLIENT_ID": "x.apps.googleusercontent.com"},
		"bad ttl":      {"KOE_SESSION_TTL": "forever"},
		"bad digest":   {"KOE_SLACK_DIGEST_AT": "Funday 9:00"},
		"bad minutes":  {"KOE_SLACK_DIGEST_AT": "Mon 09:30"},
		"bad zone":     {"KOE_SLACK_TIMEZONE": "Mars/Olympus"},
		"bad amount":   {"KOE_SLACK_REQUEST_THRESHOLD": "-5"},
	}
	for name, m := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Load(env(m)); err == nil {
				t.Fatalf("Load(%v) succeeded", m)
			}
		})
	}
}

func TestEntriesMaskSecrets(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://koe:s3cret@db:5432/koe?sslmode=disable",
		"KOE_KINTONE_TOKEN": "s3cret", "STRIPE_API_KEY": "sk_s3cret",
		"SLACK_BOT_TOKEN": "xoxb-s3cret", "SLACK_SIGNING_SECRET": "s3cret", "SLACK_APP_TOKEN": "xapp-s3cret"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range c.Entries() {
		if strings.Contains(e.Value, "s3cret") {
			t.Fatalf("%s shows the password: %s", e.Name, e.Value)
		}
	}
	if got := maskURL("host=db password=x"); got != "xxxxx" {
		t.Fatalf("maskURL of a key=value DSN = %q", got)
	}
	values := c.values()
	for _, v := range Vars {
		if _, ok := values[v.Name]; !ok {
			t.Errorf("koe config does not show %s", v.Name)
		}
	}
	for _, e := range c.Entries() {
		if e.Name == "SLACK_APP_TOKEN" && e.Value != "xxxxx (set)" {
			t.Errorf("SLACK_APP_TOKEN shows %q", e.Value)
		}
	}
}

func TestGoogleCredentials(t *testing.T) {
	env := map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": "/adc.json"}
	get := func(k string) string { return env[k] }
	if got := GoogleCredentials("", get); got != "/adc.json" {
		t.Errorf("fallback = %q", got)
	}
	env["KOE_GOOGLE_CREDENTIALS"] = "/koe.json"
	if got := GoogleCredentials("", get); got != "/koe.json" {
		t.Errorf("KOE_ first = %q", got)
	}
	if got := GoogleCredentials("/flag.json", get); got != "/flag.json" {
		t.Errorf("explicit first = %q", got)
	}
}
