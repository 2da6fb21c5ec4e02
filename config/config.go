// Package config reads Koe's configuration once, at start, from the environment into one typed
// struct, validates it, and describes it (for `koe config` and the README) with secrets masked.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // KOE_SLACK_TIMEZONE works on machines without a zoneinfo database
)

// Config is the whole configuration. The zero value is not valid: use Load.
type Config struct {
	// DatabaseURL is the PostgreSQL to use; empty means the embedded cluster under DataDir.
	DatabaseURL string
	DataDir     string
	PGBinDir    string
	Addr        string
	BaseURL     string
	LogLevel    slog.Level
	LogFormat   string // auto, text or json
	CompanyName string
	// FreeMailDomains extends the built-in list of free-mail and carrier domains that never match
	// an account by domain.
	FreeMailDomains []string
	// KintoneToken and StripeAPIKey are the account syncs' credentials.
	KintoneToken string
	StripeAPIKey string
	// GoogleClientID and AllowedDomains set up staff sign-in with Google; SessionTTL is how long
	// a sign-in lasts.
	GoogleClientID string
	AllowedDomains []string
	SessionTTL     time.Duration
	// Slack is the Slack bot's configuration.
	Slack Slack
	// Roadmap is how the public roadmap looks and what it says.
	Roadmap Roadmap
	// Mail sends customers their sign-in links and shipped notices; no SMTPAddr, no mail.
	Mail Mail
	// Sheets configures the Google Sheets sync.
	Sheets Sheets
	// TrustedProxies may name the client in X-Forwarded-For.
	TrustedProxies []string
	// ShutdownTimeout bounds how long in-flight work may take after a stop signal.
	ShutdownTimeout time.Duration
}

// Sheets configures the Google Sheets sync; with no spreadsheet id nothing is synced.
type Sheets struct {
	FeedbackID, FeedbackTab string
	RoadmapID, RoadmapTab   string
	Language                string
	Interval                time.Duration
	Endpoint                string
}

// Roadmap configures the public roadmap and the customer page.
type Roadmap struct {
	LogoURL    string
	BrandColor string // #rrggbb
	// AskedBy shows "asked by N companies" on public requests (never which ones).
	AskedBy bool
	// CacheTTL is how long a rendered public page or feed is served before it is built again.
	CacheTTL time.Duration
}

// Mail configures outgoing mail (SMTP). Port 465 speaks TLS from the start; other ports use
// STARTTLS when the server offers it.
type Mail struct {
	SMTPAddr, Username, Password, From string
	Language                           string
}

// Slack configures the Slack bot. With no BotToken nothing is posted and the outbox waits.
type Slack struct {
	BotToken, APIURL            string
	SigningSecret, AppToken     string
	VoiceChannel, ReviewChannel string
	Language                    string
	ShowMRR, EmailVoices        bool
	LowRating, HighRating       float64
	Burst                       int
	MaxAge                      time.Duration

	RequestChannel, DigestChannel string
	RequestThreshold, ChurnMRR    float64
	DigestDay                     time.Weekday
	DigestHour                    int
	Location                      *time.Location
}

var brandColor = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// Var documents one environment variable.
type Var struct {
	Name        string
	Default     string
	Secret      bool
	Description string
}

