package slackbot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// rendered is a message ready for chat.postMessage.
type rendered struct {
	text   string // the fallback text notifications show
	blocks []slack.Block
}

var words = map[string]map[string]string{
	"ja": {"voice": "お客様の声", "review": "レビュー", "account": "アカウント", "unknown": "不明なアカウント", "plan": "プラン",
		"suggested": "関連しそうなリクエスト", "none": "該当なし（新しいリクエスト？）", "source": "元の場所",
		"summary": "件の注目レビュー", "rating": "評価", "tag": "タグ", "request": "リクエスト", "link": "このリクエストに紐付け",
		"pick": "別のリクエストを選ぶ…", "pick_title": "リクエストを選ぶ", "link_submit": "紐付ける", "cancel": "キャンセル", "search": "入力して検索",
		"churn_alert": "解約リスク（大口）", "at_stake": "年間の影響額", "accounts": "社", "notable_request": "注目リクエスト",
		"update": "更新", "digest": "今週のトップリクエスト", "movers": "今週伸びたリクエスト", "backlog": "バックログを開く", "status": "ステータス",
		"shipped": "リリースしました", "follow_up": "フォローする企業", "subscribers": "人のお客様にメールでお知らせします", "no_accounts": "紐付いた企業はありません"},
	"en": {"voice": "Customer voice", "review": "Review", "account": "Account", "unknown": "Unknown account", "plan": "Plan",
		"suggested": "Likely request", "none": "none (a new request?)", "source": "Source",
		"summary": "notable reviews", "rating": "Rating", "tag": "Tag", "request": "Request", "link": "Link to this request",
		"pick": "Pick another request…", "pick_title": "Pick a request", "link_submit": "Link", "cancel": "Cancel", "search": "Type to search",
		"churn_alert": "Churn risk from a big account", "at_stake": "at stake per year", "accounts": "accounts", "notable_request": "Notable request",
		"update": "Update", "digest": "This week's top requests", "movers": "Biggest movers this week", "backlog": "Open the backlog", "status": "Status",
		"shipped": "Shipped", "follow_up": "Accounts to follow up with", "subscribers": "customer(s) will be told by email", "no_accounts": "no accounts linked"},
}

func (c Config) w(key string) string {
	if m, ok := words[c.Language]; ok {
		return m[key]
	}
	return words["en"][key]
}

