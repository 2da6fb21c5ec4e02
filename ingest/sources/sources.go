// Package sources builds an ingest.Source from its settings: the same settings whether they come
// from `koe ingest KIND` flags or from a source configured once with `koe sources add` and run by
// `koe serve`. Secrets are never settings: they are read from environment variables (or files)
// named here.
package sources

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/gmail/v1"

	"google.golang.org/api/androidpublisher/v3"
	"google.golang.org/api/option"

	"github.com/koehq/koe/config"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/appstore"
	"github.com/koehq/koe/ingest/appstore/connect"
	"github.com/koehq/koe/ingest/email"
	"github.com/koehq/koe/ingest/file"
	"github.com/koehq/koe/ingest/g2"
	"github.com/koehq/koe/ingest/googleplay"
	"github.com/koehq/koe/ingest/intercom"
	"github.com/koehq/koe/ingest/zendesk"
)

// Kinds lists the source kinds, in the order help shows them.
var Kinds = []string{"jsonl", "csv", "itreview", "intercom", "zendesk", "appstore", "googleplay", "g2", "imap", "gmail", "mbox", "eml"}

// RecordedKinds are the kinds a row of the sources table may have, for the pages that name them
// in words: the configured Kinds, and the sources that save a cursor without being configured
// here — voices from Slack (slackbot) and the API (api), accounts from Stripe and kintone
// (accounts). A new kind of cursor belongs here too.
var RecordedKinds = append(slices.Clone(Kinds), "slack", "api", "stripe", "kintone")

// Settings configure a source. Stored as JSON for configured sources.
type Settings struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Files.
	File     string `json:"file,omitempty"`
	Map      string `json:"map,omitempty"`
	Preset   string `json:"preset,omitempty"`
	Voice    string `json:"voice,omitempty"` // chat, review, email …: what a file's voices are
	TimeZone string `json:"timezone,omitempty"`
	// APIs.
	BaseURL   string `json:"base_url,omitempty"`
	AppID     string `json:"app_id,omitempty"`
	Countries string `json:"countries,omitempty"`
	Package   string `json:"package,omitempty"`
	Email     string `json:"email,omitempty"`
	Since     string `json:"since,omitempty"`
	// AppName is the app a review source's reviews are about, as replies name it (the {app} of
	// reply templates); the company's name when empty.
	AppName string `json:"app_name,omitempty"`
	// TokenEnv names the environment variable holding the API token (default per kind).
	TokenEnv string `json:"token_env,omitempty"`
	// Credentials is a Google service-account file (googleplay, gmail); default
	// $KOE_GOOGLE_CREDENTIALS or $GOOGLE_APPLICATION_CREDENTIALS.
	Credentials string `json:"credentials,omitempty"`
	// App Store Connect API key (appstore): its key id, the team's issuer id, and the path of
	// the AuthKey_KEYID.p8 file (the file is the secret; its path is not). With all three the
	// source reads reviews through App Store Connect and can reply to them; without, it reads
	// the public feed.
	KeyID    string `json:"key_id,omitempty"`
	IssuerID string `json:"issuer_id,omitempty"`
	KeyFile  string `json:"key_file,omitempty"`
	// Mail.
	Addr        string `json:"addr,omitempty"`     // imap host:port
	Security    string `json:"security,omitempty"` // imap: tls (default), starttls, plain
	User        string `json:"user,omitempty"`     // imap login; gmail mailbox
	Mailbox     string `json:"mailbox,omitempty"`
	CAFile      string `json:"ca_file,omitempty"` // imap: a private CA
	Query       string `json:"query,omitempty"`   // gmail search
	OwnDomains  string `json:"own_domains,omitempty"`
	OAuthClient string `json:"oauth_client,omitempty"` // gmail: client_secret.json
	OAuthToken  string `json:"oauth_token,omitempty"`  // gmail: a saved OAuth token (JSON)
}

// defaultTokenEnv is where each API kind's token is read from.
var defaultTokenEnv = map[string]string{"intercom": "KOE_INTERCOM_TOKEN", "zendesk": "KOE_ZENDESK_TOKEN", "g2": "KOE_G2_TOKEN", "imap": "KOE_IMAP_PASSWORD"}

// Validate checks the settings a kind needs.
func (s Settings) Validate() error {
	need := func(v, flag string) error {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("%s: %s is required", s.Kind, flag)
		}
		return nil
	}
	if s.Name == "" {
		return fmt.Errorf("%s: a source needs a name", s.Kind)
	}
	switch s.Kind {
	case "jsonl", "csv", "itreview":
		return need(s.File, "--file")
	case "intercom":
		return nil // the API, or --file with an export
	case "zendesk":
		return need(s.BaseURL, "--base-url (https://SUBDOMAIN.zendesk.com)")
	case "appstore":
		if err := need(s.AppID, "--app"); err != nil {
			return err
		}
		if s.HasConnectKey() {
			return nil // App Store Connect reads every territory
		}
		if s.KeyID != "" || s.IssuerID != "" || s.KeyFile != "" {
			return fmt.Errorf("appstore: an App Store Connect key needs --key-id, --issuer-id and --key-file together")
		}
		return need(s.Countries, "--country (or an App Store Connect key: --key-id, --issuer-id, --key-file)")
	case "googleplay":
		return need(s.Package, "--package")
	case "g2":
		return nil
	case "imap":
		if err := need(s.Addr, "--addr (host:993)"); err != nil {
			return err
		}
		return need(s.User, "--user")
	case "gmail":
		return need(s.User, "--user (the mailbox address, or me)")
	case "mbox", "eml":
		return need(s.File, "--file")
	}
	return fmt.Errorf("unknown source kind %q: use %s", s.Kind, strings.Join(Kinds, ", "))
}

