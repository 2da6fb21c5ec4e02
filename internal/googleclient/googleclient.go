// Package googleclient gives the google.golang.org/api clients Koe uses (Google Play reviews,
// Gmail) the one retry policy every other outside client has: those libraries retry nothing on
// their own, so a 503 with Retry-After ended a run.
package googleclient

import (
	"context"
	"fmt"

	"google.golang.org/api/option"
	htransport "google.golang.org/api/transport/http"

	"github.com/koehq/koe/internal/httpretry"
)

// Options returns opts with an HTTP client that authenticates as opts say (credentials, token
// source, or the client opts already carry) and retries with p.
func Options(ctx context.Context, p httpretry.Policy, opts []option.ClientOption) ([]option.ClientOption, error) {
	hc, _, err := htransport.NewClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("google client: %w", err)
	}
	retrying := *hc
	retrying.Transport = &httpretry.Transport{Base: hc.Transport, Policy: p}
	return append(append([]option.ClientOption(nil), opts...), option.WithHTTPClient(&retrying)), nil
}
