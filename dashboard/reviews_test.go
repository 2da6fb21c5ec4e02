package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/store"
)

// playDouble stands for a store with a reply API (Google Play's limit); the queue only asks it
// for MaxLen here: sending is the reply worker's, tested in package reviews.
type playDouble struct{}

func (playDouble) Current(context.Context, string) (*replies.Existing, error) { return nil, nil }
func (playDouble) Post(context.Context, string, string) (*replies.Existing, error) {
	return &replies.Existing{}, nil
}
func (playDouble) MaxLen() int { return 350 }

func playRepliers(source string) (replies.Replier, error) {
	if source == "play" {
		return playDouble{}, nil
	}
	return nil, replies.ErrNoReplyAPI
}

type reviewSeed struct {
	db                    *store.DB
	h                     http.Handler
	play, g2, failed, old int64
}

func seedReviews(t *testing.T) reviewSeed {
	t.Helper()
	db := seed(t)
	ctx := context.Background()
	two, four, one := 2.0, 4.0, 1.0
	now := time.Now()
	_, added, err := db.SaveFeedback(ctx, store.FeedbackBatch{Items: []feedback.Item{
		{SourceKind: feedback.SourceReview, SourceName: "play", SourceID: "gp:1", ReceivedAt: now.Add(-time.Hour), AuthorName: "山田",
			Title: "同期が遅い", Body: "同期に毎回1分かかります <b>bold</b>", Language: "ja", Rating: &two},
		{SourceKind: feedback.SourceReview, SourceName: "g2", SourceID: "g2-9", ReceivedAt: now.Add(-2 * time.Hour), AuthorName: "Sam",
			Title: "Great tool", Body: "Love the Slack digest", Language: "en", Rating: &four, URL: "https://www.g2.com/products/koe/reviews/9"},
		{SourceKind: feedback.SourceReview, SourceName: "play", SourceID: "gp:2", ReceivedAt: now.Add(-3 * time.Hour), AuthorName: "Ken",
			Title: "落ちる", Body: "起動すると落ちます", Language: "ja", Rating: &one},
		{SourceKind: feedback.SourceReview, SourceName: "play", SourceID: "gp:3", ReceivedAt: now.Add(-10 * 24 * time.Hour), AuthorName: "Old",
			Title: "Old one", Body: "Waited ten days", Language: "en", Rating: &four},
	}})
	if err != nil || len(added) != 4 {
		t.Fatalf("seed reviews: %v (%d)", err, len(added))
	}
	// A reply the store refused (the worker records it so).
	failed := added[2].ID
	if err := db.QueueReply(ctx, failed, "ご迷惑をおかけしました", "cs@koe.example"); err != nil {
		t.Fatal(err)
	}
	row, err := db.ClaimOutboxFor(ctx, store.TargetStore, time.Minute)
	if err != nil || row == nil {
		t.Fatalf("claim: %v", err)
	}
	if err := db.ReplyFailed(ctx, store.ReplyOutcome{FeedbackID: failed, Attempt: 1, OutboxID: row.ID}, "Reply text contains a URL, which is not allowed."); err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(db, opts(dashboard.Options{Replies: playRepliers}))
	if err != nil {
		t.Fatal(err)
	}
	return reviewSeed{db: db, h: srv.Handler(), play: added[0].ID, g2: added[1].ID, failed: failed, old: added[3].ID}
}

func (s reviewSeed) page(t *testing.T, sess *store.Session, query string) string {
	t.Helper()
	rec := do(s.h, http.MethodGet, "/app/reviews"+query, sess, false)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /app/reviews%s: %d\n%s", query, rec.Code, rec.Body)
	}
	return rec.Body.String()
}

