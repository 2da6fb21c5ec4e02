package reviews_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/option"

	"github.com/koehq/koe/ingest/appstore"
	"github.com/koehq/koe/ingest/appstore/connect"
	"github.com/koehq/koe/ingest/appstore/connect/connecttest"
	"github.com/koehq/koe/ingest/googleplay"
	"github.com/koehq/koe/ingest/sources"
	"github.com/koehq/koe/ingest/sourcetest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/reviews"
	"github.com/koehq/koe/store"
)

// reviewIDs maps the stored reviews' store ids to Koe's.
func reviewIDs(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	list, err := db.Reviews(context.Background(), store.ReviewFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, rv := range list {
		out[rv.SourceID] = rv.ID
	}
	return out
}

func readRaw(t *testing.T, db *store.DB) (read, found int) {
	t.Helper()
	read, found, err := reviews.ReadRaw(context.Background(), db, nil, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	return read, found
}

// TestReadRawGooglePlayPublishedExample ingests the Android Publisher API's published
// reviews.list example (ingest/googleplay/testdata/reviews_list.json, from
// https://developers.google.com/android-publisher/reply-to-reviews) through the Google Play
// source: its first review carries the developer's reply written in the Play Console, which the
// queue shows as answered elsewhere without asking the store; the second, with none, waits.
func TestReadRawGooglePlayPublishedExample(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	example, err := os.ReadFile(filepath.Join("..", "ingest", "googleplay", "testdata", "reviews_list.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Write(example)
	}))
	defer srv.Close()
	st := sources.Settings{Kind: "googleplay", Name: "google_play", Package: "com.google.android.example", AppName: "Koe Mobile"}
	if _, err := db.AddSource(ctx, st.Kind, st.Name, st, time.Hour); err != nil {
		t.Fatal(err)
	}
	src := &googleplay.Source{PackageName: st.Package, SourceName: st.Name,
		Options: []option.ClientOption{option.WithEndpoint(srv.URL + "/"), option.WithoutAuthentication(), option.WithHTTPClient(srv.Client())}}
	if _, problems, err := sourcetest.Run(t, db, src); err != nil || len(problems) > 0 {
		t.Fatalf("ingest: %v %v", err, problems)
	}
	var doc struct {
		Reviews []struct {
			ReviewID string `json:"reviewId"`
			Comments []struct {
				DeveloperComment *struct{ Text string } `json:"developerComment"`
			} `json:"comments"`
		} `json:"reviews"`
	}
	if err := json.Unmarshal(example, &doc); err != nil {
		t.Fatal(err)
	}
	answered, waiting, want := "", "", ""
	for _, r := range doc.Reviews {
		dev := ""
		for _, c := range r.Comments {
			if c.DeveloperComment != nil {
				dev = c.DeveloperComment.Text
			}
		}
		if dev != "" {
			answered, want = r.ReviewID, dev
		} else {
			waiting = r.ReviewID
		}
	}
	if answered == "" || waiting == "" {
		t.Fatalf("the example should hold an answered and an unanswered review: %+v", doc)
	}
	if read, found := readRaw(t, db); read != 2 || found != 1 {
		t.Fatalf("read %d raw records, found %d answered elsewhere; want 2 and 1", read, found)
	}
	ids := reviewIDs(t, db)
	rv, err := db.Review(ctx, ids[answered])
	if err != nil {
		t.Fatal(err)
	}
	if rv.Reply.State != store.ReplyElsewhere || rv.Reply.StoreText != want || rv.AppName != "Koe Mobile" {
		t.Fatalf("the answered review = %+v (app %q), want answered elsewhere with %q", rv.Reply, rv.AppName, want)
	}
	if rv, _ := db.Review(ctx, ids[waiting]); rv.Reply.State != store.ReplyUnanswered {
		t.Fatalf("the unanswered review = %+v", rv.Reply)
	}
	// Nothing changed since: nothing is read again.
	if read, found := readRaw(t, db); read != 0 || found != 0 {
		t.Fatalf("second read: %d records, %d found; want none", read, found)
	}
}

// playServer answers reviews.list the way TestGooglePlay's does (ingest/googleplay): int64
// fields as JSON strings, a review's developer reply as its last comment; dev[id] is that reply.
type playServer struct {
	mu  sync.Mutex
	dev map[string]string
}

func (p *playServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var list []any
	for i, id := range []string{"gp:1", "gp:2", "gp:3"} {
		secs := strconv.Itoa(1761000000 + i*100)
		comments := []any{map[string]any{"userComment": map[string]any{"text": "\t同期が遅い " + id, "lastModified": map[string]any{"seconds": secs, "nanos": 0},
			"starRating": 2, "reviewerLanguage": "ja", "device": "a1", "androidOsVersion": 34, "appVersionCode": 120, "appVersionName": "1.2.0"}}}
		if text := p.dev[id]; text != "" {
			comments = append(comments, map[string]any{"developerComment": map[string]any{"text": text, "lastModified": map[string]any{"seconds": secs}}})
		}
		list = append(list, map[string]any{"reviewId": id, "authorName": "A", "comments": comments})
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	json.NewEncoder(w).Encode(map[string]any{"reviews": list})
}

// TestReadRawKnowsKoesOwnReply: a reply Koe sent, seen in a later ingest's raw record, is not
// taken for one written elsewhere — while a person drafts a new one, nor when the store's
// answer to Koe's send was lost (failed, yet it arrived); a reply written in the console after
// the last read is found at the next ingest.
func TestReadRawKnowsKoesOwnReply(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	play := &playServer{dev: map[string]string{}}
	srv := httptest.NewServer(play)
	defer srv.Close()
	if _, err := db.AddSource(ctx, "googleplay", "google_play", sources.Settings{Kind: "googleplay", Name: "google_play", Package: "jp.koe.demo"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	src := &googleplay.Source{PackageName: "jp.koe.demo", SourceName: "google_play",
		Options: []option.ClientOption{option.WithEndpoint(srv.URL + "/"), option.WithoutAuthentication(), option.WithHTTPClient(srv.Client())}}
	ingest := func() {
		t.Helper()
		if _, problems, err := sourcetest.Run(t, db, src); err != nil || len(problems) > 0 {
			t.Fatalf("ingest: %v %v", err, problems)
		}
	}
	ingest()
	if read, found := readRaw(t, db); read != 3 || found != 0 {
		t.Fatalf("first read: %d records, %d found; want 3 and 0", read, found)
	}
	ids := reviewIDs(t, db)
	// gp:1: Koe sent a reply that reached the store; the person now drafts a better one.
	sent := "ご不便をおかけしました。1.3 で直ります。"
	if err := db.QueueReply(ctx, ids["gp:1"], sent, "cs@koe.example"); err != nil {
		t.Fatal(err)
	}
	row, err := db.ClaimOutboxFor(ctx, store.TargetStore, time.Minute)
	if err != nil || row == nil {
		t.Fatalf("claim: %v", err)
	}
	if err := db.ReplySent(ctx, store.ReplyOutcome{FeedbackID: ids["gp:1"], Attempt: 1, OutboxID: row.ID, Actor: "cs@koe.example"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveReplyDraft(ctx, ids["gp:1"], "ご不便をおかけしました。1.3 で直りました。", "cs@koe.example"); err != nil {
		t.Fatal(err)
	}
	// gp:2: Koe's send was recorded as failed, yet the store has it.
	lost := "ありがとうございます。"
	if err := db.QueueReply(ctx, ids["gp:2"], lost, "cs@koe.example"); err != nil {
		t.Fatal(err)
	}
	if row, err = db.ClaimOutboxFor(ctx, store.TargetStore, time.Minute); err != nil || row == nil {
		t.Fatalf("claim: %v", err)
	}
	if err := db.ReplyFailed(ctx, store.ReplyOutcome{FeedbackID: ids["gp:2"], Attempt: 1, OutboxID: row.ID}, "after 8 attempts: 503"); err != nil {
		t.Fatal(err)
	}
	// gp:3: someone answered in the Play Console.
	console := "Play Console から返信しました"
	play.mu.Lock()
	play.dev["gp:1"], play.dev["gp:2"], play.dev["gp:3"] = sent, lost, console
	play.mu.Unlock()
	ingest()
	if read, found := readRaw(t, db); read != 3 || found != 1 {
		t.Fatalf("after the re-ingest: %d records read, %d found; want 3 and 1", read, found)
	}
	for id, want := range map[string]store.ReplyState{"gp:1": store.ReplyDraft, "gp:2": store.ReplyFailed, "gp:3": store.ReplyElsewhere} {
		rv, err := db.Review(ctx, ids[id])
		if err != nil {
			t.Fatal(err)
		}
		if rv.Reply.State != want {
			t.Errorf("%s: state %s (store text %q), want %s", id, rv.Reply.State, rv.Reply.StoreText, want)
		}
	}
	if rv, _ := db.Review(ctx, ids["gp:3"]); rv.Reply.StoreText != console {
		t.Errorf("gp:3 shows %q, want the console's reply", rv.Reply.StoreText)
	}
	// The hourly check's store answer about gp:1 (Koe's sent words) does not mark it either.
	if changed, err := db.ReplyChecked(ctx, ids["gp:1"], sent); err != nil || changed {
		t.Errorf("ReplyChecked of Koe's own reply: changed=%v err=%v", changed, err)
	}
}

// TestReadRawAppStoreConnect ingests through the local App Store Connect (connecttest, built
// from Apple's OpenAPI document): a response written in App Store Connect, still pending
// publication, makes its review answered elsewhere; an unanswered review waits.
func TestReadRawAppStoreConnect(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	srv := connecttest.New(t)
	created, _ := time.Parse(time.RFC3339, "2017-11-15T08:10:34-08:00")
	srv.AddReview(connecttest.Review{ID: "00000028-b08c-0014-729e-fbd500000000", AppID: "682658836", Rating: 5, Title: "Awesome!!!",
		Body: "It's a really fantastic app!", Nickname: "Anne Johnson", Territory: "USA", Created: created})
	srv.AddReview(connecttest.Review{ID: "00000030-0000-0000-0000-000000000001", AppID: "682658836", Rating: 2, Title: "遅い",
		Body: "同期が遅いです", Nickname: "aki", Territory: "JPN", Created: created.Add(time.Hour)})
	srv.SetResponse("00000030-0000-0000-0000-000000000001", connecttest.Resp{ID: "00000077-aaaa-0014-729e-fbd500000000",
		Body: "ご意見ありがとうございます。", State: "PENDING_PUBLISH", Modified: created.Add(2 * time.Hour)})
	st := sources.Settings{Kind: "appstore", Name: "app_store", AppID: "682658836", KeyID: srv.KeyID, IssuerID: srv.IssuerID, KeyFile: srv.KeyFile}
	if _, err := db.AddSource(ctx, st.Kind, st.Name, st, time.Hour); err != nil {
		t.Fatal(err)
	}
	key, err := connect.LoadKey(srv.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	src := &appstore.ConnectSource{AppID: st.AppID, SourceName: st.Name, Client: &connect.Client{BaseURL: srv.URL, HTTP: srv.Client(),
		Tokens: &connect.Tokens{KeyID: srv.KeyID, IssuerID: srv.IssuerID, Key: key}}}
	if _, problems, err := sourcetest.Run(t, db, src); err != nil || len(problems) > 0 {
		t.Fatalf("ingest: %v %v", err, problems)
	}
	if read, found := readRaw(t, db); read != 2 || found != 1 {
		t.Fatalf("read %d, found %d; want 2 and 1", read, found)
	}
	ids := reviewIDs(t, db)
	if rv, _ := db.Review(ctx, ids["00000030-0000-0000-0000-000000000001"]); rv.Reply.State != store.ReplyElsewhere || rv.Reply.StoreText != "ご意見ありがとうございます。" {
		t.Fatalf("the answered review = %+v", rv.Reply)
	}
	if rv, _ := db.Review(ctx, ids["00000028-b08c-0014-729e-fbd500000000"]); rv.Reply.State != store.ReplyUnanswered {
		t.Fatalf("Apple's example review = %+v", rv.Reply)
	}
}

// TestWorkerReadsRawBetweenSends: the reply worker, with nothing to send, reads the raw records
// ingest wrote and marks a review answered in the Play Console within its idle wait — no hourly
// check, no page load.
func TestWorkerReadsRawBetweenSends(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	play := &playServer{dev: map[string]string{"gp:2": "Play Console から返信しました"}}
	srv := httptest.NewServer(play)
	defer srv.Close()
	if _, err := db.AddSource(ctx, "googleplay", "google_play", sources.Settings{Kind: "googleplay", Name: "google_play", Package: "jp.koe.demo"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	src := &googleplay.Source{PackageName: "jp.koe.demo", SourceName: "google_play",
		Options: []option.ClientOption{option.WithEndpoint(srv.URL + "/"), option.WithoutAuthentication(), option.WithHTTPClient(srv.Client())}}
	if _, problems, err := sourcetest.Run(t, db, src); err != nil || len(problems) > 0 {
		t.Fatalf("ingest: %v %v", err, problems)
	}
	id := reviewIDs(t, db)["gp:2"]
	w := &reviews.Worker{Store: db, Repliers: repliersFor(newDouble(), "google_play"), Idle: 10 * time.Millisecond, CheckBatch: 2}
	run, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { w.Run(run); close(done) }()
	defer func() { stop(); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rv, err := db.Review(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		// The worker reads CheckBatch records a turn: it is done when none is left to read
		// (asked without reading them, so the test does not do the worker's work).
		left, err := db.ReviewRawsToRead(ctx, reviews.RawKinds, nil, 100)
		if err != nil {
			t.Fatal(err)
		}
		if rv.Reply.State == store.ReplyElsewhere && rv.Reply.StoreText == "Play Console から返信しました" && len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s the worker has not marked it, or left %d records unread: %+v", len(left), rv.Reply)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
