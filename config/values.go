package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/koehq/koe/internal/redact"
	"github.com/koehq/koe/locale"
)

// Value is the field of Config that one setting fills, in the manner of flag.Value: Set parses
// and checks the variable's text (its default when unset) into the field, and says what to write
// instead when it cannot; String shows the field as the variable would be written.
type Value interface {
	Set(string) error
	String() string
}

// masked is a Value that can show its parts that are not secret (a URL's host): koe config shows
// that, for secrets and URLs alike; other secrets show only whether they are set.
type masked interface{ Masked() string }

// text is any string.
type text struct{ p *string }

func (v text) Set(s string) error { *v.p = s; return nil }
func (v text) String() string     { return *v.p }

// currency is an ISO 4217 code, written in capitals whatever the case it was given in.
type currency struct{ p *string }

func (v currency) Set(s string) error {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 3 || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return fmt.Errorf("use an ISO 4217 code such as JPY or USD")
	}
	*v.p = s
	return nil
}
func (v currency) String() string { return *v.p }

// oneOf is one of a few words.
type oneOf struct {
	p     *string
	words []string
}

func (v oneOf) Set(s string) error {
	for _, w := range v.words {
		if s == w {
			*v.p = s
			return nil
		}
	}
	return fmt.Errorf("use %s", orList(v.words))
}
func (v oneOf) String() string { return *v.p }

// language is the language of something people read: one the message catalog has.
func language(p *string) oneOf { return oneOf{p, locale.Languages()} }

// duration is a time.Duration of at least min; a min of 0 allows 0 ("every time"), a min of 1ns
// asks for any positive duration.
type duration struct {
	p   *time.Duration
	min time.Duration
}

func (v duration) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < v.min {
		switch {
		case v.min == 0:
			return errors.New("use a duration such as 10s (0: every time)")
		case v.min <= time.Nanosecond:
			return errors.New("use a duration above 0 such as 15s or 12h")
		}
		return fmt.Errorf("use a duration of at least %s, such as %s", shortDuration(v.min), shortDuration(5*v.min))
	}
	*v.p = d
	return nil
}
func (v duration) String() string { return v.p.String() }

// shortDuration writes 1m rather than 1m0s, 2h rather than 2h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// boolean is true or false.
type boolean struct{ p *bool }

func (v boolean) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("use true or false")
	}
	*v.p = b
	return nil
}
func (v boolean) String() string { return strconv.FormatBool(*v.p) }

// count is a whole number of at least min.
type count struct {
	p   *int
	min int
}

func (v count) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < v.min {
		return fmt.Errorf("use a whole number of at least %d", v.min)
	}
	*v.p = n
	return nil
}
func (v count) String() string { return strconv.Itoa(*v.p) }

// stars is a review rating from 0 to 5.
type stars struct{ p *float64 }

func (v stars) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 5 {
		return errors.New("use a star rating from 0 to 5")
	}
	*v.p = f
	return nil
}
func (v stars) String() string { return strconv.FormatFloat(*v.p, 'g', -1, 64) }

// amount is an amount of money above 0, in the base currency's major units.
type amount struct{ p *float64 }

func (v amount) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 {
		return errors.New("use an amount above 0, such as 1000000")
	}
	*v.p = f
	return nil
}
func (v amount) String() string { return strconv.FormatFloat(*v.p, 'f', -1, 64) }

// list is comma-separated items, blanks dropped; each is lowered when lower, and must pass check
// when there is one.
type list struct {
	p     *[]string
	lower bool
	check func(string) error
}

func (v list) Set(s string) error {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		if v.lower {
			item = strings.ToLower(item)
		}
		if v.check != nil {
			if err := v.check(item); err != nil {
				return err
			}
		}
		out = append(out, item)
	}
	*v.p = out
	return nil
}
func (v list) String() string { return strings.Join(*v.p, ",") }

// ipOrCIDR is one trusted proxy.
func ipOrCIDR(s string) error {
	if _, _, err := net.ParseCIDR(s); err != nil && net.ParseIP(s) == nil {
		return fmt.Errorf("%q is neither an IP nor a CIDR such as 10.0.0.0/8", s)
	}
	return nil
}

// endpoint is an absolute http(s) URL, or nothing when optional; a trailing slash is dropped
// when trim.
type endpoint struct {
	p              *string
	optional, trim bool
}

func (v endpoint) Set(s string) error {
	if s == "" && v.optional {
		*v.p = ""
		return nil
	}
	if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("use an absolute http(s) URL such as https://koe.example.com")
	}
	if v.trim {
		s = strings.TrimRight(s, "/")
	}
	*v.p = s
	return nil
}
func (v endpoint) String() string { return *v.p }

// Masked hides the URL's credentials and query values (a proxy's password, a token).
func (v endpoint) Masked() string { return redact.URL(*v.p) }

// logo is an https URL or a path on this Koe, or nothing.
type logo struct{ p *string }

func (v logo) Set(s string) error {
	if u, err := url.Parse(s); s != "" && (err != nil || !(u.Scheme == "https" || u.Scheme == "" && strings.HasPrefix(u.Path, "/"))) {
		return errors.New("use an https URL or a path starting with /")
	}
	*v.p = s
	return nil
}
func (v logo) String() string { return *v.p }

