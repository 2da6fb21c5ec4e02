package dashboard_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
)

// screenshots is where the browser test leaves its pictures (not committed; CI keeps them).
var screenshots = filepath.Join("..", "artifacts", "screenshots")

// browser starts headless Chromium (Debian's, installed by .ci/run). Without it the test is
// skipped, unless KOE_REQUIRE_BROWSER is set, as CI sets it.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("KOE_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is not installed (apt-get install chromium)")
		}
		t.Skip("chromium is not installed; .ci/run installs it")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "en-US"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel3)
	return ctx
}

func TestInABrowser(t *testing.T) {
	ctx := browser(t)
	db := openStore(t)
	// Two requests: "CSV export" asked by a ¥100,000 account at churn risk, "SSO" by a ¥1,000,000
	// account, not tagged yet; and a voice linked to nothing.
	now := time.Now()
	big, small := int64(1), int64(2)
	csv, sso := int64(1), int64(2)
	ds := feedback.Dataset{
		Accounts: []feedback.Account{
			{ID: 1, Source: "stripe", ExternalID: "cus_1", Name: "Big KK", NameKey: "big", MRR: feedback.Money{Minor: 1_000_000, Currency: "JPY"}, Lifecycle: feedback.Customer, Plan: "Enterprise"},
			{ID: 2, Source: "csv", ExternalID: "2", Name: "Small KK", NameKey: "small", MRR: feedback.Money{Minor: 100_000, Currency: "JPY"}, Lifecycle: feedback.Customer, Plan: "Standard"},
		},
		Users: []feedback.User{{ID: 1, Email: "demo@koe.example", Name: "Demo", Role: feedback.RoleAdmin}},
		Requests: []feedback.Request{
			{ID: 1, Title: "CSV export", Status: feedback.UnderReview, CreatedAt: now, StatusChangedAt: now},
			{ID: 2, Title: "SSO", Status: feedback.UnderReview, CreatedAt: now, StatusChangedAt: now},
		},
		Items: []feedback.Item{
			{ID: 1, SourceKind: feedback.SourceChat, SourceName: "widget", SourceID: "1", ReceivedAt: now, Body: "CSVで出力したい", Language: "ja",
				AccountID: &small, RequestID: &csv, Tag: feedback.TagChurnRisk, Status: feedback.StatusTriaged},
			{ID: 2, SourceKind: feedback.SourceChat, SourceName: "widget", SourceID: "2", ReceivedAt: now.Add(-time.Minute), Body: "We need SAML SSO <b>now</b>", Language: "en",
				AccountID: &big, RequestID: &sso, Status: feedback.StatusTriaged},
			{ID: 3, SourceKind: feedback.SourceReview, SourceName: "appstore", SourceID: "3", ReceivedAt: now.Add(-2 * time.Minute), Body: "Export to CSV please", Language: "en",
				AccountID: &big, Status: feedback.StatusNew},
		},
	}
	// Older voices from unknown senders, linked to nothing, to fill the screen.
	for i := int64(4); i <= 40; i++ {
		ds.Items = append(ds.Items, feedback.Item{ID: i, SourceKind: feedback.SourceEmail, SourceName: "support", SourceID: fmt.Sprint(i),
			ReceivedAt: now.Add(-time.Duration(i) * time.Hour), Language: "ja", Status: feedback.StatusNew,
			Body: "請求書のPDFを毎月まとめてダウンロードしたいです。経理の担当者が一件ずつ開いて保存していて、月末に半日かかっています。"})
	}
	// History an import left without suggestions: a year old, asking for the CSV export.
	ds.Items = append(ds.Items, feedback.Item{ID: 41, SourceKind: feedback.SourceEmail, SourceName: "support", SourceID: "41",
		ReceivedAt: now.AddDate(-1, 0, 0), Language: "en", Status: feedback.StatusNew, Body: "Could you add an export to CSV for our reports?"})
	if err := db.ImportDataset(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	// Suggestions of each strength: strong, possible, and one too weak to offer (no good match).
	// Voices 5 and 6 are Japanese and their requests titled in English: their scores are read on
	// the cross-language scale (scoring.Calibrated, three times: 0.33 and 0.15).
	if err := db.SaveSuggestions(context.Background(), []store.Suggested{{FeedbackID: 4, Requests: []int64{1}, Scores: []float64{0.62}},
		{FeedbackID: 5, Requests: []int64{1}, Scores: []float64{0.11}}, {FeedbackID: 6, Requests: []int64{2}, Scores: []float64{0.05}}}); err != nil {
		t.Fatal(err)
	}
	// A source, an API token and a webhook (its events fill the outbox), for the pages that show them.
	if err := db.SaveCursor(context.Background(), store.SourceCursor{Kind: "zendesk", Name: "support", Cursor: "1"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CreateAPIToken(context.Background(), "zapier", "write", "demo@koe.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddWebhook(context.Background(), "http://127.0.0.1:9/hook", store.WebhookEvents, true, "demo@koe.example"); err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(db, opts(dashboard.Options{CompanyName: "Acme", Demo: true, DemoUser: ds.Users[0], SuggestVoices: (&intake.Service{DB: db}).SuggestVoices}))
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
			if err := chromedp.FullScreenshot(&png, 100).Do(ctx); err != nil { // 100: PNG
				return err
			}
			return os.WriteFile(filepath.Join(screenshots, name+".png"), png, 0o644)
		})
	}
	// viewShot is what the screen shows, not the whole page.
	viewShot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var png []byte
			if err := chromedp.CaptureScreenshot(&png).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(screenshots, name+".png"), png, 0o644)
		})
	}
	firstRequest := func() string {
		t.Helper()
		var title string
		if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+"/app/requests?lang=en"),
			chromedp.Text(`table tbody tr:first-child td:nth-child(2)`, &title, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(title)
	}
	if got := firstRequest(); got != "CSV export" {
		t.Fatalf("first request before = %q", got)
	}
	if err := chromedp.Run(ctx, shot("requests-before")); err != nil {
		t.Fatal(err)
	}

	// On the sheet, at 1400×900, as a CS member works: the page is loaded once (a window
	// variable set now must survive every change), the SSO voice is tagged churn risk, an
	// insight typed and saved with Enter, the review linked by typing its request, unlinked,
	// and the unlink undone.
	until := func(what string, cond func(a, b feedback.Item) bool) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			a, _ := db.FeedbackByID(context.Background(), 2)
			b, _ := db.FeedbackByID(context.Background(), 3)
			if cond(a, b) {
				return
			}
		}
		t.Fatalf("the browser did not %s", what)
	}
	var words string
	var visible int
	if err := chromedp.Run(ctx,
		chromedp.EmulateViewport(1400, 900),
		chromedp.Navigate(web.URL+"/app/feedback?lang=en"),
		chromedp.Text(`td.words`, &words, chromedp.ByQuery),
		chromedp.Evaluate(visibleRows, &visible),
		viewShot("feedback-1400-en"),
		shot("feedback"),
		chromedp.Evaluate(`window.koeLoaded = 'once'`, nil),
		chromedp.Evaluate(`(s => { s.focus(); s.value = 'churn_risk'; s.dispatchEvent(new Event('change', {bubbles: true})); })(document.querySelector('#f2 select[name=tag]'))`, nil),
		chromedp.WaitVisible(`#f2 .saved.ok`, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	if visible < 15 {
		t.Errorf("voices visible at 1400×900 = %d, want at least 15", visible)
	}
	t.Logf("voices visible at 1400×900: %d", visible)
	until("tag the voice", func(a, _ feedback.Item) bool { return a.Tag == feedback.TagChurnRisk })
	var saved, focusRow, loaded string
	var took float64
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelector('#f2 .saved').textContent = ''`, nil),
		chromedp.Click(`#f2 input[name=insight]`, chromedp.ByQuery),
		chromedp.SendKeys(`#f2 input[name=insight]`, "SAML for their audit\r", chromedp.ByQuery),
		chromedp.WaitVisible(`#f2 .saved.ok`, chromedp.ByQuery),
		chromedp.Text(`#f2 .saved`, &saved, chromedp.ByQuery),
		chromedp.Evaluate(`document.activeElement.closest('tr') ? document.activeElement.closest('tr').dataset.id : ''`, &focusRow),
		chromedp.Evaluate(`window.koeLoaded || 'reloaded'`, &loaded),
		chromedp.Evaluate(`window.koeSaveMs`, &took),
	); err != nil {
		t.Fatal(err)
	}
	until("save the insight", func(a, _ feedback.Item) bool { return a.Insight == "SAML for their audit" })
	if saved != "Saved" || focusRow != "2" || loaded != "once" {
		t.Errorf("after Enter in the insight: saved state %q, focus on row %q, page %q; want Saved, 2, once", saved, focusRow, loaded)
	}
	t.Logf("from Save to the saved state: %.0f ms", took)
	var linked, status string
	if err := chromedp.Run(ctx,
		chromedp.Click(`tr[data-id="3"] .pick-request input[name=request_id]`, chromedp.ByQuery),
		chromedp.SendKeys(`tr[data-id="3"] .pick-request input[name=request_id]`, "#1\r", chromedp.ByQuery),
		chromedp.WaitVisible(`tr[data-id="3"] td.req a`, chromedp.ByQuery),
		chromedp.Text(`tr[data-id="3"] td.req a`, &linked, chromedp.ByQuery),
		chromedp.Evaluate(`document.activeElement.closest('tr') ? document.activeElement.closest('tr').dataset.id : ''`, &focusRow),
	); err != nil {
		t.Fatal(err)
	}
	until("link the review", func(_, b feedback.Item) bool { return b.RequestID != nil && *b.RequestID == csv })
	if linked != "#1 CSV export" || focusRow != "3" {
		t.Errorf("after linking: request cell %q, focus on row %q", linked, focusRow)
	}
	if err := chromedp.Run(ctx,
		chromedp.Click(`tr[data-id="3"] td.req button.x`, chromedp.ByQuery),
		chromedp.WaitVisible(`tr[data-id="3"] .pick-request`, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	until("unlink the review", func(_, b feedback.Item) bool { return b.RequestID == nil })
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`document.activeElement.blur()`, nil),
		chromedp.KeyEvent("u"),
		chromedp.WaitVisible(`tr[data-id="3"] td.req a`, chromedp.ByQuery),
		chromedp.Text(`#sheet-status`, &status, chromedp.ByQuery),
		chromedp.Evaluate(`window.koeLoaded || 'reloaded'`, &loaded),
	); err != nil {
		t.Fatal(err)
	}
	until("undo the unlink", func(_, b feedback.Item) bool { return b.RequestID != nil && *b.RequestID == csv })
	if status != "Undone." || loaded != "once" {
		t.Errorf("after u: status %q, page %q", status, loaded)
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+"/app/feedback?lang=ja"), viewShot("feedback-1400-ja"),
		chromedp.KeyEvent("j"), chromedp.KeyEvent("o"), viewShot("feedback-1400-ja-open"), chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	// Suggestions in words, in both languages.
	for _, c := range []struct{ lang, strong, possible, none string }{
		{"ja", "ほぼ確実", "候補", "該当なし（新しいリクエスト？）"},
		{"en", "strong match", "possible match", "no good match — new request?"},
	} {
		var cells []string
		if err := chromedp.Run(ctx, chromedp.EmulateViewport(1500, 700), chromedp.Navigate(web.URL+"/app/feedback?lang="+c.lang), viewShot("feedback-suggestions-"+c.lang), chromedp.EmulateViewport(1280, 900),
			chromedp.Evaluate(`[4, 5, 6].map(id => document.querySelector('tr[data-id="' + id + '"] td.req').innerText)`, &cells)); err != nil {
			t.Fatal(err)
		}
		if len(cells) != 3 || !strings.Contains(cells[0], c.strong) || !strings.Contains(cells[1], c.possible) || !strings.Contains(cells[2], c.none) {
			t.Errorf("%s: suggestion cells %q, want %q, %q, %q", c.lang, cells, c.strong, c.possible, c.none)
		}
	}
	// Keyboard: j moves to the first row, x selects it.
	var selected bool
	if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+"/app/feedback?lang=en"), shot("feedback-after"),
		chromedp.KeyEvent("j"), chromedp.WaitVisible(`tr.current`, chromedp.ByQuery), chromedp.KeyEvent("x"),
		chromedp.Evaluate(`document.querySelector('tr.current input[name=ids]').checked`, &selected)); err != nil {
		t.Fatal(err)
	}
	if !selected {
		t.Error("x did not select the current row")
	}
	if !strings.Contains(words, "CSV") {
		t.Errorf("the sheet's first voice = %q", words)
	}
	// The backlog reorders: a ¥1,000,000 account at churn risk now outweighs the rest.
	if got := firstRequest(); got != "SSO" {
		t.Fatalf("first request after the tag = %q", got)
	}
	// On the request page: plan SSO.
	if err := chromedp.Run(ctx, shot("requests-after"),
		chromedp.Navigate(web.URL+"/app/requests/2?lang=en"),
		shot("request"),
		chromedp.SetValue(`form.edit select[name=status]`, "planned", chromedp.ByQuery),
		chromedp.Click(`form.edit button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`h1 .status-planned`, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if r, _ := db.RequestByID(context.Background(), sso); r.Status == feedback.Planned {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the browser did not change the status")
		}
	}
	// A phone's width: the sheet stacks its cells instead of scrolling sideways.
	var wide bool
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(web.URL+"/app/feedback?lang=ja"), shot("feedback-phone"),
		chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 4`, &wide),
		chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	if wide {
		t.Error("the sheet is wider than a phone's screen")
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+"/app/slack?lang=en"), shot("slack")); err != nil {
		t.Fatal(err)
	}
	// The public roadmap, in English (the browser's language) and in Japanese (?lang=ja).
	pubTitle, public, pubNote := "CSVで書き出す", true, "7月に提供予定です。"
	if err := db.UpdateRequest(context.Background(), csv, store.RequestEdit{PublicTitle: &pubTitle, Public: &public, PublicNote: &pubNote}, "po"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, heading, label string }{
		{"/roadmap", "Requests and roadmap", "Under review"},
		{"/roadmap?lang=ja", "リクエストとロードマップ", "検討中"},
	} {
		var heading, label, title string
		if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+c.path),
			chromedp.Text(`h1`, &heading, chromedp.ByQuery), chromedp.Text(`.card h3 .status`, &label, chromedp.ByQuery),
			chromedp.Text(`.card h3 a`, &title, chromedp.ByQuery), shot("roadmap-"+map[bool]string{true: "ja", false: "en"}[strings.Contains(c.path, "ja")]),
			chromedp.Click(`.card h3 a`, chromedp.ByQuery), chromedp.WaitVisible(`ol.history`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if heading != c.heading || label != c.label || title != pubTitle {
			t.Errorf("%s: heading %q, status %q, title %q", c.path, heading, label, title)
		}
	}
	// The backlog in Japanese, the customer sign-in and the pages of codes (outbox kinds, audit
	// actions, languages, connectors, scopes, weights) in both languages, to read.
	toRead := []struct{ path, name string }{
		{"/app/requests?lang=ja", "requests-ja"}, {"/account/signin?lang=ja", "customer-signin-ja"}, {"/account/signin?lang=en", "customer-signin-en"},
	}
	for _, l := range []string{"ja", "en"} {
		for _, p := range []string{"feedback", "feedback/1", "slack", "audit", "sources", "tokens", "accounts", "accounts/1", "accounts/unmatched", "weights", "requests/1", "users"} {
			toRead = append(toRead, struct{ path, name string }{"/app/" + p + "?lang=" + l, "codes-" + strings.ReplaceAll(p, "/", "-") + "-" + l})
		}
	}
	for _, p := range toRead {
		if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+p.path), shot(p.name)); err != nil {
			t.Fatal(err)
		}
	}
	// The unlinked voice's page: its suggestion, made as the page opens, in words.
	for _, l := range []string{"ja", "en"} {
		want := "CSV export"
		var text string
		if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+"/app/feedback/41?lang="+l), chromedp.Text("main", &text, chromedp.ByQuery), shot("voice-suggested-"+l)); err != nil {
			t.Fatal(err)
		}
		reqs, scores, err := db.Suggestions(context.Background(), 41)
		if err != nil || len(reqs) == 0 {
			t.Fatalf("voice 41 has no suggestion after its page: %v", err)
		}
		words := locale.For(l).T("strength." + scoring.StrengthOf(scores[0]))
		if !strings.Contains(text, want) || !strings.Contains(text, words) {
			t.Errorf("voice page (%s, best %.2f): want %q and %q in\n%s", l, scores[0], want, words, text)
		}
	}
	// Accessible basics on every main page, in both languages.
	for _, page := range []string{"/app/feedback", "/app/feedback/1", "/app/requests", "/app/requests/1", "/app/clusters", "/app/weights",
		"/app/accounts", "/app/accounts/1", "/app/accounts/unmatched", "/app/sources", "/app/slack", "/app/audit", "/roadmap", "/roadmap/1", "/account/signin"} {
		for _, l := range []string{"en", "ja"} {
			var problems []string
			if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+page+"?lang="+l), chromedp.Evaluate(a11yCheck, &problems)); err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Errorf("%s?lang=%s: %s", page, l, p)
			}
		}
	}
	abs, _ := filepath.Abs(screenshots)
	t.Logf("screenshots in %s", abs)
}

