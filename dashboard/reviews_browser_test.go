package dashboard_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// TestReviewsInABrowser: a CS member's queue, in Japanese and English, with a refused reply and
// a draft written in the page itself; screenshots to read in artifacts/screenshots/reviews-*.
func TestReviewsInABrowser(t *testing.T) {
	ctx := browser(t)
	s := seedReviews(t)
	if _, err := s.db.SaveReplyTemplate(context.Background(), store.ReplyTemplate{Name: "お礼（高評価）", Language: "en", Band: store.BandHigh,
		Body: "Thank you for the kind words, {reviewer}! — the {app} team"}, "cs@koe.example"); err != nil {
		t.Fatal(err)
	}
	// The Play source names its app; a second reply is being retried after a 429.
	bg := context.Background()
	if _, err := s.db.AddSource(bg, "googleplay", "play", map[string]string{"kind": "googleplay", "name": "play", "package": "jp.koe.demo",
		"app_name": "Koe モバイル"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	three := 3.0
	_, added, err := s.db.SaveFeedback(bg, store.FeedbackBatch{Items: []feedback.Item{{SourceKind: feedback.SourceReview, SourceName: "play",
		SourceID: "gp:4", ReceivedAt: time.Now().Add(-5 * time.Hour), AuthorName: "Mia", Title: "Sync", Body: "Sync takes a minute every time",
		Language: "en", Rating: &three},
		// Answered in the Play Console: the developer reply is in its raw record as the Google
		// Play source stores it (the Android Publisher API's Review, as in the published
		// reviews.list example of ingest/googleplay/testdata/reviews_list.json).
		{SourceKind: feedback.SourceReview, SourceName: "play", SourceID: "gp:5", ReceivedAt: time.Now().Add(-6 * time.Hour), AuthorName: "Jun",
			Body: "通知が多すぎます", Language: "ja", Rating: &three, Raw: []byte(`{"reviewId":"gp:5","authorName":"Jun","comments":[` +
				`{"userComment":{"text":"\t通知が多すぎます","lastModified":{"seconds":"1761000000","nanos":0},"starRating":3,"reviewerLanguage":"ja"}},` +
				`{"developerComment":{"text":"設定 > 通知 から減らせます。ご意見ありがとうございます。","lastModified":{"seconds":"1761000600","nanos":0}}}]}`)}}})
	if err != nil || len(added) != 2 {
		t.Fatalf("seed: %v", err)
	}
	retried := added[0].ID
	if err := s.db.QueueReply(bg, retried, "Thank you for waiting, Mia. Sync is faster in 1.3.", "cs@koe.example"); err != nil {
		t.Fatal(err)
	}
	row, err := s.db.ClaimOutboxFor(bg, store.TargetStore, time.Minute)
	if err != nil || row == nil {
		t.Fatalf("claim: %v", err)
	}
	if err := s.db.RetryLater(bg, row.ID, time.Now().Add(4*time.Minute), "googleapi: Error 429: Quota exceeded for quota metric 'Queries', rateLimitExceeded"); err != nil {
		t.Fatal(err)
	}
	user := feedback.User{ID: 99, Email: "cs@koe.example", Name: "佐藤", Role: feedback.RoleCS}
	srv, err := dashboard.New(s.db, opts(dashboard.Options{CompanyName: "Acme", Demo: true, DemoUser: user, Replies: playRepliers}))
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(srv.Handler())
	defer web.Close()
	if err := os.MkdirAll(screenshots, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var png []byte
			if err := chromedp.FullScreenshot(&png, 100).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(screenshots, name+".png"), png, 0o644)
		})
	}
	play := "#review-" + strconv.FormatInt(s.play, 10)
	var nav, failed, state, retrying, meta string
	old := "#review-" + strconv.FormatInt(retried, 10)
	if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+"/app/reviews?lang=ja"),
		chromedp.Text(`header a[href="/app/reviews"]`, &nav, chromedp.ByQuery),
		chromedp.Text(`#review-`+strconv.FormatInt(s.failed, 10)+` .store-error`, &failed, chromedp.ByQuery),
		chromedp.Text(old, &retrying, chromedp.ByQuery),
		chromedp.Text(play+` .meta`, &meta, chromedp.ByQuery),
		shot("reviews-queue-ja")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"送信中（再試行待ち）", "ストアが一時的に返信を受け付けませんでした", "Quota exceeded", "に再送します", "Sync is faster in 1.3."} {
		if !strings.Contains(retrying, want) {
			t.Errorf("the retried reply lacks %q: %q", want, retrying)
		}
	}
	var elsewhere string
	if err := chromedp.Run(ctx, chromedp.Text("#review-"+strconv.FormatInt(added[1].ID, 10), &elsewhere, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(elsewhere, "Koe 以外で返信済み") || !strings.Contains(elsewhere, "設定 > 通知 から減らせます。") {
		t.Errorf("the review answered in the Play Console reads %q", elsewhere)
	}
	if !strings.Contains(meta, "Koe モバイル") || !strings.Contains(meta, "投稿者: 山田") {
		t.Errorf("the Play review's line reads %q, want its app and reviewer", meta)
	}
	if !strings.Contains(nav, "レビュー") || !strings.Contains(nav, "1") {
		t.Errorf("navigation = %q, want レビュー and the count 1", nav)
	}
	if !strings.Contains(failed, "Reply text contains a URL") {
		t.Errorf("the refused reply shows %q", failed)
	}
	// A draft, written in the page.
	if err := chromedp.Run(ctx,
		chromedp.SetValue(play+` textarea`, "山田様、ご不便をおかけして申し訳ありません。次の版で改善します。", chromedp.ByQuery),
		chromedp.Click(play+` button[value="save"]`, chromedp.ByQuery),
		chromedp.WaitVisible(play+` .reply-draft`, chromedp.ByQuery),
		chromedp.Text(play+` .reply-draft`, &state, chromedp.ByQuery),
		shot("reviews-draft-ja")); err != nil {
		t.Fatal(err)
	}
	if state != "下書き" {
		t.Errorf("after saving, the review's state reads %q, want 下書き", state)
	}
	if got := s.reply(t, s.play); got.State != "draft" || !strings.Contains(got.Draft, "山田様") {
		t.Errorf("saved draft = %+v", got)
	}
	var en, start string
	if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+"/app/reviews?lang=en"),
		chromedp.Text(`main`, &en, chromedp.ByQuery), shot("reviews-queue-en"),
		chromedp.Value(`#review-`+strconv.FormatInt(s.g2, 10)+` textarea`, &start, chromedp.ByQuery),
		chromedp.Navigate(web.URL+"/app/reviews?lang=ja&state=failed"), shot("reviews-failed-ja"),
		chromedp.Navigate(web.URL+"/app/reviews/templates?lang=ja"), shot("reviews-templates-ja"),
		chromedp.Navigate(web.URL+"/app/reviews/templates?lang=en"), shot("reviews-templates-en")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Draft", "Failed", "Unanswered", "The store refused the reply:", "Mark answered", "of at most 350 characters"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English queue lacks %q", want)
		}
	}
	if start != "Thank you for the kind words, Sam! — the Acme team" {
		t.Errorf("the G2 review's editor starts with %q, want the English 4–5 star template filled in", start)
	}
	for _, l := range []string{"en", "ja"} {
		for _, page := range []string{"/app/reviews", "/app/reviews/templates"} {
			var problems []string
			if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+page+"?lang="+l), chromedp.Evaluate(a11yCheck, &problems)); err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Errorf("%s?lang=%s: %s", page, l, p)
			}
		}
	}
}
