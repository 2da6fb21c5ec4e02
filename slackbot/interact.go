package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/reviews"
	"github.com/koehq/koe/store"
)

// Interactions answers Slack's interactivity requests (the buttons on a voice) at Koe's HTTP
// endpoint: each request is verified with the signing secret over the raw body, within Slack's
// five-minute window, before anything in it is read. Only workspace members whose Slack email
// belongs to a Koe user with the cs, po or admin role may tag or link; the message is then
// rendered again from the stored voice, with who did it.
type Interactions struct {
	Store *store.DB
	// Backlog, when set, serves /koe.
	Backlog       *store.DB
	Config        Config
	SigningSecret string
	Log           *slog.Logger
	HTTP          *http.Client
	// Intake, when set, stores the messages the "Send to Koe" shortcut captures.
	Intake *intake.Service
	// Replies finds the Replier of a review's source (nil: every site is answered by hand); App
	// fills the {app} placeholder of reply templates.
	Replies reviews.Repliers
	App     string
}

func (h *Interactions) client() *slack.Client { return h.Config.client(h.httpClient()) }

// printer is the catalog in the bot's language, for people Koe does not know yet.
func (h *Interactions) printer() locale.Printer { return h.Config.Defaults().printer() }

// printerOf is the catalog in a Koe user's language when they chose one, else the bot's.
func (h *Interactions) printerOf(u feedback.User) locale.Printer {
	if locale.Supported(u.Locale) {
		return locale.For(u.Locale)
	}
	return h.printer()
}

func (h *Interactions) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}

// replayWindow is how long a signature is remembered: Slack's timestamp may be five minutes
// behind or ahead of our clock, so a captured request verifies for ten.
const replayWindow = 10 * time.Minute

// verified reads the body of a request from Slack and checks its signature, answering 401 (and
// false) when it is not Slack's.
func (h *Interactions) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	sv, err := slack.NewSecretsVerifier(r.Header, h.SigningSecret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		h.log().Warn("slack request refused", "err", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	// A signature is good for as long as Slack's timestamp is (five minutes either way): one
	// seen before is a replay of a captured request, refused on every replica.
	first, err := h.Store.FirstSlackRequest(r.Context(), r.Header.Get("X-Slack-Signature"), replayWindow)
	if err != nil {
		h.log().Error("slack request replay check", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return nil, false
	}
	if !first {
		h.log().Warn("slack request refused: replayed", "remote", r.RemoteAddr)
		http.Error(w, "replayed request", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

func (h *Interactions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := h.verified(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	var cb slack.InteractionCallback
	if err == nil {
		err = json.Unmarshal([]byte(form.Get("payload")), &cb)
	}
	if err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	// Slack wants an answer within 3 seconds; the work is a few queries and one API call.
	ctx, cancel := context.WithTimeout(r.Context(), 2500*time.Millisecond)
	defer cancel()
	if cb.Type == slack.InteractionTypeViewSubmission {
		if errs := h.Submit(ctx, &cb); errs != nil {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"response_action": "errors", "errors": errs})
			return
		}
		w.WriteHeader(http.StatusOK) // an empty 200 closes the modal
		return
	}
	h.Handle(ctx, &cb)
	w.WriteHeader(http.StatusOK) // also for what is not ours to handle: Slack wants a 200
}

// Handle does what an interaction asks, however it came (HTTP or Socket Mode).
func (h *Interactions) Handle(ctx context.Context, cb *slack.InteractionCallback) {
	var msg string
	switch {
	case cb.Type == slack.InteractionTypeBlockActions:
		msg = h.act(ctx, cb)
	case cb.Type == slack.InteractionTypeMessageAction && cb.CallbackID == CaptureCallback:
		msg = h.capture(ctx, cb)
	}
	if msg != "" {
		h.reply(ctx, cb.ResponseURL, msg)
	}
}

// act does what the button says and returns what to tell the person, if anything: in their
// language once Koe knows who they are.
func (h *Interactions) act(ctx context.Context, cb *slack.InteractionCallback) string {
	p := h.printer()
	client := h.client()
	for _, a := range cb.ActionCallback.BlockActions {
		if a.ActionID == ActionReply {
			return h.pressReply(ctx, client, cb, a.Value)
		}
		if !strings.HasPrefix(a.ActionID, ActionTag) && a.ActionID != ActionLink && a.ActionID != ActionPick {
			continue
		}
		id, arg, _ := strings.Cut(a.Value, ":")
		voice, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return p.T("slack.stale_button")
		}
		who, up, err := h.triager(ctx, client, cb.User.ID)
		if err != nil {
			return err.Error()
		}
		p = up
		switch {
		case a.ActionID == ActionPick:
			err = h.pick(ctx, client, cb, voice, p)
		case strings.HasPrefix(a.ActionID, ActionTag):
			err = h.Store.TagFeedback(ctx, voice, feedback.Tag(arg), who)
		default:
			req, perr := strconv.ParseInt(arg, 10, 64)
			if perr != nil {
				return p.T("slack.stale_button")
			}
			err = h.Store.LinkFeedback(ctx, voice, req, who)
		}
		if errors.Is(err, errNoRequests) {
			return p.T("slack.no_requests")
		}
		if err != nil {
			h.log().Warn("slack action failed", "action", a.ActionID, "voice", voice, "err", err)
			return p.T("slack.failed", "Error", err.Error())
		}
		if a.ActionID != ActionPick {
			h.update(ctx, client, cb.Channel.ID, cb.Container.MessageTs, voice, fmt.Sprintf("<@%s> · %s", cb.User.ID, a.Text.Text))
		}
	}
	return ""
}

// update renders a voice's message again from the stored voice, with what was just done.
func (h *Interactions) update(ctx context.Context, client *slack.Client, channel, ts string, voice int64, done string) {
	msg, err := h.Config.Defaults().render(ctx, h.Store, &store.OutboxRow{Kind: KindVoice, Subject: map[string]any{"feedback_id": voice}})
	if err != nil {
		h.log().Warn("slack message not rendered", "voice", voice, "err", err)
		return
	}
	blocks := append(msg.blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, done, false, false)))
	if _, _, _, err := client.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(msg.text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		h.log().Warn("slack message not updated", "err", err) // the change is stored; the message catches up on the next press
	}
}

// The modal to pick a request for a voice.
const (
	pickCallback = "koe_pick_request"
	pickBlock    = "koe_request"
	pickSelect   = "koe_request_select"
)

// errNoRequests: there is nothing to pick from yet.
var errNoRequests = errors.New("slackbot: no requests yet")

// pick opens a modal, in p's language, listing requests (the voice's suggestions first) in a
// select Slack lets people type to search.
func (h *Interactions) pick(ctx context.Context, client *slack.Client, cb *slack.InteractionCallback, voice int64, p locale.Printer) error {
	var opts []*slack.OptionBlockObject
	seen := map[int64]bool{}
	add := func(r feedback.Request) {
		if len(opts) < 100 && !seen[r.ID] {
			seen[r.ID] = true
			opts = append(opts, slack.NewOptionBlockObject(strconv.FormatInt(r.ID, 10),
				slack.NewTextBlockObject(slack.PlainTextType, trim(fmt.Sprintf("#%d %s", r.ID, r.Title), 72), false, false), nil))
		}
	}
	if reqs, _, err := h.Store.Suggestions(ctx, voice); err == nil {
		for _, r := range reqs {
			add(r)
		}
	}
	all, err := h.Store.RankedRequests(ctx)
	if err != nil {
		return err
	}
	for _, r := range all {
		add(r)
	}
	if len(opts) == 0 {
		return errNoRequests
	}
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(p.T("slack.pick_search")), pickSelect, opts...)
	view := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: pickCallback, Title: plain(p.T("slack.pick_title")),
		Submit: plain(p.T("slack.pick_submit")), Close: plain(p.T("slack.pick_cancel")),
		PrivateMetadata: fmt.Sprintf("%d:%s:%s", voice, cb.Channel.ID, cb.Container.MessageTs),
		Blocks:          slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock(pickBlock, plain(p.T("slack.pick_label")), nil, sel)}}}
	_, err = client.OpenViewContext(ctx, cb.TriggerID, view)
	return err
}