// Vars lists every variable Koe reads, in the order `koe config` prints them.
var Vars = []Var{
	{"DATABASE_URL", "", true, "PostgreSQL URL (postgres://user:pass@host:5432/db). Unset: an embedded PostgreSQL under KOE_DATA_DIR."},
	{"KOE_DATA_DIR", "./koe-data", false, "Where the embedded PostgreSQL keeps its cluster."},
	{"KOE_PG_BINDIR", "", false, "Directory of the PostgreSQL server binaries (initdb, pg_ctl, postgres); found automatically when unset."},
	{"KOE_ADDR", "127.0.0.1:8080", false, "Address the dashboard and API listen on (`--addr` overrides)."},
	{"KOE_BASE_URL", "http://127.0.0.1:8080", false, "Public URL of this Koe, used in links (Slack, sheets, emails)."},
	{"KOE_LOG_LEVEL", "info", false, "debug, info, warn or error."},
	{"KOE_LOG_FORMAT", "auto", false, "text, json, or auto (text on a terminal, JSON otherwise)."},
	{"KOE_COMPANY_NAME", "Koe", false, "Company name shown on the public roadmap."},
	{"KOE_SHUTDOWN_TIMEOUT", "15s", false, "How long in-flight work may take after SIGTERM or Ctrl-C."},
	{"KOE_FREEMAIL_DOMAINS", "", false, "Extra free-mail or carrier domains (comma-separated) that never match an account by domain."},
	{"KOE_KINTONE_TOKEN", "", true, "API token of the kintone app `koe accounts sync kintone` reads (view permission)."},
	{"STRIPE_API_KEY", "", true, "Stripe secret or restricted key (read customers, subscriptions, events) for `koe accounts sync stripe`."},
	{"KOE_GOOGLE_CLIENT_ID", "", false, "OAuth client id (…apps.googleusercontent.com) of the staff \"Sign in with Google\" button; unset, only `koe demo` signs anyone in."},
	{"KOE_ALLOWED_DOMAINS", "", false, "Google Workspace domains (comma-separated) whose members may sign in; required with KOE_GOOGLE_CLIENT_ID."},
	{"KOE_SESSION_TTL", "12h", false, "How long a staff sign-in lasts."},
	{"KOE_COMPANY_LOGO_URL", "", false, "Logo (an https URL or a path) shown on the public roadmap and the customer page."},
	{"KOE_BRAND_COLOR", "#2f5bd3", false, "Accent colour (#rrggbb) of the public roadmap and the customer page."},
	{"KOE_ROADMAP_ASKED_BY", "false", false, "Show \"asked by N companies\" on public requests (never which companies)."},
	{"KOE_ROADMAP_CACHE", "10s", false, "How long a public page or feed is served from memory before it is built again."},
	{"KOE_SMTP_ADDR", "", false, "SMTP server (host:port) for customers' sign-in links and shipped notices; unset, no mail is sent."},
	{"KOE_SMTP_USERNAME", "", false, "SMTP user name (PLAIN authentication over TLS), if the server asks for one."},
	{"KOE_SMTP_PASSWORD", "", true, "SMTP password."},
	{"KOE_SHEETS_FEEDBACK_ID", "", false, "Id of the spreadsheet that holds the CS feedback sheet (one row per voice; people may edit insight, who benefits, tag and request there); share it with the service account as an editor."},
	{"KOE_SHEETS_FEEDBACK_TAB", "Feedback", false, "Tab of that spreadsheet the feedback sheet lives in (created when missing)."},
	{"KOE_SHEETS_ROADMAP_ID", "", false, "Id of the spreadsheet (the part of its URL after /d/) that gets the public roadmap; share it with the service account of KOE_GOOGLE_CREDENTIALS as an editor."},
	{"KOE_SHEETS_ROADMAP_TAB", "Roadmap", false, "Tab of that spreadsheet the public roadmap is written to (created when missing)."},
	{"KOE_SHEETS_LANGUAGE", "ja", false, "Language of the sheets' headers and status labels: ja or en."},
	{"KOE_SHEETS_INTERVAL", "5m", false, "How often `koe serve` syncs the sheets (and soon after a public change)."},
	{"KOE_SHEETS_ENDPOINT", "", false, "Base URL of the Sheets API (a proxy, a test server); Google's when unset."},
	{"KOE_MAIL_LANGUAGE", "ja", false, "Language of the mail customers get: ja or en."},
	{"KOE_TRUSTED_PROXIES", "", false, "Proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For names the client, for the sign-in rate limits; unset, the connection's address counts."},
	{"KOE_MAIL_FROM", "", false, "Sender of Koe's mail, such as \"Acme <roadmap@acme.example>\"; required with KOE_SMTP_ADDR."},
	{"SLACK_BOT_TOKEN", "", true, "Slack bot token (xoxb-…; scopes chat:write, channels:history, groups:history, channels:read, users:read, users:read.email, commands). Unset: nothing is posted and the outbox waits."},
	{"SLACK_APP_TOKEN", "", true, "App-level token (xapp-…, connections:write); set, `koe serve` takes the buttons over Socket Mode — no public URL needed."},
	{"SLACK_SIGNING_SECRET", "", true, "The Slack app's signing secret; set, `koe serve` answers the buttons at POST /slack/interactivity (the app's Interactivity Request URL)."},
	{"KOE_SLACK_API_URL", "", false, "Base URL of the Slack Web API (a proxy, a test server); Slack's own when unset."},
	{"KOE_SLACK_VOICE_CHANNEL", "", false, "Channel id (C…) every chat voice is posted to."},
	{"KOE_SLACK_REVIEW_CHANNEL", "", false, "Channel id (C…) notable reviews are posted to."},
	{"KOE_SLACK_REQUEST_CHANNEL", "", false, "Channel id (C…) for notable requests (with later changes in their threads) and churn-risk voices from big accounts."},
	{"KOE_SLACK_DIGEST_CHANNEL", "", false, "Channel id (C…) for the weekly digest of the top requests and the biggest movers."},
	{"KOE_SLACK_REQUEST_THRESHOLD", "1000000", false, "Revenue at stake per year at which a request is posted."},
	{"KOE_SLACK_CHURN_MRR", "100000", false, "MRR from which a voice tagged churn risk is posted."},
	{"KOE_SLACK_DIGEST_AT", "Mon 09:00", false, "When the weekly digest is due: a weekday and an hour."},
	{"KOE_SLACK_TIMEZONE", "Asia/Tokyo", false, "Time zone of KOE_SLACK_DIGEST_AT, and of the received times in the Google feedback sheet."},
	{"KOE_SLACK_LANGUAGE", "ja", false, "Language of Slack messages: ja or en."},
	{"KOE_SLACK_SHOW_MRR", "false", false, "Show the exact MRR in Slack rather than its band."},
	{"KOE_SLACK_EMAIL_VOICES", "false", false, "Post email voices to the voice channel too."},
	{"KOE_SLACK_REVIEW_LOW", "2", false, "A review rated at or below this many stars is notable."},
	{"KOE_SLACK_REVIEW_HIGH", "5", false, "A review rated at or above this many stars is notable."},
	{"KOE_SLACK_MAX_AGE", "72h", false, "Voices received longer ago than this (history being imported) are not posted."},
	{"KOE_SLACK_BURST", "20", false, "More notable reviews than this arriving at once become one summary with the reviews in its thread."},
}