// escape keeps customers' words from being read as Slack markup (<, >, &).
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func trim(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// render builds a message from the data as it is now.
func (c Config) render(ctx context.Context, st *store.DB, row *store.OutboxRow) (rendered, error) {
	if row.Kind == KindReviewSummary {
		n, _ := row.Subject["count"].(float64)
		text := fmt.Sprintf("%d %s", int(n), c.w("summary"))
		return rendered{text: text, blocks: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*"+text+"*", false, false), nil, nil),
		}}, nil
	}
	switch row.Kind {
	case KindRequest, KindRequestUpdate:
		return c.renderRequest(row), nil
	case KindDigest:
		return c.renderDigest(row), nil
	case KindShipped:
		return c.renderShipped(row), nil
	}
	id, err := subjectID(row.Subject)
	if err != nil {
		return rendered{}, err
	}
	it, err := st.FeedbackByID(ctx, id)
	if err != nil {
		return rendered{}, err
	}
	head := c.w("voice")
	if row.Kind == KindChurn {
		head = "🚨 " + c.w("churn_alert")
	} else if it.SourceKind == feedback.SourceReview {
		head = c.w("review")
	}
	who := c.w("unknown")
	if it.AccountID != nil {
		if a, err := st.AccountByRef(ctx, strconv.FormatInt(*it.AccountID, 10)); err == nil {
			mrr := feedback.MRRBand(a.MRR.Major())
			if c.ShowMRR {
				mrr = a.MRR.String()
			}
			who = fmt.Sprintf("%s · MRR %s", escape(a.Name), mrr)
			if a.Plan != "" {
				who += fmt.Sprintf(" · %s %s", c.w("plan"), escape(a.Plan))
			}
		}
	} else if it.CompanyName != "" {
		who = escape(it.CompanyName)
	}
	title := fmt.Sprintf("*%s* · %s · %s", head, escape(it.SourceName), who)
	if it.Rating != nil {
		title += fmt.Sprintf(" · %s %s", c.w("rating"), strings.Repeat("★", int(*it.Rating))+strings.Repeat("☆", 5-int(*it.Rating)))
	}
	body := trim(it.Body, 600)
	if it.Title != "" {
		body = "*" + escape(trim(it.Title, 120)) + "*\n" + escape(body)
	} else {
		body = escape(body)
	}
	quoted := "> " + strings.ReplaceAll(body, "\n", "\n> ")
	// Where the voice stands: its request if linked, else the best suggestion; its tag.
	var state []string
	var suggested *feedback.Request
	if it.RequestID != nil {
		if r, err := st.RequestByID(ctx, *it.RequestID); err == nil {
			state = append(state, fmt.Sprintf("%s: #%d %s", c.w("request"), r.ID, escape(r.Title)))
		}
	} else if reqs, scores, err := st.Suggestions(ctx, it.ID); err == nil && len(reqs) > 0 && scores[0] >= 0.2 {
		suggested = &reqs[0]
		state = append(state, fmt.Sprintf("%s: %s (%.2f)", c.w("suggested"), escape(reqs[0].Title), scores[0]))
	} else {
		state = append(state, c.w("suggested")+": "+c.w("none"))
	}
	if it.Tag != feedback.TagNone {
		state = append(state, c.w("tag")+": "+it.Tag.Label(c.Language))
	}
	if it.URL != "" {
		state = append(state, fmt.Sprintf("<%s|%s>", escape(it.URL), c.w("source")))
	}
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, title, false, false), nil, nil),
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, quoted, false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, strings.Join(state, " · "), false, false)),
		c.buttons(it, suggested),
	}
	return rendered{text: head + ": " + trim(it.Body, 150), blocks: blocks}, nil
}

// Action ids of the buttons; a button's value is "voice id:tag" or "voice id:request id".
const (
	ActionTag  = "koe_tag"
	ActionLink = "koe_link"
	ActionPick = "koe_pick" // value: the voice id; opens a modal to pick any request
)

// buttons tag the voice, or link it to the suggested request; the chosen tag is shown pressed.
func (c Config) buttons(it feedback.Item, suggested *feedback.Request) slack.Block {
	var els []slack.BlockElement
	for _, tag := range feedback.Tags {
		b := slack.NewButtonBlockElement(ActionTag+"_"+string(tag), fmt.Sprintf("%d:%s", it.ID, tag),
			slack.NewTextBlockObject(slack.PlainTextType, tag.Label(c.Language), false, false))
		if it.Tag == tag {
			b = b.WithStyle(slack.StylePrimary)
		}
		els = append(els, b)
	}
	if suggested != nil {
		els = append(els, slack.NewButtonBlockElement(ActionLink, fmt.Sprintf("%d:%d", it.ID, suggested.ID),
			slack.NewTextBlockObject(slack.PlainTextType, trim(c.w("link")+": "+suggested.Title, 70), false, false)))
	}
	els = append(els, slack.NewButtonBlockElement(ActionPick, strconv.FormatInt(it.ID, 10),
		slack.NewTextBlockObject(slack.PlainTextType, c.w("pick"), false, false)))
	return slack.NewActionBlock(fmt.Sprintf("koe_voice_%d", it.ID), els...)
}

func subjectID(subject map[string]any) (int64, error) {
	switch v := subject["feedback_id"].(type) {
	case float64:
		return int64(v), nil
	case int64:
		return v, nil
	}
	return 0, fmt.Errorf("slackbot: message without a voice")
}

func num(m map[string]any, key string) float64 { f, _ := m[key].(float64); return f }

func str(m map[string]any, key string) string { s, _ := m[key].(string); return s }

