package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// TestTimesInTheConfiguredZone: a page shows a moment in KOE_TIMEZONE with the zone's name, and
// a day as it fell there; the feeds stay in UTC.
func TestTimesInTheConfiguredZone(t *testing.T) {
	db := seed(t)
	ctx := context.Background()
	received := time.Date(2026, 11, 30, 5, 5, 0, 0, time.UTC)
	_, added, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: []feedback.Item{{SourceKind: feedback.SourceChat, SourceName: "widget",
		SourceID: "tz", ReceivedAt: received, Body: "CSV export please", Status: feedback.StatusNew, Language: "en"}}})
	if err != nil || len(added) != 1 {
		t.Fatalf("save: %v %v", added, err)
	}
	id := added[0].ID
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	cs := signIn(t, db, "cs@koe.example", feedback.RoleCS)
	for _, tc := range []struct {
		loc  *time.Location
		want string
	}{
		{tokyo, "2026-11-30 14:05 JST"},
		{time.UTC, "2026-11-30 05:05 UTC"},
	} {
		srv, err := dashboard.New(db, opts(dashboard.Options{Location: tc.loc}))
		if err != nil {
			t.Fatal(err)
		}
		h := srv.Handler()
		for _, path := range []string{fmt.Sprintf("/app/feedback/%d?lang=en", id), "/app/feedback?lang=en"} {
			rec := do(h, http.MethodGet, path, &cs, false)
			if body := rec.Body.String(); rec.Code != 200 || !strings.Contains(body, tc.want) {
				t.Errorf("%s in %s: %d, no %q in\n%s", path, tc.loc, rec.Code, tc.want, body)
			}
		}
	}
}