func (s reviewSeed) reply(t *testing.T, id int64) store.Reply {
	t.Helper()
	rv, err := s.db.Review(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rv.Reply
}

func TestReviewsQueueForAViewer(t *testing.T) {
	s := seedReviews(t)
	viewer := signIn(t, s.db, "viewer@koe.example", feedback.RoleViewer)
	body := s.page(t, &viewer, "?lang=en")
	for _, want := range []string{"同期に毎回1分かかります &lt;b&gt;bold&lt;/b&gt;", "Love the Slack digest", "★★☆☆☆", "Unanswered", "Failed",
		"Reply text contains a URL, which is not allowed.", `href="https://www.g2.com/products/koe/reviews/9"`, "Japanese"} {
		if !strings.Contains(body, want) {
			t.Errorf("the viewer's queue lacks %q", want)
		}
	}
	if strings.Contains(body, `name="do"`) || strings.Contains(body, "<textarea") {
		t.Error("the viewer's queue has reply forms")
	}
	if rec := postForm(s.h, "/app/reviews/"+strconv.FormatInt(s.play, 10), &viewer, url.Values{"text": {"hi"}, "do": {"send"}}); rec.Code != http.StatusForbidden {
		t.Errorf("a viewer's Send: %d, want 403", rec.Code)
	}
	if got := s.reply(t, s.play); got.State != store.ReplyUnanswered {
		t.Errorf("after a viewer's Send the reply is %s", got.State)
	}
	if rec := postForm(s.h, "/app/reviews/templates", &viewer, url.Values{"name": {"x"}, "language": {"en"}, "band": {"any"}, "body": {"x"}}); rec.Code != http.StatusForbidden {
		t.Errorf("a viewer's template: %d, want 403", rec.Code)
	}
}

func TestReviewsQueueReplies(t *testing.T) {
	s := seedReviews(t)
	cs := signIn(t, s.db, "cs@koe.example", feedback.RoleCS)
	// A template for Japanese low ratings: the editor starts from it, filled in.
	if rec := postForm(s.h, "/app/reviews/templates", &cs, url.Values{"name": {"お詫び"}, "language": {"ja"}, "band": {"low"},
		"body": {"{reviewer}様、{app}をご利用いただきありがとうございます。"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("save template: %d %s", rec.Code, rec.Body)
	}
	body := s.page(t, &cs, "?lang=ja")
	for _, want := range []string{"山田様、Koeをご利用いただきありがとうございます。", "最大 350 文字", "送信", "返信済みにする", "下書きを保存", "未返信", "送信失敗",
		"ストアが返信を受け付けませんでした"} {
		if !strings.Contains(body, want) {
			t.Errorf("the cs queue (ja) lacks %q", want)
		}
	}
	if got := s.reply(t, s.play); got.State != store.ReplyUnanswered {
		t.Fatalf("showing a template changed the reply to %s", got.State)
	}
	id := strconv.FormatInt(s.play, 10)
	// Too long for the store: refused before anything is queued.
	rec := postForm(s.h, "/app/reviews/"+id+"?lang=en", &cs, url.Values{"text": {strings.Repeat("あ", 351)}, "do": {"send"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "351 characters; the store takes at most 350") {
		t.Fatalf("too long: %d\n%s", rec.Code, rec.Body)
	}
	if got := s.reply(t, s.play); got.State != store.ReplyUnanswered {
		t.Fatalf("a refused Send left the reply %s", got.State)
	}
	// A draft, then Send.
	rec = postForm(s.h, "/app/reviews/"+id, &cs, url.Values{"text": {"ご不便をおかけしました"}, "do": {"save"}, "back": {"/app/reviews?source=play"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/app/reviews?source=play#review-"+id {
		t.Fatalf("save: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if got := s.reply(t, s.play); got.State != store.ReplyDraft || got.WrittenBy != "cs@koe.example" {
		t.Fatalf("after save: %+v", got)
	}
	rec = postForm(s.h, "/app/reviews/"+id, &cs, url.Values{"text": {"ご不便をおかけしました"}, "do": {"send"}, "back": {"https://evil.example/"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/app/reviews#review-"+id {
		t.Fatalf("send: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if got := s.reply(t, s.play); got.State != store.ReplySending || got.SentBy != "cs@koe.example" {
		t.Fatalf("after send: %+v", got)
	}
	// G2 has no reply API: Send is refused, Mark answered works.
	g2 := strconv.FormatInt(s.g2, 10)
	if rec := postForm(s.h, "/app/reviews/"+g2+"?lang=ja", &cs, url.Values{"text": {"Thanks!"}, "do": {"send"}}); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), "Koe から返信できません") {
		t.Fatalf("send to G2: %d", rec.Code)
	}
	if rec := postForm(s.h, "/app/reviews/"+g2, &cs, url.Values{"text": {"Thanks!"}, "do": {"mark"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("mark: %d", rec.Code)
	}
	if got := s.reply(t, s.g2); got.State != store.ReplyMarked || got.SentBy != "cs@koe.example" {
		t.Fatalf("after mark: %+v", got)
	}
	body = s.page(t, &cs, "?lang=en")
	if !strings.Contains(body, "Being sent to the store") || !strings.Contains(body, "Marked answered by cs@koe.example") {
		t.Errorf("the queue does not show the sent and marked replies")
	}
	if rec := postForm(s.h, "/app/reviews/nope", &cs, url.Values{"do": {"save"}}); rec.Code != http.StatusNotFound {
		t.Errorf("a bad id: %d", rec.Code)
	}
}

func TestReviewsFiltersAndNavigationCount(t *testing.T) {
	s := seedReviews(t)
	viewer := signIn(t, s.db, "viewer@koe.example", feedback.RoleViewer)
	for _, tc := range []struct {
		query     string
		want, not []string
	}{
		{"?source=g2", []string{"Great tool"}, []string{"同期が遅い", "Old one"}},
		{"?rating=2", []string{"同期が遅い"}, []string{"Great tool", "落ちる"}},
		{"?language=en", []string{"Great tool", "Old one"}, []string{"同期が遅い"}},
		{"?age=late", []string{"Old one"}, []string{"Great tool"}},
		{"?age=week&state=failed", []string{"落ちる"}, []string{"Old one", "Great tool"}},
	} {
		body := s.page(t, &viewer, tc.query+"&lang=en")
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", tc.query, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(body, n) {
				t.Errorf("%s shows %q", tc.query, n)
			}
		}
	}
	// One review (ten days old) waits longer than a week: the navigation says so, in both languages.
	if body := s.page(t, &viewer, "?lang=ja"); !strings.Contains(body, "1週間以上未返信のレビュー 1 件") {
		t.Error("the Japanese navigation lacks the count of late reviews")
	}
	if body := s.page(t, &viewer, "?lang=en"); !strings.Contains(body, "1 review unanswered for over a week") {
		t.Error("the English navigation lacks the count of late reviews")
	}
}

func TestReplyTemplatesAndAnsweredElsewhere(t *testing.T) {
	s := seedReviews(t)
	ctx := context.Background()
	cs := signIn(t, s.db, "cs@koe.example", feedback.RoleCS)
	if rec := postForm(s.h, "/app/reviews/templates", &cs, url.Values{"name": {"thanks"}, "language": {"en"}, "band": {"high"},
		"body": {"Thank you, {reviewer}!"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("add: %d", rec.Code)
	}
	list, err := s.db.ReplyTemplates(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("templates = %v, %v", list, err)
	}
	id := strconv.FormatInt(list[0].ID, 10)
	if rec := postForm(s.h, "/app/reviews/templates", &cs, url.Values{"id": {id}, "name": {"thanks"}, "language": {"en"}, "band": {"high"},
		"body": {"Thanks a lot, {reviewer}!"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d", rec.Code)
	}
	rec := do(s.h, http.MethodGet, "/app/reviews/templates?lang=ja", &cs, false)
	if body := rec.Body.String(); !strings.Contains(body, "Thanks a lot, {reviewer}!") || !strings.Contains(body, "星4〜5") || strings.Contains(body, "Thank you, {reviewer}!") {
		t.Errorf("templates page after the edit:\n%s", body)
	}
	// The English 4-star review starts from it.
	if body := s.page(t, &cs, "?lang=en&source=g2"); !strings.Contains(body, "Thanks a lot, Sam!") {
		t.Errorf("the G2 review's editor does not start from the template")
	}
	if rec := postForm(s.h, "/app/reviews/templates/"+id+"/delete", &cs, url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("delete: %d", rec.Code)
	}
	if list, _ := s.db.ReplyTemplates(ctx); len(list) != 0 {
		t.Errorf("after delete: %v", list)
	}
	// Who added, changed and deleted it is in the audit log, named in words.
	lines, err := s.db.AuditLog(ctx, "reply_template", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, l := range lines {
		if l.Actor != "cs@koe.example" || strconv.FormatInt(l.EntityID, 10) != id {
			t.Errorf("audit line %+v", l)
		}
		actions = append(actions, l.Action)
	}
	if got, want := strings.Join(actions, " "), "review_template_delete review_template_edit review_template_add"; got != want {
		t.Errorf("audit actions = %q, want %q", got, want)
	}
	if !strings.Contains(lines[1].Before, "Thank you, {reviewer}!") || !strings.Contains(lines[1].After, "Thanks a lot, {reviewer}!") {
		t.Errorf("the edit's audit line keeps %s → %s", lines[1].Before, lines[1].After)
	}
	admin := signIn(t, s.db, "admin@koe.example", feedback.RoleAdmin)
	if body := do(s.h, http.MethodGet, "/app/audit?lang=ja&entity=reply_template", &admin, false).Body.String(); !strings.Contains(body, "返信テンプレートを変更") ||
		!strings.Contains(body, "返信テンプレートを削除") || strings.Contains(body, "review_template_") {
		t.Errorf("the audit page names the template changes in words:\n%s", body)
	}
	// A reply written in the store's console shows as answered elsewhere, with its words.
	if changed, err := s.db.ReplyChecked(ctx, s.old, "Thanks for the feedback! — the team"); err != nil || !changed {
		t.Fatalf("ReplyChecked = %v, %v", changed, err)
	}
	body := s.page(t, &cs, "?lang=ja&state=elsewhere")
	if !strings.Contains(body, "Koe 以外で返信済み") || !strings.Contains(body, "Thanks for the feedback! — the team") || !strings.Contains(body, "Old one") {
		t.Errorf("the answered-elsewhere review:\n%s", body)
	}
}

// TestReviewBeingRetried: a reply the store answered with a 429 shows "sending — retrying", the
// store's words and when Koe tries again, in both languages, with the words being sent; the
// app's name of its source is on the queue and in the template.
func TestReviewBeingRetried(t *testing.T) {
	s := seedReviews(t)
	ctx := context.Background()
	if _, err := s.db.AddSource(ctx, "googleplay", "play", map[string]string{"kind": "googleplay", "name": "play", "package": "jp.koe.demo",
		"app_name": "Koe モバイル"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueueReply(ctx, s.play, "山田様、次の版で改善します。", "cs@koe.example"); err != nil {
		t.Fatal(err)
	}
	row, err := s.db.ClaimOutboxFor(ctx, store.TargetStore, time.Minute)
	if err != nil || row == nil {
		t.Fatalf("claim: %v", err)
	}
	next := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	if err := s.db.RetryLater(ctx, row.ID, next, "googleapi: Error 429: Quota exceeded for quota metric 'Queries', rateLimitExceeded"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.SaveReplyTemplate(ctx, store.ReplyTemplate{Name: "お礼", Language: "en", Band: store.BandHigh, Body: "Thanks, {reviewer}! — {app}"}, "cs@koe.example"); err != nil {
		t.Fatal(err)
	}
	cs := signIn(t, s.db, "cs@koe.example", feedback.RoleCS)
	for _, tc := range []struct{ lang, state, said, when, app string }{
		{"ja", "送信中（再試行待ち）", "ストアが一時的に返信を受け付けませんでした", "2030-01-02 12:04 JST に再送します。", "Koe モバイル（play）"},
		{"en", "Sending — retrying", "The store could not take the reply yet:", "Koe tries again at 2030-01-02 12:04 JST.", "Koe モバイル (play)"},
	} {
		body := s.page(t, &cs, "?lang="+tc.lang)
		card := body[strings.Index(body, `id="review-`+strconv.FormatInt(s.play, 10)+`"`):]
		card = card[:strings.Index(card, "</article>")]
		for _, want := range []string{tc.state, tc.said, "Quota exceeded for quota metric", tc.when, "山田様、次の版で改善します。", tc.app} {
			if !strings.Contains(card, want) {
				t.Errorf("%s: the retried review lacks %q:\n%s", tc.lang, want, card)
			}
		}
		if strings.Contains(card, "<textarea") {
			t.Errorf("%s: a reply being sent is not editable", tc.lang)
		}
	}
	// The old Play review starts from the template with its source's app name; G2 (no app name)
	// from the company's.
	body := s.page(t, &cs, "?lang=en")
	if !strings.Contains(body, "Thanks, Old! — Koe モバイル") {
		t.Errorf("the Play review's editor does not name the source's app")
	}
}