// requestLine is one request in a list: its title (linked to the backlog), what is at stake, and
// how many accounts ask.
func (c Config) requestLine(r map[string]any) string {
	title := escape(str(r, "title"))
	if c.BaseURL != "" {
		title = fmt.Sprintf("<%s/app/requests/%d|%s>", c.BaseURL, int64(num(r, "request_id")), title)
	}
	return fmt.Sprintf("%s — %s %s · %d %s", title, feedback.Yen(num(r, "score")), c.w("at_stake"), int(num(r, "accounts")), c.w("accounts"))
}

func (c Config) renderRequest(row *store.OutboxRow) rendered {
	head := c.w("notable_request")
	if row.Kind == KindRequestUpdate {
		head = c.w("update")
	}
	line := c.requestLine(row.Subject)
	if st := str(row.Subject, "status"); st != "" {
		line += fmt.Sprintf(" · %s: %s", c.w("status"), st)
	}
	text := fmt.Sprintf("*%s*: %s", head, line)
	return rendered{text: head + ": " + str(row.Subject, "title"), blocks: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil),
	}}
}

func (c Config) renderDigest(row *store.OutboxRow) rendered {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*\n", c.w("digest"))
	top, _ := row.Subject["top"].([]any)
	for i, t := range top {
		if m, ok := t.(map[string]any); ok {
			fmt.Fprintf(&b, "%d. %s\n", i+1, c.requestLine(m))
		}
	}
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, b.String(), false, false), nil, nil)}
	if movers, _ := row.Subject["movers"].([]any); len(movers) > 0 {
		b.Reset()
		fmt.Fprintf(&b, "*%s*\n", c.w("movers"))
		for _, t := range movers {
			if m, ok := t.(map[string]any); ok {
				fmt.Fprintf(&b, "• %s (+%s)\n", escape(str(m, "title")), feedback.Yen(num(m, "delta")))
			}
		}
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, b.String(), false, false), nil, nil))
	}
	if c.BaseURL != "" {
		blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType,
			fmt.Sprintf("<%s/app/requests|%s>", c.BaseURL, c.w("backlog")), false, false)))
	}
	return rendered{text: c.w("digest"), blocks: blocks}
}

// renderShipped tells the CS team a request has shipped and lists the accounts that asked for
// it, biggest first, to follow up with.
func (c Config) renderShipped(row *store.OutboxRow) rendered {
	title := escape(str(row.Subject, "title"))
	if c.BaseURL != "" {
		title = fmt.Sprintf("<%s/app/requests/%d|%s>", c.BaseURL, int64(num(row.Subject, "request_id")), title)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "✅ *%s*: %s\n", c.w("shipped"), title)
	accounts, _ := row.Subject["accounts"].([]any)
	if len(accounts) == 0 {
		fmt.Fprintf(&b, "_%s_", c.w("no_accounts"))
	} else {
		fmt.Fprintf(&b, "*%s* (%d)\n", c.w("follow_up"), len(accounts))
	}
	const most = 30
	for i, a := range accounts {
		m, ok := a.(map[string]any)
		if !ok {
			continue
		}
		if i == most {
			fmt.Fprintf(&b, "… +%d\n", len(accounts)-most)
			break
		}
		mrr := feedback.Money{Minor: int64(num(m, "mrr_minor")), Currency: str(m, "currency")}
		shown := feedback.MRRBand(mrr.Major())
		if c.ShowMRR {
			shown = mrr.String()
		}
		fmt.Fprintf(&b, "• %s · MRR %s", escape(str(m, "name")), shown)
		if p := str(m, "plan"); p != "" {
			fmt.Fprintf(&b, " · %s", escape(p))
		}
		b.WriteString("\n")
	}
	if n := int(num(row.Subject, "subscribers")); n > 0 {
		fmt.Fprintf(&b, "📧 %d %s", n, c.w("subscribers"))
	}
	return rendered{text: c.w("shipped") + ": " + str(row.Subject, "title"), blocks: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, b.String(), false, false), nil, nil),
	}}
}