// Masked hides an https URL's credentials and query values (a signed link's token); a path on
// this Koe is shown as it is.
func (v logo) Masked() string {
	if strings.HasPrefix(*v.p, "/") {
		return *v.p
	}
	return redact.URL(*v.p)
}

var hexColour = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// colour is #rrggbb, kept in lower case.
type colour struct{ p *string }

func (v colour) Set(s string) error {
	if s = strings.ToLower(s); !hexColour.MatchString(s) {
		return errors.New("use a colour such as #2f5bd3")
	}
	*v.p = s
	return nil
}
func (v colour) String() string { return *v.p }

// channel is a Slack channel id (C…, G…), or nothing; a #name is refused, since Slack's API
// wants the id.
type channel struct{ p *string }

func (v channel) Set(s string) error {
	if strings.HasPrefix(s, "#") {
		return errors.New("use the channel's id (C…, at the bottom of its details in Slack), not its name")
	}
	*v.p = s
	return nil
}
func (v channel) String() string { return *v.p }

// hostPort is HOST:PORT, or nothing.
type hostPort struct{ p *string }

func (v hostPort) Set(s string) error {
	if s != "" {
		if _, _, err := net.SplitHostPort(s); err != nil {
			return errors.New("use HOST:PORT such as smtp.example.com:587")
		}
	}
	*v.p = s
	return nil
}
func (v hostPort) String() string { return *v.p }

// address is a mail address with an optional name, or nothing.
type address struct{ p *string }

func (v address) Set(s string) error {
	if s != "" {
		if _, err := mail.ParseAddress(s); err != nil {
			return errors.New(`use an address such as "Acme <roadmap@acme.example>"`)
		}
	}
	*v.p = s
	return nil
}
func (v address) String() string { return *v.p }

// level is a log level.
type level struct{ p *slog.Level }

func (v level) Set(s string) error {
	if err := v.p.UnmarshalText([]byte(s)); err != nil {
		return errors.New("use debug, info, warn or error")
	}
	return nil
}
func (v level) String() string { return strings.ToLower(v.p.String()) }

// zone is an IANA time zone; unset, it is the zone *orElse holds (set by an earlier setting).
type zone struct {
	p      **time.Location
	orElse **time.Location
}

func (v zone) Set(s string) error {
	if s == "" && v.orElse != nil {
		*v.p = *v.orElse
		return nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil || s == "" {
		return errors.New("use an IANA time zone such as Asia/Tokyo or UTC")
	}
	*v.p = loc
	return nil
}
func (v zone) String() string {
	if *v.p == nil {
		return ""
	}
	return (*v.p).String()
}

// weekly is a weekday and a whole hour, "Mon 09:00".
type weekly struct {
	day  *time.Weekday
	hour *int
}

func (v weekly) Set(s string) error {
	day, clock, _ := strings.Cut(strings.TrimSpace(s), " ")
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(day, d.String()) || strings.EqualFold(day, d.String()[:3]) {
			t, err := time.Parse("15:04", strings.TrimSpace(clock))
			if err != nil || t.Minute() != 0 {
				break
			}
			*v.day, *v.hour = d, t.Hour()
			return nil
		}
	}
	return errors.New(`use a weekday and an hour such as "Mon 09:00"`)
}
func (v weekly) String() string { return fmt.Sprintf("%s %02d:00", v.day.String()[:3], *v.hour) }

// dsn is a PostgreSQL URL or key=value string, shown with its password hidden.
type dsn struct{ p *string }

func (v dsn) Set(s string) error { *v.p = s; return nil }
func (v dsn) String() string     { return *v.p }
func (v dsn) Masked() string     { return maskURL(*v.p) }

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

// orList writes "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// providers is KOE_OIDC_PROVIDERS: short names, each read with its KOE_OIDC_<NAME>_… variables.
type providers struct{ p *[]OIDCProvider }

var providerName = regexp.MustCompile(`^[a-z][a-z0-9]{0,29}$`)

func (v providers) Set(s string) error {
	var out []OIDCProvider
	for _, name := range strings.Split(s, ",") {
		if name = strings.ToLower(strings.TrimSpace(name)); name == "" {
			continue
		}
		if !providerName.MatchString(name) {
			return fmt.Errorf("%q: use short names of letters and digits, such as microsoft,okta", name)
		}
		for _, p := range out {
			if p.Name == name {
				return fmt.Errorf("%s is named twice", name)
			}
		}
		out = append(out, OIDCProvider{Name: name})
	}
	*v.p = out
	return nil
}

func (v providers) String() string {
	names := make([]string, len(*v.p))
	for i, p := range *v.p {
		names[i] = p.Name
	}
	return strings.Join(names, ",")
}

var guid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// tenantID is an Entra ID tenant id (a GUID, lower-case).
func tenantID(s string) error {
	if !guid.MatchString(s) {
		return fmt.Errorf("%q is not a tenant id such as 9188040d-6c67-4c5b-b112-36a304b66dad", s)
	}
	return nil
}
