// Package stores chooses the Replier for a configured source: Google Play and App Store sources
// reply through their stores' APIs; every other kind answers replies.ErrNoReplyAPI.
package stores

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/koehq/koe/ingest/sources"
	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/replies/appstore"
	"github.com/koehq/koe/replies/googleplay"
)

// Policy is how a Replier retries 429s and 5xx before giving the error to the outbox, which
// retries later on its own schedule: a few tries, not a run's patience.
var Policy = httpretry.Policy{MaxAttempts: 3}

// Build returns the Replier for the source s; getenv reads secrets (key files, credentials).
// Sources without a reply API answer replies.ErrNoReplyAPI: every kind but googleplay and
// appstore, and an appstore source without an App Store Connect key (it reads the public feed,
// whose review ids App Store Connect does not know). Any other error is a configuration the
// person must fix (no credentials, a bad key file), in words that never contain the secret.
func Build(s sources.Settings, getenv func(string) string) (replies.Replier, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	switch s.Kind {
	case "googleplay":
		opts, err := sources.GooglePlayOptions(s, getenv)
		if err != nil {
			return nil, err
		}
		return googleplay.New(context.Background(), s.Package, opts, Policy)
	case "appstore":
		if !s.HasConnectKey() {
			return nil, fmt.Errorf("%w: App Store source %s reads the public feed; give it an App Store Connect key (--key-id, --issuer-id, --key-file) to reply from Koe", replies.ErrNoReplyAPI, s.Name)
		}
		c, err := sources.ConnectClient(s, &http.Client{Timeout: 60 * time.Second})
		if err != nil {
			return nil, err
		}
		c.Policy = Policy
		return appstore.New(c), nil
	}
	return nil, replies.ErrNoReplyAPI
}
