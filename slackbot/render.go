package slackbot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
)

// rendered is a message ready for chat.postMessage.
type rendered struct {
	text   string // the fallback text notifications show
	blocks []slack.Block
}

// printer is the catalog in the language of the bot's messages (KOE_SLACK_LANGUAGE): every word
// of a message is the catalog's; customers' words go in as arguments, escaped.
func (c Config) printer() locale.Printer { return locale.For(c.Language) }

// escape keeps customers' words from being read as Slack markup (<, >, &): every text Slack
// parses — blocks and the fallback text notifications show — takes them through it.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// linkURL is u as the target of a Slack link <u|label>: a | or > in it would end the target
// and make the rest the label (or plain text), so they, and <, are percent-encoded; & is
// escaped as Slack asks.
func linkURL(u string) string {
	return strings.NewReplacer("&", "&amp;", "|", "%7C", "<", "%3C", ">", "%3E").Replace(u)
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
	p := c.printer()
	if row.Kind == KindReviewSummary {
		n, _ := row.Subject["count"].(float64)
		text := p.T("slack.review_summary", "Count", int(n))
		return rendered{text: text, blocks: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*"+text+"*", false, false), nil, nil),
		}}, nil
	}
	switch row.Kind {
	case KindRequest, KindRequestUpdate:
		return c.renderRequest(row), nil
	case KindDigest:
		r := c.renderDigest(row)
		if rv, ok := row.Subject["reviews"].(map[string]any); ok {
			r.blocks = append(r.blocks, c.reviewsBlock(rv))
		}
		return r, nil
	case KindShipped:
		// The rates are read only for an account paying in another currency than the base.
		var rates *feedback.Rates
		return c.renderShipped(row, func() (feedback.Rates, error) {
			if rates == nil {
				r, err := st.Rates(ctx, c.Currency)
				if err != nil {
					return r, err
				}
				rates = &r
			}
			return *rates, nil
		})
	}
	id, err := subjectID(row.Subject)
	if err != nil {
		return rendered{}, err
	}
	it, err := st.FeedbackByID(ctx, id)
	if err != nil {
		return rendered{}, err
	}
	head := p.T("slack.voice_title")
	if row.Kind == KindChurn {
		head = "🚨 " + p.T("slack.churn_title")
	} else if it.SourceKind == feedback.SourceReview {
		head = p.T("slack.review_title")
	}
	who := p.T("slack.unknown_account")
	if it.AccountID != nil {
		if a, err := st.AccountByRef(ctx, strconv.FormatInt(*it.AccountID, 10)); err == nil {
			rates, err := st.Rates(ctx, c.Currency)
			if err != nil {
				return rendered{}, err
			}
			mrr := c.band(a.MRR, rates)
			who = p.T("slack.account", "Name", escape(a.Name), "MRR", mrr)
			if a.Plan != "" {
				who += " · " + p.T("slack.plan", "Plan", escape(a.Plan))
			}
		}
	} else if it.CompanyName != "" {
		who = escape(it.CompanyName)
	}
	title := fmt.Sprintf("*%s* · %s · %s", head, escape(it.SourceName), who)
	if it.Rating != nil {
		title += " · " + p.T("slack.rating", "Stars", strings.Repeat("★", int(*it.Rating))+strings.Repeat("☆", 5-int(*it.Rating)))
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
			state = append(state, p.T("slack.linked_request", "ID", r.ID, "Title", escape(r.Title)))
		}
	} else if reqs, scores, err := st.Suggestions(ctx, it.ID); err == nil && len(reqs) > 0 &&
		scoring.Calibrated(scores[0], it.Language == "ja", scoring.Japanese(reqs[0].Title)) >= scoring.NoMatchScore {
		suggested = &reqs[0]
		state = append(state, p.T("slack.suggested_request", "Title", escape(reqs[0].Title), "Score", fmt.Sprintf("%.2f", scores[0])))
	} else {
		state = append(state, p.T("slack.no_suggestion"))
	}
	if it.Tag != feedback.TagNone {
		state = append(state, p.T("slack.tag", "Tag", p.Label("tag", string(it.Tag))))
	}
	if it.SourceKind == feedback.SourceReview {
		if rv, err := st.Review(ctx, it.ID); err == nil {
			state = append(state, p.T("slack.reply_state", "State", p.Label("reply_state", string(rv.Reply.State))))
		}
	}
	if it.URL != "" {
		state = append(state, fmt.Sprintf("<%s|%s>", linkURL(it.URL), p.T("slack.source_link")))
	}
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, title, false, false), nil, nil),
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, quoted, false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, strings.Join(state, " · "), false, false)),
		c.buttons(it, suggested),
	}
	return rendered{text: p.T("slack.headline", "Head", head, "Text", escape(trim(it.Body, 150))), blocks: blocks}, nil
}

// Action ids of the buttons; a button's value is "voice id:tag" or "voice id:request id".
const (
	ActionTag  = "koe_tag"
	ActionLink = "koe_link"
	ActionPick = "koe_pick" // value: the voice id; opens a modal to pick any request
)

