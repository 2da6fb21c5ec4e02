// Package config reads Koe's configuration once, at start, from the environment into one typed
// struct, validates it, and describes it (for `koe config` and the README) with secrets masked.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
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
	// ShutdownTimeout bounds how long in-flight work may take after a stop signal.
	ShutdownTimeout time.Duration
}

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
	values := map[string]string{
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
	}
	out := make([]Entry, 0, len(Vars))
	for _, v := range Vars {
		out = append(out, Entry{v.Name, values[v.Name]})
	}
	return out
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