// Build makes the source; getenv reads secrets.
func Build(s Settings, getenv func(string) string) (ingest.Source, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	tokenEnv := s.TokenEnv
	if tokenEnv == "" {
		tokenEnv = defaultTokenEnv[s.Kind]
	}
	token := ""
	if tokenEnv != "" {
		token = getenv(tokenEnv)
	}
	hc := &http.Client{Timeout: 60 * time.Second}
	switch s.Kind {
	case "jsonl", "csv", "itreview":
		return fileSource(s)
	case "intercom":
		if s.File != "" {
			return &intercom.FileSource{Path: s.File, SourceName: s.Name}, nil
		}
		if token == "" {
			return nil, fmt.Errorf("intercom: no access token: set %s", tokenEnv)
		}
		return &intercom.Source{BaseURL: s.BaseURL, Token: token, SourceName: s.Name, HTTP: hc}, nil
	case "zendesk":
		if token == "" {
			return nil, fmt.Errorf("zendesk: no API token: set %s (with --email for an API token, without for an OAuth token)", tokenEnv)
		}
		src := &zendesk.Source{BaseURL: s.BaseURL, Email: s.Email, Token: token, SourceName: s.Name, HTTP: hc}
		if s.Since != "" {
			t, err := time.Parse("2006-01-02", s.Since)
			if err != nil {
				return nil, fmt.Errorf("zendesk: --since %q: write a date such as 2026-01-01", s.Since)
			}
			src.Since = t
		}
		return src, nil
	case "appstore":
		if s.HasConnectKey() {
			c, err := ConnectClient(s, hc)
			if err != nil {
				return nil, err
			}
			return &appstore.ConnectSource{Client: c, AppID: s.AppID, SourceName: s.Name}, nil
		}
		return &appstore.Source{BaseURL: s.BaseURL, AppID: s.AppID, Countries: strings.Split(s.Countries, ","), SourceName: s.Name, HTTP: hc}, nil
	case "googleplay":
		opts, err := GooglePlayOptions(s, getenv)
		if err != nil {
			return nil, err
		}
		return &googleplay.Source{PackageName: s.Package, SourceName: s.Name, Options: opts}, nil
	case "g2":
		if token == "" {
			return nil, fmt.Errorf("g2: no API token: set %s", tokenEnv)
		}
		return &g2.Source{BaseURL: s.BaseURL, Token: token, SourceName: s.Name, HTTP: hc}, nil
	case "imap", "gmail", "mbox", "eml":
		return mailSource(s, token, tokenEnv, getenv)
	}
	return nil, fmt.Errorf("unknown source kind %q", s.Kind)
}

// HasConnectKey says whether an appstore source has an App Store Connect key.
func (s Settings) HasConnectKey() bool {
	return strings.TrimSpace(s.KeyID) != "" && strings.TrimSpace(s.IssuerID) != "" && strings.TrimSpace(s.KeyFile) != ""
}

// ConnectClient is the App Store Connect client of an appstore source with a key (BaseURL, when
// set, replaces Apple's host: tests and proxies). The key is read now, so a bad file is an error
// here, before any request.
func ConnectClient(s Settings, hc *http.Client) (*connect.Client, error) {
	key, err := connect.LoadKey(s.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("appstore: --key-file: %w", err)
	}
	return &connect.Client{BaseURL: s.BaseURL, HTTP: hc, Tokens: &connect.Tokens{KeyID: strings.TrimSpace(s.KeyID), IssuerID: strings.TrimSpace(s.IssuerID), Key: key}}, nil
}

// GooglePlayOptions are the Android Publisher client options of a googleplay source: its
// service account, or no authentication against a local BaseURL (tests, proxies). Reading
// reviews and replying to them take the same scope.
func GooglePlayOptions(s Settings, getenv func(string) string) ([]option.ClientOption, error) {
	var opts []option.ClientOption
	creds := config.GoogleCredentials(s.Credentials, getenv)
	switch {
	case creds != "":
		opts = append(opts, option.WithAuthCredentialsFile(option.ServiceAccount, creds), option.WithScopes(androidpublisher.AndroidpublisherScope))
	case s.BaseURL != "":
		opts = append(opts, option.WithoutAuthentication()) // a local endpoint for tests and proxies
	default:
		return nil, fmt.Errorf("googleplay: no credentials: set KOE_GOOGLE_CREDENTIALS (or GOOGLE_APPLICATION_CREDENTIALS) to a service-account JSON file with access to the Play Console")
	}
	if s.BaseURL != "" {
		opts = append(opts, option.WithEndpoint(strings.TrimRight(s.BaseURL, "/")+"/"))
	}
	return opts, nil
}