// Submit handles the modal's submission: links the voice and updates its message. What it
// returns, if anything, is shown in the modal against the select.
func (h *Interactions) Submit(ctx context.Context, cb *slack.InteractionCallback) map[string]string {
	if cb.Type == slack.InteractionTypeViewSubmission && cb.View.CallbackID == replyCallback {
		return h.submitReply(ctx, cb)
	}
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.CallbackID != pickCallback {
		return nil
	}
	fail := func(msg string) map[string]string { return map[string]string{pickBlock: msg} }
	p := h.printer()
	parts := strings.SplitN(cb.View.PrivateMetadata, ":", 3)
	voice, err := strconv.ParseInt(parts[0], 10, 64)
	if len(parts) != 3 || err != nil {
		return fail(p.T("slack.stale_form"))
	}
	req, err := strconv.ParseInt(cb.View.State.Values[pickBlock][pickSelect].SelectedOption.Value, 10, 64)
	if err != nil {
		return fail(p.T("slack.pick_required"))
	}
	client := h.client()
	who, _, err := h.triager(ctx, client, cb.User.ID)
	if err != nil {
		return fail(err.Error())
	}
	if err := h.Store.LinkFeedback(ctx, voice, req, who); err != nil {
		return fail(err.Error())
	}
	h.update(ctx, client, parts[1], parts[2], voice, fmt.Sprintf("<@%s> · #%d", cb.User.ID, req))
	return nil
}

// triager is the Koe user behind a Slack user, if they may triage, and the catalog in their
// language. An error's text is for the Slack user, as written.
func (h *Interactions) triager(ctx context.Context, client *slack.Client, slackUser string) (store.Triager, locale.Printer, error) {
	ku, email, err := h.koeUser(ctx, client, slackUser)
	if err != nil && email == "" {
		return store.Triager{}, h.printer(), err
	}
	p := h.printerOf(ku)
	if err != nil || (ku.Role != feedback.RoleAdmin && ku.Role != feedback.RoleCS && ku.Role != feedback.RolePO) {
		return store.Triager{}, p, errors.New(p.T("slack.not_triager", "Email", email))
	}
	return store.Triager{UserID: ku.ID, Actor: "slack:" + email}, p, nil
}

// reply tells the person who pressed, and only them.
func (h *Interactions) reply(ctx context.Context, responseURL, text string) {
	if responseURL == "" {
		return
	}
	err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, h.httpClient(), &slack.WebhookMessage{Text: text, ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: false})
	if err != nil {
		h.log().Warn("slack reply failed", "err", err)
	}
}

func (h *Interactions) httpClient() *http.Client {
	if h.HTTP != nil {
		return h.HTTP
	}
	return &http.Client{Timeout: 10 * time.Second}
}
