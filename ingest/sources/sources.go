// Package sources builds an ingest.Source from its settings: the same settings whether they come
// from `koe ingest KIND` flags or from a source configured once with `koe sources add` and run by
// `koe serve`. Secrets are never settings: they are read from environment variables (or files)
// named here.
package sources

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"google.golang.org/api/androidpublisher/v3"
	"google.golang.org/api/option"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/ingest/appstore"
	"github.com/koehq/koe/ingest/file"
	"github.com/koehq/koe/ingest/g2"
	"github.com/koehq/koe/ingest/googleplay"
	"github.com/koehq/koe/ingest/intercom"
	"github.com/koehq/koe/ingest/zendesk"
)

// Kinds lists the source kinds, in the order help shows them.
var Kinds = []string{"jsonl", "csv", "itreview", "intercom", "zendesk", "appstore", "googleplay", "g2"}

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
	// TokenEnv names the environment variable holding the API token (default per kind).
	TokenEnv string `json:"token_env,omitempty"`
	// Credentials is a Google service-account file (googleplay); default
	// $KOE_GOOGLE_CREDENTIALS or $GOOGLE_APPLICATION_CREDENTIALS.
	Credentials string `json:"credentials,omitempty"`
}

// defaultTokenEnv is where each API kind's token is read from.
var defaultTokenEnv = map[string]string{"intercom": "KOE_INTERCOM_TOKEN", "zendesk": "KOE_ZENDESK_TOKEN", "g2": "KOE_G2_TOKEN"}

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
		return need(s.Countries, "--country")
	case "googleplay":
		return need(s.Package, "--package")
	case "g2":
		return nil
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
		return &appstore.Source{BaseURL: s.BaseURL, AppID: s.AppID, Countries: strings.Split(s.Countries, ","), SourceName: s.Name, HTTP: hc}, nil
	case "googleplay":
		var opts []option.ClientOption
		creds := s.Credentials
		for _, env := range []string{"KOE_GOOGLE_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS"} {
			if creds == "" {
				creds = getenv(env)
			}
		}
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
		return &googleplay.Source{PackageName: s.Package, SourceName: s.Name, Options: opts}, nil
	case "g2":
		if token == "" {
			return nil, fmt.Errorf("g2: no API token: set %s", tokenEnv)
		}
		return &g2.Source{BaseURL: s.BaseURL, Token: token, SourceName: s.Name, HTTP: hc}, nil
	}
	return nil, fmt.Errorf("unknown source kind %q", s.Kind)
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