// Load reads the configuration through getenv (os.Getenv in production) and validates it.
func Load(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, v := range Vars {
			if v.Name == name {
				return v.Default
			}
		}
		return ""
	}
	c := Config{
		DatabaseURL:  get("DATABASE_URL"),
		DataDir:      get("KOE_DATA_DIR"),
		PGBinDir:     get("KOE_PG_BINDIR"),
		Addr:         get("KOE_ADDR"),
		BaseURL:      strings.TrimRight(get("KOE_BASE_URL"), "/"),
		LogFormat:    get("KOE_LOG_FORMAT"),
		CompanyName:  get("KOE_COMPANY_NAME"),
		KintoneToken: get("KOE_KINTONE_TOKEN"),
		StripeAPIKey: get("STRIPE_API_KEY"),
	}
	c.GoogleClientID = get("KOE_GOOGLE_CLIENT_ID")
	for _, d := range strings.Split(get("KOE_ALLOWED_DOMAINS"), ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			c.AllowedDomains = append(c.AllowedDomains, d)
		}
	}
	if c.GoogleClientID != "" && len(c.AllowedDomains) == 0 {
		return c, fmt.Errorf("KOE_GOOGLE_CLIENT_ID is set but KOE_ALLOWED_DOMAINS is empty: name the Google Workspace domain(s) whose members may sign in")
	}
	if ttl, err := time.ParseDuration(get("KOE_SESSION_TTL")); err != nil || ttl <= 0 {
		return c, fmt.Errorf("KOE_SESSION_TTL=%q: use a duration such as 12h", get("KOE_SESSION_TTL"))
	} else {
		c.SessionTTL = ttl
	}
	c.Slack = Slack{BotToken: get("SLACK_BOT_TOKEN"), APIURL: get("KOE_SLACK_API_URL"), SigningSecret: get("SLACK_SIGNING_SECRET"),
		AppToken:     get("SLACK_APP_TOKEN"),
		VoiceChannel: get("KOE_SLACK_VOICE_CHANNEL"), ReviewChannel: get("KOE_SLACK_REVIEW_CHANNEL"),
		Language: get("KOE_SLACK_LANGUAGE")}
	if c.Slack.Language != "ja" && c.Slack.Language != "en" {
		return c, fmt.Errorf("KOE_SLACK_LANGUAGE=%q: use ja or en", c.Slack.Language)
	}
	var err error
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"KOE_SLACK_SHOW_MRR", &c.Slack.ShowMRR}, {"KOE_SLACK_EMAIL_VOICES", &c.Slack.EmailVoices}} {
		if *b.dst, err = strconv.ParseBool(get(b.name)); err != nil {
			return c, fmt.Errorf("%s=%q: use true or false", b.name, get(b.name))
		}
	}
	for _, f := range []struct {
		name string
		dst  *float64
	}{{"KOE_SLACK_REVIEW_LOW", &c.Slack.LowRating}, {"KOE_SLACK_REVIEW_HIGH", &c.Slack.HighRating}} {
		if *f.dst, err = strconv.ParseFloat(get(f.name), 64); err != nil || *f.dst < 0 || *f.dst > 5 {
			return c, fmt.Errorf("%s=%q: use a star rating from 0 to 5", f.name, get(f.name))
		}
	}
	if c.Slack.Burst, err = strconv.Atoi(get("KOE_SLACK_BURST")); err != nil || c.Slack.Burst < 1 {
		return c, fmt.Errorf("KOE_SLACK_BURST=%q: use a whole number of at least 1", get("KOE_SLACK_BURST"))
	}
	c.Slack.RequestChannel, c.Slack.DigestChannel = get("KOE_SLACK_REQUEST_CHANNEL"), get("KOE_SLACK_DIGEST_CHANNEL")
	for _, f := range []struct {
		name string
		dst  *float64
	}{{"KOE_SLACK_REQUEST_THRESHOLD", &c.Slack.RequestThreshold}, {"KOE_SLACK_CHURN_MRR", &c.Slack.ChurnMRR}} {
		if *f.dst, err = strconv.ParseFloat(get(f.name), 64); err != nil || *f.dst <= 0 {
			return c, fmt.Errorf("%s=%q: use an amount above 0, such as 1000000", f.name, get(f.name))
		}
	}
	if c.Slack.DigestDay, c.Slack.DigestHour, err = parseWeeklyAt(get("KOE_SLACK_DIGEST_AT")); err != nil {
		return c, fmt.Errorf("KOE_SLACK_DIGEST_AT=%q: use a weekday and an hour such as \"Mon 09:00\"", get("KOE_SLACK_DIGEST_AT"))
	}
	if c.Slack.Location, err = time.LoadLocation(get("KOE_SLACK_TIMEZONE")); err != nil {
		return c, fmt.Errorf("KOE_SLACK_TIMEZONE=%q: use an IANA time zone such as Asia/Tokyo", get("KOE_SLACK_TIMEZONE"))
	}
	if c.Slack.MaxAge, err = time.ParseDuration(get("KOE_SLACK_MAX_AGE")); err != nil || c.Slack.MaxAge <= 0 {
		return c, fmt.Errorf("KOE_SLACK_MAX_AGE=%q: use a duration such as 72h", get("KOE_SLACK_MAX_AGE"))
	}
	c.Roadmap = Roadmap{LogoURL: get("KOE_COMPANY_LOGO_URL"), BrandColor: strings.ToLower(get("KOE_BRAND_COLOR"))}
	if !brandColor.MatchString(c.Roadmap.BrandColor) {
		return c, fmt.Errorf("KOE_BRAND_COLOR=%q: use a colour such as #2f5bd3", get("KOE_BRAND_COLOR"))
	}
	if u, err := url.Parse(c.Roadmap.LogoURL); c.Roadmap.LogoURL != "" && (err != nil || !(u.Scheme == "https" || u.Scheme == "" && strings.HasPrefix(u.Path, "/"))) {
		return c, fmt.Errorf("KOE_COMPANY_LOGO_URL=%q: use an https URL or a path starting with /", c.Roadmap.LogoURL)
	}
	if c.Roadmap.AskedBy, err = strconv.ParseBool(get("KOE_ROADMAP_ASKED_BY")); err != nil {
		return c, fmt.Errorf("KOE_ROADMAP_ASKED_BY=%q: use true or false", get("KOE_ROADMAP_ASKED_BY"))
	}
	if c.Roadmap.CacheTTL, err = time.ParseDuration(get("KOE_ROADMAP_CACHE")); err != nil || c.Roadmap.CacheTTL < 0 {
		return c, fmt.Errorf("KOE_ROADMAP_CACHE=%q: use a duration such as 10s (0 builds every answer afresh)", get("KOE_ROADMAP_CACHE"))
	}
	c.Mail = Mail{SMTPAddr: get("KOE_SMTP_ADDR"), Username: get("KOE_SMTP_USERNAME"), Password: get("KOE_SMTP_PASSWORD"), From: get("KOE_MAIL_FROM"),
		Language: get("KOE_MAIL_LANGUAGE")}
	if c.Mail.Language != "ja" && c.Mail.Language != "en" {
		return c, fmt.Errorf("KOE_MAIL_LANGUAGE=%q: use ja or en", c.Mail.Language)
	}
	c.Sheets = Sheets{FeedbackID: get("KOE_SHEETS_FEEDBACK_ID"), FeedbackTab: get("KOE_SHEETS_FEEDBACK_TAB"), RoadmapID: get("KOE_SHEETS_ROADMAP_ID"), RoadmapTab: get("KOE_SHEETS_ROADMAP_TAB"), Language: get("KOE_SHEETS_LANGUAGE"),
		Endpoint: get("KOE_SHEETS_ENDPOINT")}
	if c.Sheets.Language != "ja" && c.Sheets.Language != "en" {
		return c, fmt.Errorf("KOE_SHEETS_LANGUAGE=%q: use ja or en", c.Sheets.Language)
	}
	if c.Sheets.Interval, err = time.ParseDuration(get("KOE_SHEETS_INTERVAL")); err != nil || c.Sheets.Interval < time.Minute {
		return c, fmt.Errorf("KOE_SHEETS_INTERVAL=%q: use a duration of at least 1m, such as 5m", get("KOE_SHEETS_INTERVAL"))
	}
	if u, err := url.Parse(c.Sheets.Endpoint); c.Sheets.Endpoint != "" && (err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https")) {
		return c, fmt.Errorf("KOE_SHEETS_ENDPOINT=%q: use an absolute http(s) URL", c.Sheets.Endpoint)
	}
	for _, p := range strings.Split(get("KOE_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
				return c, fmt.Errorf("KOE_TRUSTED_PROXIES: %q is neither an IP nor a CIDR such as 10.0.0.0/8", p)
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	if c.Mail.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.Mail.SMTPAddr); err != nil {
			return c, fmt.Errorf("KOE_SMTP_ADDR=%q: use HOST:PORT such as smtp.example.com:587", c.Mail.SMTPAddr)
		}
		if _, err := mail.ParseAddress(c.Mail.From); err != nil {
			return c, fmt.Errorf("KOE_MAIL_FROM=%q: use an address such as \"Acme <roadmap@acme.example>\"", c.Mail.From)
		}
	}
	for _, d := range strings.Split(get("KOE_FREEMAIL_DOMAINS"), ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			c.FreeMailDomains = append(c.FreeMailDomains, d)
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("KOE_LOG_LEVEL"))); err != nil {
		return c, fmt.Errorf("KOE_LOG_LEVEL=%q: use debug, info, warn or error", get("KOE_LOG_LEVEL"))
	}
	d, err := time.ParseDuration(get("KOE_SHUTDOWN_TIMEOUT"))
	if err != nil || d <= 0 {
		return c, fmt.Errorf("KOE_SHUTDOWN_TIMEOUT=%q: use a duration such as 15s", get("KOE_SHUTDOWN_TIMEOUT"))
	}
	c.ShutdownTimeout = d
	return c, c.Validate()
}

