package dashboard_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
	var nav, failed, state string
	if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+"/app/reviews?lang=ja"),
		chromedp.Text(`header a[href="/app/reviews"]`, &nav, chromedp.ByQuery),
		chromedp.Text(`#review-`+strconv.FormatInt(s.failed, 10)+` .store-error`, &failed, chromedp.ByQuery),
		shot("reviews-queue-ja")); err != nil {
		t.Fatal(err)
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
