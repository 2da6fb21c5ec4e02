package slackbot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/reviews"
	"github.com/koehq/koe/store"
)

// ActionReply is the Reply button on a review; its value is the review's voice id. It opens a
// modal with the draft (or the template) to edit and send.
const ActionReply = "koe_reply"

// The reply modal.
const (
	replyCallback = "koe_review_reply"
	replyBlock    = "koe_reply"
	replyInput    = "koe_reply_text"
)

// replyButton is the Reply button of a review's message.
func (c Config) replyButton(it feedback.Item) slack.BlockElement {
	return slack.NewButtonBlockElement(ActionReply, strconv.FormatInt(it.ID, 10),
		slack.NewTextBlockObject(slack.PlainTextType, c.printer().T("slack.reply_button"), false, false))
}

// replyService is the one way Slack writes and sends replies, as the dashboard does.
func (h *Interactions) replyService() *reviews.Service {
	rep := h.Replies
	if rep == nil {
		rep = func(string) (replies.Replier, error) { return nil, replies.ErrNoReplyAPI }
	}
	return &reviews.Service{Store: h.Store, Repliers: rep, App: h.App}
}

// replier is the Koe user behind a Slack user if they may reply to reviews (cs, admin), with
// the catalog in their language. An error's text is for the Slack user, as written.
func (h *Interactions) replier(ctx context.Context, client *slack.Client, slackUser string) (actor string, p locale.Printer, err error) {
	ku, email, err := h.koeUser(ctx, client, slackUser)
	if err != nil && email == "" {
		return "", h.printer(), err
	}
	p = h.printerOf(ku)
	if err != nil || (ku.Role != feedback.RoleAdmin && ku.Role != feedback.RoleCS) {
		return "", p, errors.New(p.T("slack.reply_not_allowed", "Email", email))
	}
	return "slack:" + email, p, nil
}

// openReply opens the reply modal of a review, in p's language: the review, and its draft (or
// the best template, filled in) to edit; the store's limit when it has a reply API, else the
// way to answer on the site. Nothing is sent until the person submits.
func (h *Interactions) openReply(ctx context.Context, client *slack.Client, cb *slack.InteractionCallback, id int64, p locale.Printer) error {
	svc := h.replyService()
	rv, err := h.Store.Review(ctx, id)
	if err != nil {
		return err
	}
	templates, err := h.Store.ReplyTemplates(ctx)
	if err != nil {
		return err
	}
	max, api, err := svc.Limit(rv.SourceName)
	if err != nil {
		return err
	}
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	quote := trim(rv.Body, 500)
	if rv.Title != "" {
		quote = "*" + escape(trim(rv.Title, 120)) + "*\n" + escape(quote)
	} else {
		quote = escape(quote)
	}
	head := escape(rv.SourceName)
	if s := starsOf(rv.Rating); s != "" {
		head += " · " + s
	}
	input := slack.NewPlainTextInputBlockElement(plain(p.T("slack.reply_placeholder")), replyInput)
	input.Multiline = true
	input.InitialValue = svc.Start(rv, templates)
	hint, submit := p.T("slack.reply_no_api"), p.T("slack.reply_save")
	if api {
		input.MaxLength = max
		hint, submit = p.T("slack.reply_limit", "Max", max), p.T("slack.reply_send")
	}
	if rv.Reply.State == store.ReplyFailed {
		hint = p.T("slack.reply_failed", "Error", rv.Reply.StoreError) + "\n" + hint
	}
	in := slack.NewInputBlock(replyBlock, plain(p.T("slack.reply_label")), plain(trim(hint, 2000)), input)
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, head+"\n> "+strings.ReplaceAll(quote, "\n", "\n> "), false, false), nil, nil),
		in,
	}
	if rv.URL != "" {
		blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType,
			fmt.Sprintf("<%s|%s>", linkURL(rv.URL), p.T("slack.source_link")), false, false)))
	}
	view := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: replyCallback, Title: plain(trim(p.T("slack.reply_title"), 24)),
		Submit: plain(trim(submit, 24)), Close: plain(trim(p.T("slack.pick_cancel"), 24)),
		PrivateMetadata: fmt.Sprintf("%d:%s:%s", id, cb.Channel.ID, cb.Container.MessageTs),
		Blocks:          slack.Blocks{BlockSet: blocks}}
	_, err = client.OpenViewContext(ctx, cb.TriggerID, view)
	return err
}

