package appstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/ingest/appstore"
	"github.com/koehq/koe/ingest/appstore/connect"
	"github.com/koehq/koe/ingest/appstore/connect/connecttest"
	"github.com/koehq/koe/ingest/sourcetest"
	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/internal/storetest"
)

// TestConnectSource reads reviews through the local App Store Connect (connecttest, built from
// Apple's OpenAPI document and its "List all customer reviews for an app" example, whose review
// is the first one here): two pages of 200, each review's response included, the cursor stopping
// the next run at the reviews already stored.
func TestConnectSource(t *testing.T) {
	db := storetest.Open(t)
	srv := connecttest.New(t)
	// Apple's example review, as its reference shows it.
	created, _ := time.Parse(time.RFC3339, "2017-11-15T08:10:34-08:00")
	srv.AddReview(connecttest.Review{ID: "00000028-b08c-0014-729e-fbd500000000", AppID: "682658836", Rating: 5, Title: "Awesome!!!",
		Body: "It's a really fantastic app!", Nickname: "Anne Johnson", Territory: "USA", Created: created})
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range 204 {
		srv.AddReview(connecttest.Review{ID: fmt.Sprintf("00000030-0000-0000-0000-%012d", i), AppID: "682658836", Rating: 1 + i%5,
			Title: fmt.Sprintf("レビュー %d", i), Body: "同期が遅いです", Nickname: fmt.Sprintf("user%d", i), Territory: "JPN", Created: base.Add(time.Duration(i) * time.Hour)})
	}
	answered := "00000030-0000-0000-0000-000000000203" // the newest
	srv.SetResponse(answered, connecttest.Resp{ID: "00000077-aaaa-0014-729e-fbd500000000", Body: "ご意見ありがとうございます。", State: "PUBLISHED", Modified: base.Add(300 * time.Hour)})
	srv.AddReview(connecttest.Review{ID: "00000031-0000-0000-0000-000000000000", AppID: "682658836", Rating: 3, Title: "", Body: "", Nickname: "quiet", Territory: "JPN", Created: base.Add(-time.Hour)})
	srv.AddReview(connecttest.Review{ID: "00000032-0000-0000-0000-000000000000", AppID: "999", Rating: 3, Body: "another app", Created: base})

	key, err := connect.LoadKey(srv.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	src := &appstore.ConnectSource{AppID: "682658836", SourceName: "app_store", Client: &connect.Client{BaseURL: srv.URL, HTTP: srv.Client(),
		Tokens: &connect.Tokens{KeyID: srv.KeyID, IssuerID: srv.IssuerID, Key: key},
		Policy: httpretry.Policy{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}}}
	srv.Refuse(http.StatusTooManyRequests)
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil {
		t.Fatal(err)
	}
	if c.New != 205 || c.Skipped != 1 || len(waits) != 1 {
		t.Fatalf("counts %+v, problems %v, waits %v", c, problems, waits)
	}
	if got := srv.Log(); len(got) != 3 { // the 429, then two pages
		t.Fatalf("requests: %v", got)
	}
	items := sourcetest.Items(t, db)
	anne := items["00000028-b08c-0014-729e-fbd500000000"]
	if anne.Title != "Awesome!!!" || anne.Body != "It's a really fantastic app!" || anne.AuthorName != "Anne Johnson" || *anne.Rating != 5 || !anne.ReceivedAt.Equal(created) || anne.Context != "" {
		t.Fatalf("Apple's example review = %+v", anne)
	}
	var raw appstore.Raw
	if err := json.Unmarshal(anne.Raw, &raw); err != nil || len(raw.Review) == 0 || raw.Response != nil {
		t.Fatalf("raw of an unanswered review = %s (%v)", anne.Raw, err)
	}
	v := items[answered]
	if v.Context != "Developer reply: ご意見ありがとうございます。" {
		t.Fatalf("answered review context = %q", v.Context)
	}
	var answeredRaw appstore.Raw
	var resp connect.Response
	if err := json.Unmarshal(v.Raw, &answeredRaw); err != nil || json.Unmarshal(answeredRaw.Response, &resp) != nil ||
		resp.Attributes.ResponseBody != "ご意見ありがとうございます。" || resp.Attributes.State != "PUBLISHED" {
		t.Fatalf("raw of an answered review = %s (%v)", v.Raw, err)
	}

	// The next run reads one page and stops a week before the newest review it has; a response
	// written meanwhile in App Store Connect to a review of that week reaches the stored review.
	srv.AddReview(connecttest.Review{ID: "00000040-0000-0000-0000-000000000000", AppID: "682658836", Rating: 4, Title: "", Body: "便利", Nickname: "new", Territory: "JPN", Created: base.Add(500 * time.Hour)})
	lately := "00000030-0000-0000-0000-000000000150"
	srv.SetResponse(lately, connecttest.Resp{ID: "00000078-aaaa-0014-729e-fbd500000000", Body: "修正しました。", State: "PENDING_PUBLISH", Modified: base.Add(400 * time.Hour)})
	before := len(srv.Log())
	c, problems, err = sourcetest.Run(t, db, src)
	if err != nil || c.New != 1 || c.Updated != 1 || len(srv.Log())-before != 1 {
		t.Fatalf("second run: counts %+v problems %v err %v requests %v", c, problems, err, srv.Log()[before:])
	}
	if v := sourcetest.Items(t, db)[lately]; v.Context != "Developer reply: 修正しました。" {
		t.Fatalf("a review answered since the last run: context %q", v.Context)
	}
	if v := sourcetest.Items(t, db)["00000040-0000-0000-0000-000000000000"]; v.Body != "便利" || v.Title != "" {
		t.Fatalf("a review with no title = %+v", v)
	}
}

// TestConnectSourceRefusesForeignLinks: a links.next to another host is not followed with the
// team's token.
func TestConnectSourceRefusesForeignLinks(t *testing.T) {
	srv := connecttest.New(t)
	key, _ := connect.LoadKey(srv.KeyFile)
	c := &connect.Client{BaseURL: srv.URL, HTTP: srv.Client(), Tokens: &connect.Tokens{KeyID: srv.KeyID, IssuerID: srv.IssuerID, Key: key}}
	var page connect.ReviewsPage
	if err := c.Get(context.Background(), "https://attacker.example/v1/apps/1/customerReviews", &page); err == nil || !strings.Contains(err.Error(), "not the API host") {
		t.Fatalf("err = %v", err)
	}
}