// buttons tag the voice, or link it to the suggested request; the chosen tag is shown pressed.
func (c Config) buttons(it feedback.Item, suggested *feedback.Request) slack.Block {
	p := c.printer()
	var els []slack.BlockElement
	for _, tag := range feedback.Tags {
		b := slack.NewButtonBlockElement(ActionTag+"_"+string(tag), fmt.Sprintf("%d:%s", it.ID, tag),
			slack.NewTextBlockObject(slack.PlainTextType, p.Label("tag", string(tag)), false, false))
		if it.Tag == tag {
			b = b.WithStyle(slack.StylePrimary)
		}
		els = append(els, b)
	}
	if suggested != nil {
		els = append(els, slack.NewButtonBlockElement(ActionLink, fmt.Sprintf("%d:%d", it.ID, suggested.ID),
			slack.NewTextBlockObject(slack.PlainTextType, trim(p.T("slack.link_button", "Title", suggested.Title), 70), false, false)))
	}
	els = append(els, slack.NewButtonBlockElement(ActionPick, strconv.FormatInt(it.ID, 10),
		slack.NewTextBlockObject(slack.PlainTextType, p.T("slack.pick_button"), false, false)))
	if it.SourceKind == feedback.SourceReview {
		els = append(els, c.replyButton(it))
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

func num(m map[string]any, key string) float64 { f, _ := m[key].(float64); return f }

func str(m map[string]any, key string) string { s, _ := m[key].(string); return s }

// requestLine is one request in a list: its title (linked to the backlog), what is at stake, and
// how many accounts ask.
func (c Config) requestLine(r map[string]any) string {
	title := escape(str(r, "title"))
	if c.BaseURL != "" {
		title = fmt.Sprintf("<%s/app/requests/%d|%s>", linkURL(c.BaseURL), int64(num(r, "request_id")), title)
	}
	return title + " — " + c.stakes(c.printer(), num(r, "score"), int(num(r, "accounts")))
}

// stakes is what a request puts at stake: revenue per year (in the base currency) and how many
// accounts ask.
func (c Config) stakes(p locale.Printer, score float64, accounts int) string {
	return p.T("slack.stakes", "Score", c.money(score), "Count", accounts)
}

// money formats an amount of the base currency's minor units.
func (c Config) money(minor float64) string {
	return feedback.Rates{Base: c.Currency}.Format(minor)
}

// band is an MRR as the channel may see it: its band in the base currency (the amount itself
// with ShowMRR), or the amount as it stands when its currency has no rate — never a band made
// of unconverted units.
func (c Config) band(m feedback.Money, rates feedback.Rates) string {
	if c.ShowMRR {
		return m.String()
	}
	if b, ok := rates.MRRBand(m); ok {
		return b
	}
	return m.String()
}

func (c Config) renderRequest(row *store.OutboxRow) rendered {
	p := c.printer()
	head := p.T("slack.notable_request")
	if row.Kind == KindRequestUpdate {
		head = p.T("slack.request_update")
	}
	line := c.requestLine(row.Subject)
	if st := str(row.Subject, "status"); st != "" {
		line += " · " + p.T("slack.status", "Status", p.Label("status", st))
	}
	text := fmt.Sprintf("*%s*: %s", head, line)
	return rendered{text: p.T("slack.headline", "Head", head, "Text", escape(str(row.Subject, "title"))), blocks: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil),
	}}
}

func (c Config) renderDigest(row *store.OutboxRow) rendered {
	p := c.printer()
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*\n", p.T("slack.digest_title"))
	top, _ := row.Subject["top"].([]any)
	for i, t := range top {
		if m, ok := t.(map[string]any); ok {
			fmt.Fprintf(&b, "%d. %s\n", i+1, c.requestLine(m))
		}
	}
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, b.String(), false, false), nil, nil)}
	if movers, _ := row.Subject["movers"].([]any); len(movers) > 0 {
		b.Reset()
		fmt.Fprintf(&b, "*%s*\n", p.T("slack.movers_title"))
		for _, t := range movers {
			if m, ok := t.(map[string]any); ok {
				fmt.Fprintf(&b, "• %s (+%s)\n", escape(str(m, "title")), c.money(num(m, "delta")))
			}
		}
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, b.String(), false, false), nil, nil))
	}
	if c.BaseURL != "" {
		blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType,
			fmt.Sprintf("<%s/app/requests|%s>", linkURL(c.BaseURL), p.T("slack.open_backlog")), false, false)))
	}
	return rendered{text: p.T("slack.digest_title"), blocks: blocks}
}

// renderShipped tells the CS team a request has shipped and lists the accounts that asked for
// it, biggest first, to follow up with.
func (c Config) renderShipped(row *store.OutboxRow, rates func() (feedback.Rates, error)) (rendered, error) {
	p := c.printer()
	title := escape(str(row.Subject, "title"))
	if c.BaseURL != "" {
		title = fmt.Sprintf("<%s/app/requests/%d|%s>", linkURL(c.BaseURL), int64(num(row.Subject, "request_id")), title)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "✅ *%s*: %s\n", p.T("slack.shipped_title"), title)
	accounts, _ := row.Subject["accounts"].([]any)
	if len(accounts) == 0 {
		fmt.Fprintf(&b, "_%s_", p.T("slack.no_accounts"))
	} else {
		fmt.Fprintf(&b, "*%s* (%d)\n", p.T("slack.follow_up"), len(accounts))
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
		r := feedback.Rates{Base: c.Currency}
		if mrr.Currency != c.Currency && !c.ShowMRR {
			var err error
			if r, err = rates(); err != nil {
				return rendered{}, err
			}
		}
		shown := c.band(mrr, r)
		b.WriteString("• " + p.T("slack.account", "Name", escape(str(m, "name")), "MRR", shown))
		if plan := str(m, "plan"); plan != "" {
			fmt.Fprintf(&b, " · %s", escape(plan))
		}
		b.WriteString("\n")
	}
	if n := int(num(row.Subject, "subscribers")); n > 0 {
		b.WriteString("📧 " + p.T("slack.subscribers", "Count", n))
	}
	return rendered{text: p.T("slack.headline", "Head", p.T("slack.shipped_title"), "Text", escape(str(row.Subject, "title"))), blocks: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, b.String(), false, false), nil, nil),
	}}, nil
}