// Validate checks the values that Load cannot check while parsing, such as a changed Addr.
func (c Config) Validate() error {
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("listen address %q: use HOST:PORT such as 127.0.0.1:8080", c.Addr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("listen address %q: port must be 0–65535", c.Addr)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("KOE_BASE_URL=%q: use an absolute http(s) URL such as https://koe.example.com", c.BaseURL)
	}
	switch c.LogFormat {
	case "auto", "text", "json":
	default:
		return fmt.Errorf("KOE_LOG_FORMAT=%q: use auto, text or json", c.LogFormat)
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		return fmt.Errorf("KOE_DATA_DIR is empty: set it, or set DATABASE_URL")
	}
	return nil
}

// Entry is one line of the effective configuration.
type Entry struct {
	Name, Value string
}

// Entries returns the effective configuration with secrets masked.
func (c Config) Entries() []Entry {
	values := c.values()
	out := make([]Entry, 0, len(Vars))
	for _, v := range Vars {
		out = append(out, Entry{v.Name, values[v.Name]})
	}
	return out
}

// values is the effective value of each variable, secrets masked.
func (c Config) values() map[string]string {
	return map[string]string{
		"DATABASE_URL":         maskURL(c.DatabaseURL),
		"KOE_DATA_DIR":         c.DataDir,
		"KOE_PG_BINDIR":        c.PGBinDir,
		"KOE_ADDR":             c.Addr,
		"KOE_BASE_URL":         c.BaseURL,
		"KOE_LOG_LEVEL":        strings.ToLower(c.LogLevel.String()),
		"KOE_LOG_FORMAT":       c.LogFormat,
		"KOE_COMPANY_NAME":     c.CompanyName,
		"KOE_SHUTDOWN_TIMEOUT": c.ShutdownTimeout.String(),
		"KOE_FREEMAIL_DOMAINS": strings.Join(c.FreeMailDomains, ","),
		"KOE_KINTONE_TOKEN":    maskSecret(c.KintoneToken),
		"STRIPE_API_KEY":       maskSecret(c.StripeAPIKey),

		"SLACK_BOT_TOKEN":             maskSecret(c.Slack.BotToken),
		"KOE_SLACK_API_URL":           c.Slack.APIURL,
		"SLACK_SIGNING_SECRET":        maskSecret(c.Slack.SigningSecret),
		"KOE_SLACK_VOICE_CHANNEL":     c.Slack.VoiceChannel,
		"KOE_SLACK_REVIEW_CHANNEL":    c.Slack.ReviewChannel,
		"KOE_SLACK_LANGUAGE":          c.Slack.Language,
		"KOE_SLACK_SHOW_MRR":          strconv.FormatBool(c.Slack.ShowMRR),
		"KOE_SLACK_EMAIL_VOICES":      strconv.FormatBool(c.Slack.EmailVoices),
		"KOE_SLACK_REVIEW_LOW":        strconv.FormatFloat(c.Slack.LowRating, 'g', -1, 64),
		"KOE_SLACK_REVIEW_HIGH":       strconv.FormatFloat(c.Slack.HighRating, 'g', -1, 64),
		"KOE_SLACK_BURST":             strconv.Itoa(c.Slack.Burst),
		"KOE_SLACK_MAX_AGE":           c.Slack.MaxAge.String(),
		"KOE_SLACK_REQUEST_CHANNEL":   c.Slack.RequestChannel,
		"KOE_SLACK_DIGEST_CHANNEL":    c.Slack.DigestChannel,
		"KOE_SLACK_REQUEST_THRESHOLD": strconv.FormatFloat(c.Slack.RequestThreshold, 'f', -1, 64),
		"KOE_SLACK_CHURN_MRR":         strconv.FormatFloat(c.Slack.ChurnMRR, 'f', -1, 64),
		"KOE_SLACK_DIGEST_AT":         fmt.Sprintf("%s %02d:00", c.Slack.DigestDay.String()[:3], c.Slack.DigestHour),
		"KOE_SLACK_TIMEZONE":          c.Slack.Location.String(),
		"KOE_GOOGLE_CLIENT_ID":        c.GoogleClientID,
		"KOE_ALLOWED_DOMAINS":         strings.Join(c.AllowedDomains, ","),
		"KOE_SESSION_TTL":             c.SessionTTL.String(),
		"KOE_COMPANY_LOGO_URL":        c.Roadmap.LogoURL,
		"KOE_BRAND_COLOR":             c.Roadmap.BrandColor,
		"KOE_ROADMAP_ASKED_BY":        strconv.FormatBool(c.Roadmap.AskedBy),
		"KOE_ROADMAP_CACHE":           c.Roadmap.CacheTTL.String(),
		"KOE_SMTP_ADDR":               c.Mail.SMTPAddr,
		"KOE_SMTP_USERNAME":           c.Mail.Username,
		"KOE_SMTP_PASSWORD":           maskSecret(c.Mail.Password),
		"KOE_MAIL_FROM":               c.Mail.From,
		"KOE_MAIL_LANGUAGE":           c.Mail.Language,
		"KOE_SHEETS_FEEDBACK_ID":      c.Sheets.FeedbackID,
		"KOE_SHEETS_FEEDBACK_TAB":     c.Sheets.FeedbackTab,
		"KOE_SHEETS_ROADMAP_ID":       c.Sheets.RoadmapID,
		"KOE_SHEETS_ROADMAP_TAB":      c.Sheets.RoadmapTab,
		"KOE_SHEETS_LANGUAGE":         c.Sheets.Language,
		"KOE_SHEETS_INTERVAL":         c.Sheets.Interval.String(),
		"KOE_SHEETS_ENDPOINT":         c.Sheets.Endpoint,
		"KOE_TRUSTED_PROXIES":         strings.Join(c.TrustedProxies, ","),
		"SLACK_APP_TOKEN":             maskSecret(c.Slack.AppToken),
	}
}

