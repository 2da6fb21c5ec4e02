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

// Store is what the bot reads to render a message.
type Store interface {
	FeedbackByID(ctx context.Context, id int64) (feedback.Item, error)
	AccountByRef(ctx context.Context, ref string) (feedback.Account, error)
	Suggestions(ctx context.Context, feedbackID int64) ([]feedback.Request, []float64, error)
	RequestByID(ctx context.Context, id int64) (feedback.Request, error)
}

// rendered is a message ready for chat.postMessage.
type rendered struct {
	text   string // the fallback text notifications show
	blocks []slack.Block
}

var words = map[string]map[string]string{
	"ja": {"voice": "お客様の声", "review": "レビュー", "account": "アカウント", "unknown": "不明なアカウント", "plan": "プラン",
		"suggested": "関連しそうなリクエスト", "none": "該当なし（新しいリクエスト？）", "open": "Koeで開く", "source": "元の場所",
		"summary": "件の注目レビュー", "rating": "評価", "tag": "タグ", "request": "リクエスト", "link": "このリクエストに紐付け",
		"churn_risk": "解約リスク", "expansion": "拡大", "usability": "使いやすさ", "internal_efficiency": "社内効率"},
	"en": {"voice": "Customer voice", "review": "Review", "account": "Account", "unknown": "Unknown account", "plan": "Plan",
		"suggested": "Likely request", "none": "none (a new request?)", "open": "Open in Koe", "source": "Source",
		"summary": "notable reviews", "rating": "Rating", "tag": "Tag", "request": "Request", "link": "Link to this request",
		"churn_risk": "Churn risk", "expansion": "Expansion", "usability": "Usability", "internal_efficiency": "Internal efficiency"},
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
func (c Config) render(ctx context.Context, st Store, row *store.OutboxRow) (rendered, error) {
	if row.Kind == KindReviewSummary {
		n, _ := row.Subject["count"].(float64)
		text := fmt.Sprintf("%d %s", int(n), c.w("summary"))
		return rendered{text: text, blocks: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*"+text+"*", false, false), nil, nil),
		}}, nil
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
	if it.SourceKind == feedback.SourceReview {
		head = c.w("review")
	}
	who := c.w("unknown")
	if it.AccountID != nil {
		if a, err := st.AccountByRef(ctx, strconv.FormatInt(*it.AccountID, 10)); err == nil {
			mrr := feedback.MRRBand(a.MRR.Major())
			if c.ShowMRR {
				mrr = a.MRR.String()
			}
			who = fmt.Sprintf("%s · MRR %s · %s %s", escape(a.Name), mrr, c.w("plan"), escape(a.Plan))
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
		state = append(state, c.w("tag")+": "+c.w(string(it.Tag)))
	}
	if c.BaseURL != "" {
		state = append(state, fmt.Sprintf("<%s/app/feedback/%d|%s>", c.BaseURL, it.ID, c.w("open")))
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
)

// buttons tag the voice, or link it to the suggested request; the chosen tag is shown pressed.
func (c Config) buttons(it feedback.Item, suggested *feedback.Request) slack.Block {
	var els []slack.BlockElement
	for _, tag := range feedback.Tags {
		b := slack.NewButtonBlockElement(ActionTag+"_"+string(tag), fmt.Sprintf("%d:%s", it.ID, tag),
			slack.NewTextBlockObject(slack.PlainTextType, c.w(string(tag)), false, false))
		if it.Tag == tag {
			b = b.WithStyle(slack.StylePrimary)
		}
		els = append(els, b)
	}
	if suggested != nil {
		els = append(els, slack.NewButtonBlockElement(ActionLink, fmt.Sprintf("%d:%d", it.ID, suggested.ID),
			slack.NewTextBlockObject(slack.PlainTextType, trim(c.w("link")+": "+suggested.Title, 70), false, false)))
	}
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
