// Package config reads Koe's configuration once, at start, from the environment into one typed
// struct and validates it. Each variable is declared once (settings.go): its name, default,
// secrecy, meaning and kind; Load, `koe config` and the README's table all come from there.
package config

import (
	"fmt"
	"log/slog"
	"net"
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
	// Location is the zone of every time a person reads (KOE_TIMEZONE); times are stored in UTC.
	Location *time.Location
	// Currency is the base currency (KOE_CURRENCY): every sum of money is converted to it.
	Currency string
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
	// OIDC are the OpenID Connect providers staff and customers may sign in with, in the order of
	// KOE_OIDC_PROVIDERS.
	OIDC []OIDCProvider
	// CustomerSessionTTL is how long a customer's sign-in lasts.
	CustomerSessionTTL time.Duration
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
	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string
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
	// Location is the zone of DigestDay and DigestHour only (KOE_SLACK_TIMEZONE, else
	// KOE_TIMEZONE); messages show times in Config.Location.
	Location *time.Location
}

// OIDCProvider is one OpenID Connect provider of KOE_OIDC_PROVIDERS, read from its
// KOE_OIDC_<NAME>_… variables.
type OIDCProvider struct {
	// Name is its short name in KOE_OIDC_PROVIDERS, lower-case; it names its routes.
	Name                   string
	Issuer                 string
	ClientID, ClientSecret string
	// Label is the word on its button (the name capitalised when unset).
	Label string
	// For is who signs in with it: both, staff or customers.
	For string
	// AllowedDomains, when any, are the only email domains let in.
	AllowedDomains []string
	// Tenants, when any, are the only Entra ID tenant ids let in.
	Tenants []string
}

// Staff and Customers say whom the provider signs in.
func (p OIDCProvider) Staff() bool     { return p.For != "customers" }
func (p OIDCProvider) Customers() bool { return p.For != "staff" }

// ProviderVar is the variable of a per-provider pattern (KOE_OIDC_<NAME>_ISSUER) for one provider.
func ProviderVar(pattern, name string) string {
	return strings.Replace(pattern, "<NAME>", strings.ToUpper(name), 1)
}

// Load reads every declared setting through getenv (os.Getenv in production), its default when
// unset or blank, and validates the whole.
func Load(getenv func(string) string) (Config, error) {
	var c Config
	for _, s := range Settings(&c) {
		if s.Value == nil {
			continue
		}
		v := strings.TrimSpace(getenv(s.Name))
		if v == "" {
			v = s.Default
		}
		if err := s.Value.Set(v); err != nil {
			if s.Secret {
				return c, fmt.Errorf("%s: %w", s.Name, err)
			}
			return c, fmt.Errorf("%s=%q: %w", s.Name, v, err)
		}
	}
	for i := range c.OIDC {
		p := &c.OIDC[i]
		for _, s := range Settings(&c) {
			if s.Each == nil {
				continue
			}
			name := ProviderVar(s.Name, p.Name)
			v := strings.TrimSpace(getenv(name))
			if v == "" {
				v = s.Default
			}
			if err := s.Each(p).Set(v); err != nil {
				if s.Secret {
					return c, fmt.Errorf("%s: %w", name, err)
				}
				return c, fmt.Errorf("%s=%q: %w", name, v, err)
			}
		}
		if p.Label == "" {
			p.Label = strings.ToUpper(p.Name[:1]) + p.Name[1:]
		}
	}
	return c, c.Validate()
}

// Validate checks what no one setting can check alone, and the values a command may change after
// Load, such as Addr.
func (c Config) Validate() error {
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("listen address %q: use HOST:PORT such as 127.0.0.1:8080", c.Addr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("listen address %q: port must be 0–65535", c.Addr)
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		return fmt.Errorf("KOE_DATA_DIR is empty: set it, or set DATABASE_URL")
	}
	if c.GoogleClientID != "" && len(c.AllowedDomains) == 0 {
		return fmt.Errorf("KOE_GOOGLE_CLIENT_ID is set but KOE_ALLOWED_DOMAINS is empty: name the Google Workspace domain(s) whose members may sign in")
	}
	for _, p := range c.OIDC {
		if p.Issuer == "" || p.ClientID == "" {
			return fmt.Errorf("KOE_OIDC_PROVIDERS names %s: set %s and %s (its issuer URL and the client id Koe is registered under)",
				p.Name, ProviderVar("KOE_OIDC_<NAME>_ISSUER", p.Name), ProviderVar("KOE_OIDC_<NAME>_CLIENT_ID", p.Name))
		}
	}
	if c.Mail.SMTPAddr != "" && c.Mail.From == "" {
		return fmt.Errorf("KOE_SMTP_ADDR is set but KOE_MAIL_FROM is empty: use an address such as \"Acme <roadmap@acme.example>\"")
	}
	return nil
}

// Entry is one line of the effective configuration.
type Entry struct {
	Name, Value string
}

// Entries returns the effective value of every setting in c, secrets masked, and URLs without
// their credentials and query values.
func (c Config) Entries() []Entry {
	var out []Entry
	for _, s := range Settings(&c) {
		if s.Each != nil {
			for i := range c.OIDC {
				out = append(out, Entry{ProviderVar(s.Name, c.OIDC[i].Name), shown(s, s.Each(&c.OIDC[i]))})
			}
		}
		if s.Value == nil {
			continue
		}
		out = append(out, Entry{s.Name, shown(s, s.Value)})
	}
	return out
}

// shown is a setting's value as koe config prints it: secrets masked, URLs without credentials.
func shown(s Setting, val Value) string {
	v := val.String()
	if m, ok := val.(masked); ok {
		return m.Masked()
	} else if s.Secret && v != "" {
		return "xxxxx (set)" // whether it is set, nothing of it
	}
	return v
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
