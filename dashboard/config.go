package dashboard

import (
	"log/slog"
	"strings"

	"github.com/koehq/koe/config"
)

// NewOptions is what the dashboard takes from Koe's configuration, defaults applied there once;
// the caller adds the rest (sign-in, mail, the API, metrics, the demo).
func NewOptions(c config.Config, log *slog.Logger) Options {
	return Options{CompanyName: c.CompanyName, Log: log, BaseURL: c.BaseURL, SecureCookies: strings.HasPrefix(c.BaseURL, "https://"),
		ExtraFreeMail: c.FreeMailDomains, SessionTTL: c.SessionTTL, CustomerSessionTTL: c.CustomerSessionTTL, LogoURL: c.Roadmap.LogoURL, BrandColor: c.Roadmap.BrandColor,
		RoadmapAskedBy: c.Roadmap.AskedBy, RoadmapCacheTTL: c.Roadmap.CacheTTL, TrustedProxies: c.TrustedProxies, Location: c.Location,
		MetricsToken: c.MetricsToken, Currency: c.Currency}
}