// visibleRows counts the sheet's voices wholly on the screen.
const visibleRows = `Array.prototype.filter.call(document.querySelectorAll('#sheet tbody tr[data-id]'),
  r => { const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= window.innerHeight; }).length`

// a11yCheck lists what a page gets wrong of the basics: a form control without a label, a
// positive tabindex (which breaks the focus order the page's reading order gives), an image
// without alt text, text with less contrast than WCAG AA asks (4.5:1, or 3:1 for large text).
const a11yCheck = `(() => {
  const out = [];
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[name=' + e.name + ']' : '');
  for (const e of document.querySelectorAll('input, select, textarea')) {
    if (e.type === 'hidden' || e.type === 'submit' || e.type === 'button') continue;
    const labelled = e.closest('label') || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.title ||
      (e.id && document.querySelector('label[for="' + e.id + '"]'));
    if (!labelled) out.push('no label: ' + name(e));
  }
  for (const e of document.querySelectorAll('button')) {
    if (!e.textContent.trim() && !e.getAttribute('aria-label') && !e.title) out.push('button without a name');
  }
  for (const e of document.querySelectorAll('[tabindex]')) {
    if (e.tabIndex > 0) out.push('positive tabindex: ' + name(e));
  }
  for (const e of document.querySelectorAll('img')) {
    if (!e.hasAttribute('alt')) out.push('img without alt: ' + e.src);
  }
  const rgb = s => { const m = s.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bg = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const seen = new Set();
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const e = n.parentElement;
    if (!n.textContent.trim() || !e || seen.has(e) || !e.getClientRects().length) continue;
    seen.add(e);
    const st = getComputedStyle(e);
    if (st.visibility === 'hidden' || e.closest('.sr, svg, option')) continue;
    const fg = rgb(st.color), b = bg(e);
    const l1 = lum(fg), l2 = lum(b), ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) out.push('contrast ' + ratio.toFixed(2) + ' < ' + need + ': "' + n.textContent.trim().slice(0, 40) + '" (' + st.color + ' on rgb(' + b.r + ',' + b.g + ',' + b.b + '))');
  }
  return out;
})()`

