package googleplay_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/option"

	"github.com/koehq/koe/ingest/googleplay"
	"github.com/koehq/koe/ingest/sourcetest"
	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// review is shaped as the API sends it: int64 fields (Timestamp.seconds) are JSON strings.
func review(id, name, text string, stars, secs int) map[string]any {
	return map[string]any{"reviewId": id, "authorName": name, "comments": []any{
		map[string]any{"userComment": map[string]any{"text": "\t" + text, "lastModified": map[string]any{"seconds": strconv.Itoa(secs), "nanos": 0},
			"starRating": stars, "reviewerLanguage": "ja", "device": "a1", "androidOsVersion": 34, "appVersionCode": 120, "appVersionName": "1.2.0"}},
		map[string]any{"developerComment": map[string]any{"text": "ご意見ありがとうございます。", "lastModified": map[string]any{"seconds": strconv.Itoa(secs + 60)}}},
	}}
}

// TestGooglePlay serves reviews.list the way the Android Publisher API does: the path
// /androidpublisher/v3/applications/{package}/reviews, token paging, JSON with tokenPagination.
func TestGooglePlay(t *testing.T) {
	db := storetest.Open(t)
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path+"?"+r.URL.Query().Get("token"))
		if r.URL.Path != "/androidpublisher/v3/applications/jp.koe.demo/reviews" {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":{"code":404,"message":"Package not found: x.","status":"NOT_FOUND"}}`))
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		if r.URL.Query().Get("token") == "" {
			json.NewEncoder(w).Encode(map[string]any{"reviews": []any{review("gp:1", "A", "動作が重くて使いにくい", 2, 1761000000),
				review("gp:2", "B", "", 5, 1761000100)}, "tokenPagination": map[string]any{"nextPageToken": "next-1"}})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"reviews": []any{review("gp:3", "C", "とても便利です", 5, 1761000200)}})
	}))
	defer srv.Close()
	src := &googleplay.Source{PackageName: "jp.koe.demo", SourceName: "google_play",
		Options: []option.ClientOption{option.WithEndpoint(srv.URL + "/"), option.WithoutAuthentication(), option.WithHTTPClient(srv.Client())}}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil {
		t.Fatal(err)
	}
	if c.New != 2 || c.Skipped != 1 || len(paths) != 2 || !strings.HasSuffix(paths[1], "?next-1") {
		t.Fatalf("counts %+v, problems %v, paths %v", c, problems, paths)
	}
	v := sourcetest.Items(t, db)["gp:1"]
	if v.Body != "動作が重くて使いにくい" || *v.Rating != 2 || v.Context != "Developer reply: ご意見ありがとうございます。" || v.ReceivedAt.Unix() != 1761000000 {
		t.Fatalf("review = %+v", v)
	}
	if c, _, _ := sourcetest.Run(t, db, src); c.New != 0 || c.Duplicate != 2 {
		t.Fatalf("rerun = %+v", c)
	}

	missing := &googleplay.Source{PackageName: "x", SourceName: "google_play", Options: src.Options}
	if _, _, err := sourcetest.Run(t, db, missing); err == nil || !strings.Contains(err.Error(), "Package not found") {
		t.Fatalf("unknown package: err = %v", err)
	}
}

// TestPublishedExampleAndRetry serves the reviews.list example Google publishes (testdata, cited
// there) after a 503 with Retry-After: the run used to end at the 503, and "title<TAB>body" stayed
// joined in the voice's words.
func TestPublishedExampleAndRetry(t *testing.T) {
	db := storetest.Open(t)
	example, err := os.ReadFile(filepath.Join("testdata", "reviews_list.json"))
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls++; calls == 1 {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Write(example)
	}))
	defer srv.Close()
	var waits []time.Duration
	src := &googleplay.Source{PackageName: "jp.koe.demo", SourceName: "google_play",
		Options: []option.ClientOption{option.WithEndpoint(srv.URL + "/"), option.WithoutAuthentication(), option.WithHTTPClient(srv.Client())},
		Policy:  httpretry.Policy{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil || c.New != 2 || len(waits) != 1 || waits[0] != 3*time.Second {
		t.Fatalf("counts %+v problems %v err %v waits %v", c, problems, err, waits)
	}
	items := sourcetest.Items(t, db)
	if v := items["12345678"]; v.Body != "I love using this app!" || v.Title != "" || v.Context != "Developer reply: That's great to hear!" || v.ReceivedAt.Unix() != 1452114723 {
		t.Errorf("Jane's review = %+v", v)
	}
	if v := items["12345679"]; v.Title != "Too slow" || v.Body != "Opening a report takes a minute." {
		t.Errorf("a review with a title: title %q body %q", v.Title, v.Body)
	}
}
