package config

import (
	"log/slog"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // as cmd/koe: zones without a zoneinfo database
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
		"bad timezone": {"KOE_TIMEZONE": "Mars/Olympus"},
		"bad amount":   {"KOE_SLACK_REQUEST_THRESHOLD": "-5"},
		"bad channel":  {"KOE_SLACK_VOICE_CHANNEL": "#voices"},
		"bad proxy":    {"KOE_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"},
		"bad endpoint": {"KOE_SHEETS_ENDPOINT": "sheets.local"},
		"bad api url":  {"KOE_SLACK_API_URL": "/api"},
		"bad logo":     {"KOE_COMPANY_LOGO_URL": "http://acme.example/logo.png"},
		"bad colour":   {"KOE_BRAND_COLOR": "blue"},
		"bad cache":    {"KOE_ROADMAP_CACHE": "-1s"},
		"bad interval": {"KOE_SHEETS_INTERVAL": "30s"},
		"bad smtp":     {"KOE_SMTP_ADDR": "smtp.example.com", "KOE_MAIL_FROM": "koe@example.com"},
		"no from":      {"KOE_SMTP_ADDR": "smtp.example.com:587"},
		"bad from":     {"KOE_SMTP_ADDR": "smtp.example.com:587", "KOE_MAIL_FROM": "Acme"},
		"bad mail":     {"KOE_MAIL_LANGUAGE": "fr"},
		"bad asked by": {"KOE_ROADMAP_ASKED_BY": "sometimes"},
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
	shown := map[string]bool{}
	for _, e := range c.Entries() {
		shown[e.Name] = true
	}
	for _, s := range Settings(&c) {
		if s.Value != nil && !shown[s.Name] {
			t.Errorf("koe config does not show %s", s.Name)
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

// TestLoadEveryKind: each kind of setting reads its text into the typed field.
func TestLoadEveryKind(t *testing.T) {
	c, err := Load(env(map[string]string{
		"KOE_BASE_URL":                "https://koe.example.com/",
		"KOE_LOG_LEVEL":               "DEBUG",
		"KOE_LOG_FORMAT":              "json",
		"KOE_TIMEZONE":                "Europe/Paris",
		"KOE_SESSION_TTL":             "90m",
		"KOE_ROADMAP_CACHE":           "0",
		"KOE_FREEMAIL_DOMAINS":        " Mail.Example , ,isp.example",
		"KOE_TRUSTED_PROXIES":         "10.0.0.0/8,192.0.2.1",
		"KOE_BRAND_COLOR":             "#AABBCC",
		"KOE_ROADMAP_ASKED_BY":        "true",
		"KOE_SLACK_REVIEW_LOW":        "0",
		"KOE_SLACK_REQUEST_THRESHOLD": "2500000.5",
		"KOE_SLACK_BURST":             "3",
		"KOE_SLACK_DIGEST_AT":         "sun 00:00",
		"KOE_SLACK_VOICE_CHANNEL":     "CVOICES",
		"KOE_SLACK_API_URL":           "http://127.0.0.1:9/api/",
		"KOE_SMTP_ADDR":               "smtp.example.com:465",
		"KOE_MAIL_FROM":               "Acme <roadmap@acme.example>",
		"KOE_MAIL_LANGUAGE":           "en",
	}))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"base url", c.BaseURL, "https://koe.example.com"},
		{"level", c.LogLevel, slog.LevelDebug},
		{"format", c.LogFormat, "json"},
		{"zone", c.Location.String(), "Europe/Paris"},
		{"digest zone follows KOE_TIMEZONE", c.Slack.Location.String(), "Europe/Paris"},
		{"ttl", c.SessionTTL, 90 * time.Minute},
		{"cache", c.Roadmap.CacheTTL, time.Duration(0)},
		{"domains", strings.Join(c.FreeMailDomains, "|"), "mail.example|isp.example"},
		{"proxies", strings.Join(c.TrustedProxies, "|"), "10.0.0.0/8|192.0.2.1"},
		{"colour", c.Roadmap.BrandColor, "#aabbcc"},
		{"asked by", c.Roadmap.AskedBy, true},
		{"a meant zero", c.Slack.LowRating, 0.0},
		{"high by default", c.Slack.HighRating, 5.0},
		{"threshold", c.Slack.RequestThreshold, 2500000.5},
		{"burst", c.Slack.Burst, 3},
		{"digest day", c.Slack.DigestDay, time.Sunday},
		{"digest hour", c.Slack.DigestHour, 0},
		{"channel", c.Slack.VoiceChannel, "CVOICES"},
		{"api url", c.Slack.APIURL, "http://127.0.0.1:9/api/"},
		{"smtp", c.Mail.SMTPAddr, "smtp.example.com:465"},
		{"mail language", c.Mail.Language, "en"},
		{"max age by default", c.Slack.MaxAge, 72 * time.Hour},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

// TestEntriesReadBack: what `koe config` prints, set as the environment, is the same
// configuration, so every kind shows its value as it would be written.
func TestEntriesReadBack(t *testing.T) {
	c, err := Load(env(map[string]string{"KOE_SLACK_DIGEST_AT": "Fri 17:00", "KOE_SLACK_REVIEW_HIGH": "4.5",
		"KOE_ALLOWED_DOMAINS": "acme.example,globex.example", "KOE_GOOGLE_CLIENT_ID": "x.apps.googleusercontent.com",
		"KOE_SLACK_TIMEZONE": "UTC", "KOE_LOG_LEVEL": "warn"}))
	if err != nil {
		t.Fatal(err)
	}
	printed := map[string]string{}
	for _, e := range c.Entries() {
		printed[e.Name] = e.Value
	}
	again, err := Load(env(printed))
	if err != nil {
		t.Fatalf("loading what koe config prints: %v", err)
	}
	for i, e := range again.Entries() {
		if want := c.Entries()[i]; e != want {
			t.Errorf("read back %s=%q, want %q", e.Name, e.Value, want.Value)
		}
	}
}

func TestTimezone(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Location.String(), "Asia/Tokyo"; got != want {
		t.Errorf("KOE_TIMEZONE by default = %s, want %s", got, want)
	}
	if c.Slack.Location != c.Location {
		t.Errorf("KOE_SLACK_TIMEZONE unset = %v, want KOE_TIMEZONE's %v", c.Slack.Location, c.Location)
	}
	c, err = Load(env(map[string]string{"KOE_TIMEZONE": "UTC", "KOE_SLACK_TIMEZONE": "America/New_York"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Location.String() != "UTC" || c.Slack.Location.String() != "America/New_York" {
		t.Errorf("zones = %v and %v", c.Location, c.Slack.Location)
	}
	_, err = Load(env(map[string]string{"KOE_TIMEZONE": "JST"}))
	if err == nil || !strings.Contains(err.Error(), `KOE_TIMEZONE="JST": use an IANA time zone`) {
		t.Errorf("KOE_TIMEZONE=JST: %v", err)
	}
}

func TestSettingsDeclaredOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Settings(&Config{}) {
		if seen[s.Name] {
			t.Errorf("%s declared twice", s.Name)
		}
		seen[s.Name] = true
		if s.Meaning == "" || strings.Contains(s.Meaning, "|") || strings.Contains(s.Meaning, "\n") {
			t.Errorf("%s: meaning %q is not one table cell", s.Name, s.Meaning)
		}
		if s.Default != "" && s.Unset != "" {
			t.Errorf("%s has both a default and words for unset", s.Name)
		}
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Minute: "1m", 10 * time.Second: "10s", 2 * time.Hour: "2h", 90 * time.Minute: "1h30m"} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestEntriesMaskURLs: koe config shows which host a URL setting names, never its credentials
// or the values of its query.
func TestEntriesMaskURLs(t *testing.T) {
	c, err := Load(env(map[string]string{"KOE_SLACK_API_URL": "https://u:pw-s3cret@proxy.example/api/?token=tok-s3cret",
		"KOE_SHEETS_ENDPOINT": "https://tok-s3cret@sheets.example/", "KOE_COMPANY_LOGO_URL": "https://cdn.example/logo.png?sig=sig-s3cret"}))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range c.Entries() {
		if strings.Contains(e.Value, "s3cret") {
			t.Errorf("%s shows a secret: %s", e.Name, e.Value)
		}
		got[e.Name] = e.Value
	}
	if want := "https://xxxxx@proxy.example/api/?token=xxxxx"; got["KOE_SLACK_API_URL"] != want {
		t.Errorf("KOE_SLACK_API_URL=%q, want %q", got["KOE_SLACK_API_URL"], want)
	}
}