// TestBacklogSegmentsInABrowser: the backlog's segment filters, opened as lists, read in the
// reader's words with the data's values (one plan whatever its case, with its accounts), and a
// view saved through the form, listed and opened; screenshots in ja and en.
func TestBacklogSegmentsInABrowser(t *testing.T) {
	ctx := browser(t)
	db := openStore(t)
	now := time.Now()
	emp := func(n int) *int { return &n }
	ds := feedback.Dataset{
		Users: []feedback.User{{ID: 1, Email: "po@koe.example", Name: "PO", Role: feedback.RolePO}},
		Accounts: []feedback.Account{
			{ID: 1, Source: "t", ExternalID: "1", Name: "大手商事", NameKey: "ote", MRR: feedback.Money{Minor: 1_200_000, Currency: "JPY"}, Plan: "Enterprise", Lifecycle: feedback.Customer, Employees: emp(3000)},
			{ID: 2, Source: "t", ExternalID: "2", Name: "中堅工業", NameKey: "chuken", MRR: feedback.Money{Minor: 300_000, Currency: "JPY"}, Plan: "enterprise", Lifecycle: feedback.Customer, Employees: emp(400)},
			{ID: 3, Source: "t", ExternalID: "3", Name: "小さな会社", NameKey: "chiisana", MRR: feedback.Money{Minor: 30_000, Currency: "JPY"}, Plan: "Starter", Lifecycle: feedback.Customer, Employees: emp(12)},
			{ID: 4, Source: "t", ExternalID: "4", Name: "検討中商店", NameKey: "kento", MRR: feedback.Money{Minor: 0, Currency: "JPY"}, Plan: "Standard", Lifecycle: feedback.Prospect, Employees: emp(80)},
		},
		Requests: []feedback.Request{
			{ID: 1, Title: "SAMLでシングルサインオン", Status: feedback.UnderReview, CreatedAt: now, StatusChangedAt: now},
			{ID: 2, Title: "請求書のPDF一括ダウンロード", Status: feedback.Planned, CreatedAt: now, StatusChangedAt: now},
			{ID: 3, Title: "CSVエクスポート", Status: feedback.UnderReview, CreatedAt: now, StatusChangedAt: now},
		},
	}
	for i, v := range []struct {
		acct, req  int64
		kind       feedback.SourceKind
		name, lang string
		tag        feedback.Tag
	}{
		{1, 1, "chat", "intercom", "ja", feedback.TagChurnRisk}, {2, 1, "email", "support", "ja", feedback.TagChurnRisk},
		{2, 2, "review", "app_store", "ja", feedback.TagUsability}, {3, 2, "review", "google_play", "en", feedback.TagUsability},
		{4, 3, "chat", "intercom", "en", feedback.TagExpansion}, {1, 3, "email", "support", "ja", feedback.TagInternalEfficiency},
	} {
		ds.Items = append(ds.Items, feedback.Item{ID: int64(i + 1), SourceKind: v.kind, SourceName: v.name, SourceID: fmt.Sprint(i), ReceivedAt: now,
			Body: "声", Language: v.lang, AccountID: &v.acct, RequestID: &v.req, Tag: v.tag, Status: feedback.StatusTriaged})
	}
	if err := db.ImportDataset(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(db, opts(dashboard.Options{CompanyName: "Acme", Demo: true, DemoUser: ds.Users[0]}))
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
	// options are the texts of each segment list's choices, by the list's name.
	const options = `Object.fromEntries(Array.from(document.querySelectorAll('form.filters select'), s =>
		[s.name, Array.from(s.options, o => (o.selected ? '*' : '') + o.textContent)]))`
	// open shows every list with its choices, as an open list does (a native list, once open, is
	// not in a screenshot).
	const open = `document.querySelectorAll('form.filters select').forEach(s => s.size = s.options.length); true`
	for _, c := range []struct {
		lang, view string
		want       map[string][]string
		raw        []string // codes that must not be read on the page
	}{
		{"ja", "大口の解約リスク", map[string][]string{
			"plan":      {"—", "*Enterprise（2社）", "Standard（1社）", "Starter（1社）"},
			"lifecycle": {"*—", "顧客（3社）", "見込み客（1社）"},
			"mrr_band":  {"*—", "5万未満（2社）", "20万〜50万（1社）", "100万以上（1社）"},
			"employees": {"*—", "1〜49人（1社）", "50〜249人（1社）", "250〜999人（1社）", "1,000人以上（1社）"},
			"source":    {"*—", "チャット（intercom）", "レビュー（app_store、google_play）", "メール（support）"},
			"language":  {"*—", "日本語", "英語"},
		}, []string{"customer", "prospect", "<50k", "1000+", "churn_risk"}},
		{"en", "Big accounts at risk", map[string][]string{
			"plan":      {"—", "*Enterprise (2 accounts)", "Standard (1 account)", "Starter (1 account)"},
			"lifecycle": {"*—", "Customer (3 accounts)", "Prospect (1 account)"},
			"mrr_band":  {"*—", "under 50k (2 accounts)", "200k–500k (1 account)", "1M and over (1 account)"},
			"source":    {"*—", "Chat (intercom)", "Review (app_store, google_play)", "Email (support)"},
			"language":  {"*—", "Japanese", "English"},
		}, nil},
	} {
		page := web.URL + "/app/requests?lang=" + c.lang + "&plan=ENTERPRISE&tag=churn_risk"
		var got map[string][]string
		var text string
		if err := chromedp.Run(ctx, chromedp.Navigate(page), chromedp.Evaluate(options, &got), chromedp.Text("form.filters", &text, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		for name, want := range c.want {
			if fmt.Sprint(got[name]) != fmt.Sprint(want) {
				t.Errorf("%s: %s choices %q, want %q", c.lang, name, got[name], want)
			}
		}
		for _, code := range c.raw {
			for name, opts := range got {
				for _, o := range opts {
					if strings.Contains(o, code) {
						t.Errorf("%s: the %s list reads %q", c.lang, name, o)
					}
				}
			}
		}
		var open_ bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(open, &open_), shot("backlog-choices-"+c.lang)); err != nil {
			t.Fatal(err)
		}
		// Save the page's filters as a view, through the form.
		var views string
		if err := chromedp.Run(ctx, chromedp.Navigate(page), chromedp.Click("details.save-view summary", chromedp.ByQuery),
			chromedp.SendKeys(`details.save-view input[name=name]`, c.view, chromedp.ByQuery),
			chromedp.Submit(`details.save-view input[name=name]`, chromedp.ByQuery),
			// the page after the save lists the new view (another one may already be current)
			chromedp.WaitVisible(`//p[@class="views"]//a[contains(., "`+c.view+`")]`, chromedp.BySearch),
			chromedp.Navigate(page), chromedp.Text("p.views", &views, chromedp.ByQuery), shot("backlog-view-"+c.lang)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(views, c.view) {
			t.Errorf("%s: saved views read %q, want %q", c.lang, views, c.view)
		}
	}
	// The two views, opened from their links, are the backlog they saved.
	var first string
	if err := chromedp.Run(ctx, chromedp.Navigate(web.URL+"/app/requests?lang=ja"), chromedp.Click(`p.views a`, chromedp.ByQuery),
		chromedp.WaitVisible(`p.views a[aria-current]`, chromedp.ByQuery),
		chromedp.Text(`table tbody tr:first-child td:nth-child(2)`, &first, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(first) != "SAMLでシングルサインオン" {
		t.Errorf("the opened view's first request is %q", first)
	}
}