func fileSource(s Settings) (ingest.Source, error) {
	preset := s.Preset
	voice := feedback.SourceKind(s.Voice)
	if s.Kind == "itreview" {
		preset = "itreview"
		if voice == "" {
			voice = feedback.SourceReview
		}
	}
	if voice == "" {
		voice = feedback.SourceChat
	}
	if !voice.Valid() {
		return nil, fmt.Errorf("--kind %q: use chat, review, email, slack, manual or sheet", s.Voice)
	}
	m, err := file.NewMapping(preset, s.Map)
	if err != nil {
		return nil, err
	}
	tz := s.TimeZone
	if tz == "" {
		tz = "Asia/Tokyo"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("--timezone %q: %w", tz, err)
	}
	format := "csv"
	if s.Kind == "jsonl" {
		format = "jsonl"
	}
	return &file.Source{Path: s.File, Format: format, SourceKind: voice, SourceName: s.Name, Mapping: m, Location: loc}, nil
}

func mailSource(s Settings, password, passwordEnv string, getenv func(string) string) (ingest.Source, error) {
	filter := email.Filter{OwnDomains: splitList(s.OwnDomains)}
	switch s.Kind {
	case "mbox", "eml":
		return &email.FileSource{Path: s.File, Mbox: s.Kind == "mbox", SourceName: s.Name, Filter: filter}, nil
	case "imap":
		if password == "" {
			return nil, fmt.Errorf("imap: no password: set %s", passwordEnv)
		}
		src := &email.IMAPSource{Addr: s.Addr, Security: s.Security, User: s.User, Password: password, Mailbox: s.Mailbox, SourceName: s.Name, Filter: filter}
		if s.CAFile != "" {
			pem, err := os.ReadFile(s.CAFile)
			if err != nil {
				return nil, fmt.Errorf("imap: --ca-file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("imap: --ca-file %s holds no PEM certificate", s.CAFile)
			}
			src.TLSConfig = &tls.Config{RootCAs: pool}
		}
		return src, nil
	}
	// gmail
	opts, err := gmailOptions(s, getenv)
	if err != nil {
		return nil, err
	}
	return &email.GmailSource{User: s.User, Query: s.Query, SourceName: s.Name, Filter: filter, Options: opts}, nil
}

// gmailOptions authenticates as the two ways allow: a service account with domain-wide
// delegation impersonating the mailbox, or a saved OAuth token with its client.
func gmailOptions(s Settings, getenv func(string) string) ([]option.ClientOption, error) {
	ctx := context.Background()
	var opts []option.ClientOption
	switch {
	case s.OAuthToken != "":
		client, err := os.ReadFile(s.OAuthClient)
		if err != nil {
			return nil, fmt.Errorf("gmail: --oauth-client (client_secret.json): %w", err)
		}
		conf, err := google.ConfigFromJSON(client, gmail.GmailReadonlyScope)
		if err != nil {
			return nil, fmt.Errorf("gmail: --oauth-client: %w", err)
		}
		raw, err := os.ReadFile(s.OAuthToken)
		if err != nil {
			return nil, fmt.Errorf("gmail: --oauth-token: %w", err)
		}
		var tok oauth2.Token
		if err := json.Unmarshal(raw, &tok); err != nil {
			return nil, fmt.Errorf("gmail: --oauth-token %s is not a saved OAuth token: %w", s.OAuthToken, err)
		}
		opts = append(opts, option.WithTokenSource(conf.TokenSource(ctx, &tok)))
	default:
		creds := config.GoogleCredentials(s.Credentials, getenv)
		switch {
		case creds != "":
			raw, err := os.ReadFile(creds)
			if err != nil {
				return nil, fmt.Errorf("gmail: credentials: %w", err)
			}
			conf, err := google.JWTConfigFromJSON(raw, gmail.GmailReadonlyScope)
			if err != nil {
				return nil, fmt.Errorf("gmail: %s is not a service-account key: %w", creds, err)
			}
			conf.Subject = s.User // domain-wide delegation: read this mailbox
			opts = append(opts, option.WithTokenSource(conf.TokenSource(ctx)))
		case s.BaseURL != "":
			opts = append(opts, option.WithoutAuthentication())
		default:
			return nil, fmt.Errorf("gmail: no credentials: set KOE_GOOGLE_CREDENTIALS to a service account with domain-wide delegation, or pass --oauth-client and --oauth-token")
		}
	}
	if s.BaseURL != "" {
		opts = append(opts, option.WithEndpoint(strings.TrimRight(s.BaseURL, "/")+"/"))
	}
	return opts, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