// parseWeeklyAt reads "Mon 09:00" (a weekday, English, any case, and a whole hour).
func parseWeeklyAt(s string) (time.Weekday, int, error) {
	day, clock, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return 0, 0, fmt.Errorf("no hour")
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(day, d.String()) || strings.EqualFold(day, d.String()[:3]) {
			t, err := time.Parse("15:04", strings.TrimSpace(clock))
			if err != nil || t.Minute() != 0 {
				return 0, 0, fmt.Errorf("bad hour")
			}
			return d, t.Hour(), nil
		}
	}
	return 0, 0, fmt.Errorf("bad weekday")
}

// maskSecret shows only whether a secret is set.
func maskSecret(s string) string {
	if s == "" {
		return ""
	}
	return "xxxxx (set)"
}

// maskURL hides a URL's password; a value that does not parse is hidden whole.
func maskURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return "xxxxx"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// GoogleCredentials is the service-account JSON file Google's APIs (Play, Gmail, Sheets) use:
// explicit when given, else $KOE_GOOGLE_CREDENTIALS, else $GOOGLE_APPLICATION_CREDENTIALS.
func GoogleCredentials(explicit string, getenv func(string) string) string {
	for _, v := range []string{explicit, getenv("KOE_GOOGLE_CREDENTIALS"), getenv("GOOGLE_APPLICATION_CREDENTIALS")} {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