// submitReply saves the modal's text as the review's draft and sends it (a site without a reply
// API keeps the draft), as the Slack user's Koe user when their role allows. What it returns, if
// anything, is shown in the modal against the text.
func (h *Interactions) submitReply(ctx context.Context, cb *slack.InteractionCallback) map[string]string {
	fail := func(msg string) map[string]string { return map[string]string{replyBlock: msg} }
	p := h.printer()
	parts := strings.SplitN(cb.View.PrivateMetadata, ":", 3)
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if len(parts) != 3 || err != nil {
		return fail(p.T("slack.stale_form"))
	}
	var text string
	if v := cb.View.State; v != nil && v.Values[replyBlock] != nil {
		text = v.Values[replyBlock][replyInput].Value
	}
	client := h.client()
	actor, p, err := h.replier(ctx, client, cb.User.ID)
	if err != nil {
		return fail(err.Error())
	}
	svc := h.replyService()
	if err := svc.Draft(ctx, id, text, actor); err != nil {
		return fail(replyRefusal(p, err))
	}
	done := p.T("slack.reply_saved")
	err = svc.Send(ctx, id, text, actor)
	switch {
	case errors.Is(err, replies.ErrNoReplyAPI): // kept as a draft: answered on the site
	case err != nil:
		return fail(replyRefusal(p, err))
	default:
		done = p.T("slack.reply_sent")
	}
	h.update(ctx, client, parts[1], parts[2], id, fmt.Sprintf("<@%s> · %s", cb.User.ID, done))
	return nil
}

// replyRefusal says why a reply was not taken, in p's words.
func replyRefusal(p locale.Printer, err error) string {
	var tooLong *reviews.TooLongError
	switch {
	case errors.As(err, &tooLong):
		return p.T("slack.reply_too_long", "Len", tooLong.Len, "Max", tooLong.Max)
	case errors.Is(err, store.ErrReplyInFlight):
		return p.T("slack.reply_in_flight")
	case errors.Is(err, reviews.ErrEmpty):
		return p.T("slack.reply_empty")
	}
	return p.T("slack.failed", "Error", err.Error())
}

// starsOf shows a rating as five stars; "" without one.
func starsOf(r *float64) string {
	if r == nil || *r <= 0 {
		return ""
	}
	n := min(max(int(*r+0.5), 0), 5)
	return strings.Repeat("★", n) + strings.Repeat("☆", 5-n)
}

// reviewsWaiting is the digest's count of the review queue: how many reviews wait for an
// answer, how many of them for over a week, and the oldest one's age in days.
func reviewsWaiting(ctx context.Context, st *store.DB, now time.Time) (map[string]any, error) {
	b, err := st.UnansweredReviews(ctx, now.Add(-7*24*time.Hour))
	if err != nil {
		return nil, err
	}
	days := 0
	if b.Oldest != nil {
		days = int(now.Sub(*b.Oldest) / (24 * time.Hour))
	}
	return map[string]any{"open": b.Open, "late": b.Late, "oldest_days": days}, nil
}

// reviewsBlock is the digest's line on the review queue, with the way to it.
func (c Config) reviewsBlock(rv map[string]any) slack.Block {
	p := c.printer()
	text := p.T("slack.digest_reviews_none")
	if n := int(num(rv, "open")); n > 0 {
		text = p.T("slack.digest_reviews", "Count", n, "Days", int(num(rv, "oldest_days")), "Late", int(num(rv, "late")))
	}
	if c.BaseURL != "" {
		text += fmt.Sprintf(" · <%s/app/reviews?state=open|%s>", linkURL(c.BaseURL), p.T("slack.digest_reviews_open"))
	}
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

// pressReply answers the Reply button: the modal for a person who may reply, else a word to
// them alone (returned, and sent ephemerally).
func (h *Interactions) pressReply(ctx context.Context, client *slack.Client, cb *slack.InteractionCallback, value string) string {
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return h.printer().T("slack.stale_button")
	}
	_, p, err := h.replier(ctx, client, cb.User.ID)
	if err != nil {
		return err.Error()
	}
	if err := h.openReply(ctx, client, cb, id, p); err != nil {
		h.log().Warn("slack reply modal", "review", id, "err", err)
		return p.T("slack.failed", "Error", err.Error())
	}
	return ""
}
