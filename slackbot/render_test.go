package slackbot

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/koehq/koe/store"
)

// sectionTexts is the text of a message's section and context blocks, one line each.
func sectionTexts(m rendered) string {
	var out []string
	for _, b := range m.blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			out = append(out, b.Text.Text)
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					out = append(out, t.Text)
				}
			}
		}
	}
	return strings.Join(out, "\n")
}

// TestRenderedWords: the backlog's messages read as before the catalog, in ja and en — but for
// a status, now its label rather than its code — and customers' words are escaped, in the
// fallback text too.
func TestRenderedWords(t *testing.T) {
	request := map[string]any{"request_id": float64(7), "title": "SAML <SSO>", "score": 1_200_000.0, "accounts": float64(3), "status": "planned"}
	digest := map[string]any{"top": []any{request}, "movers": []any{map[string]any{"title": "SAML <SSO>", "delta": 300_000.0}}}
	shipped := map[string]any{"request_id": float64(7), "title": "SAML <SSO>", "subscribers": float64(2), "accounts": []any{
		map[string]any{"name": "Big & Co", "mrr_minor": float64(1_500_000), "currency": "JPY", "plan": "Enterprise"},
		map[string]any{"name": "Small KK", "mrr_minor": float64(30_000), "currency": "JPY"}}}
	link := "<https://koe.example/app/requests/7|SAML &lt;SSO&gt;>"
	for _, tc := range []struct {
		lang, kind string
		subject    map[string]any
		text, body string
	}{
		{"en", KindRequest, request, "Notable request: SAML &lt;SSO&gt;",
			"*Notable request*: " + link + " — ¥1,200,000 at stake per year · 3 accounts · Status: Planned"},
		{"ja", KindRequest, request, "注目リクエスト: SAML &lt;SSO&gt;",
			"*注目リクエスト*: " + link + " — ¥1,200,000 年間の影響額 · 3 社 · ステータス: 予定"},
		{"en", KindRequestUpdate, request, "Update: SAML &lt;SSO&gt;",
			"*Update*: " + link + " — ¥1,200,000 at stake per year · 3 accounts · Status: Planned"},
		{"en", KindDigest, digest, "This week's top requests",
			"*This week's top requests*\n1. " + link + " — ¥1,200,000 at stake per year · 3 accounts\n\n*Biggest movers this week*\n• SAML &lt;SSO&gt; (+¥300,000)\n\n<https://koe.example/app/requests|Open the backlog>"},
		{"ja", KindDigest, digest, "今週のトップリクエスト",
			"*今週のトップリクエスト*\n1. " + link + " — ¥1,200,000 年間の影響額 · 3 社\n\n*今週伸びたリクエスト*\n• SAML &lt;SSO&gt; (+¥300,000)\n\n<https://koe.example/app/requests|バックログを開く>"},
		{"en", KindShipped, shipped, "Shipped: SAML &lt;SSO&gt;",
			"✅ *Shipped*: " + link + "\n*Accounts to follow up with* (2)\n• Big &amp; Co · MRR 1M+ · Enterprise\n• Small KK · MRR <50k\n📧 2 customers will be told by email"},
		{"ja", KindShipped, shipped, "リリースしました: SAML &lt;SSO&gt;",
			"✅ *リリースしました*: " + link + "\n*フォローする企業* (2)\n• Big &amp; Co · MRR 1M+ · Enterprise\n• Small KK · MRR <50k\n📧 2 人のお客様にメールでお知らせします"},
		{"ja", KindShipped, map[string]any{"request_id": float64(7), "title": "SAML <SSO>"}, "リリースしました: SAML &lt;SSO&gt;",
			"✅ *リリースしました*: " + link + "\n_紐付いた企業はありません_"},
		{"en", KindReviewSummary, map[string]any{"count": float64(5)}, "5 notable reviews", "*5 notable reviews*"},
		{"ja", KindReviewSummary, map[string]any{"count": float64(5)}, "5件の注目レビュー", "*5件の注目レビュー*"},
	} {
		t.Run(tc.lang+" "+tc.kind, func(t *testing.T) {
			c := Config{Language: tc.lang, BaseURL: "https://koe.example"}.Defaults()
			m, err := c.render(context.Background(), nil, &store.OutboxRow{Kind: tc.kind, Subject: tc.subject})
			if err != nil {
				t.Fatal(err)
			}
			if m.text != tc.text {
				t.Errorf("text %q, want %q", m.text, tc.text)
			}
			if got := sectionTexts(m); got != tc.body {
				t.Errorf("blocks\n%s\nwant\n%s", got, tc.body)
			}
		})
	}
}

// englishWords are the words of s in Latin letters, less those allowed (names, codes, Koe).
func englishWords(s string, allowed ...string) []string {
	var out []string
	for _, w := range regexp.MustCompile(`[A-Za-z]{2,}`).FindAllString(s, -1) {
		ok := false
		for _, a := range allowed {
			ok = ok || w == a
		}
		if !ok {
			out = append(out, w)
		}
	}
	return out
}

// TestJapaneseMessagesHaveNoEnglishLeft: a Japanese digest and shipped notice hold no English
// word of Koe's (only customers' names, plans and codes such as MRR).
func TestJapaneseMessagesHaveNoEnglishLeft(t *testing.T) {
	c := Config{Language: "ja"}.Defaults()
	request := map[string]any{"request_id": float64(7), "title": "請求書", "score": 1_200_000.0, "accounts": float64(1), "status": "in_progress"}
	for _, row := range []*store.OutboxRow{
		{Kind: KindRequestUpdate, Subject: request},
		{Kind: KindDigest, Subject: map[string]any{"top": []any{request}}},
		{Kind: KindShipped, Subject: map[string]any{"title": "請求書", "subscribers": float64(1), "accounts": []any{map[string]any{"name": "株式会社A", "mrr_minor": float64(60_000), "currency": "JPY"}}}},
		{Kind: KindReviewSummary, Subject: map[string]any{"count": float64(1)}},
	} {
		m, err := c.render(context.Background(), nil, row)
		if err != nil {
			t.Fatal(err)
		}
		if w := englishWords(m.text+"\n"+sectionTexts(m), "MRR", "k"); len(w) > 0 {
			t.Errorf("%s in ja has English words %q:\n%s\n%s", row.Kind, w, m.text, sectionTexts(m))
		}
	}
}
