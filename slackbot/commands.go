package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest"
	"github.com/koehq/koe/intake"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/triage"
)

// CaptureCallback is the callback id of the "Send to Koe" message shortcut.
const CaptureCallback = "koe_capture"

// koeUser is the Koe user behind a Slack user, found by their Slack email. An error's text is
// for the Slack user, as written, in the bot's language (Koe does not know theirs yet).
func (h *Interactions) koeUser(ctx context.Context, client *slack.Client, slackUser string) (feedback.User, string, error) {
	p := h.printer()
	u, err := client.GetUserInfoContext(ctx, slackUser)
	if err != nil {
		return feedback.User{}, "", errors.New(p.T("slack.lookup_failed", "Error", err.Error()))
	}
	email := u.Profile.Email
	if email == "" {
		return feedback.User{}, "", errors.New(p.T("slack.no_email"))
	}
	ku, err := h.Store.UserByEmail(ctx, email)
	if err != nil {
		return feedback.User{}, email, errors.New(p.T("slack.not_user", "Email", email))
	}
	return ku, email, nil
}

// capture saves the message a shortcut was used on as a voice, its author matched to an account
// by their email like any other voice. The same message sent twice is one voice.
func (h *Interactions) capture(ctx context.Context, cb *slack.InteractionCallback) string {
	if h.Intake == nil {
		return h.printer().T("slack.capture_off")
	}
	client := h.client()
	_, tr, err := h.triager(ctx, client, cb.User.ID)
	if err != nil {
		return err.Error()
	}
	m := cb.Message
	it := feedback.Item{SourceKind: feedback.SourceSlack, SourceName: "slack", SourceID: cb.Channel.ID + ":" + m.Timestamp,
		ReceivedAt: slackTime(m.Timestamp), Body: m.Text, AuthorName: m.Username}
	if m.User != "" {
		if author, err := client.GetUserInfoContext(ctx, m.User); err == nil {
			it.AuthorEmail, it.AuthorName = author.Profile.Email, author.RealName
		}
	}
	if link, err := client.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: cb.Channel.ID, Ts: m.Timestamp}); err == nil {
		it.URL = link
	}
	var problem string
	c, err := h.Intake.Ingest(ctx, oneRecord{it}, intake.Run{SourceType: "slack", Problem: func(pr ingest.Problem) { problem = pr.Why }})
	switch {
	case err != nil && !errors.Is(err, ingest.ErrAllFailed): // the voice's own failure is its problem, below
		return tr.T("slack.capture_failed", "Error", err.Error())
	case c.New == 1:
		return tr.T("slack.captured")
	case problem != "":
		return tr.T("slack.capture_refused", "Problem", problem)
	}
	return tr.T("slack.captured_already")
}

func slackTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Now()
	}
	us, _ := strconv.ParseInt(frac, 10, 64)
	return time.Unix(s, us*1000)
}

// oneRecord is a source of one voice.
type oneRecord struct{ it feedback.Item }

func (o oneRecord) Kind() feedback.SourceKind { return o.it.SourceKind }
func (o oneRecord) Name() string              { return o.it.SourceName }
func (o oneRecord) Pull(_ context.Context, _ string, emit func(ingest.Batch) error) error {
	return emit(ingest.Batch{Records: []ingest.Record{{Item: o.it, Where: "slack message " + o.it.SourceID}}})
}

// Command answers /koe: top, search WORDS, request ID. Any Koe user may ask; the answer shows
// internal figures, so it goes only to them, in their language.
func (h *Interactions) Command(ctx context.Context, cmd slack.SlashCommand) string {
	if h.Backlog == nil {
		return h.printer().T("slack.command_off")
	}
	ku, _, err := h.koeUser(ctx, h.client(), cmd.UserID)
	if err != nil {
		return err.Error()
	}
	p := h.printerOf(ku)
	verb, rest, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
	rest = strings.TrimSpace(rest)
	usage := p.T("slack.usage")
	switch verb {
	case "top":
		ranked, err := h.rank(ctx)
		if err != nil {
			return p.T("slack.failed", "Error", err.Error())
		}
		if len(ranked) == 0 {
			return p.T("slack.no_open_requests")
		}
		var b strings.Builder
		for i, r := range ranked[:min(5, len(ranked))] {
			fmt.Fprintf(&b, "%d. #%d %s — %s\n", i+1, r.RequestID, escape(r.Title), h.Config.Defaults().stakes(p, r.Score, r.Accounts))
		}
		return b.String()
	case "search":
		if rest == "" {
			return usage
		}
		s, err := triage.Suggester(ctx, h.Backlog)
		if err != nil {
			return p.T("slack.failed", "Error", err.Error())
		}
		var b strings.Builder
		for _, sg := range s.Suggest(rest, 5) {
			if sg.Score < 0.05 {
				continue
			}
			id, _ := strconv.ParseInt(sg.RequestID, 10, 64)
			if r, err := h.Store.RequestByID(ctx, id); err == nil {
				fmt.Fprintf(&b, "#%d %s (%.2f)\n", r.ID, escape(r.Title), sg.Score)
			}
		}
		if b.Len() == 0 {
			return p.T("slack.no_match", "Words", escape(rest))
		}
		return b.String()
	case "request":
		id, err := strconv.ParseInt(strings.TrimPrefix(rest, "#"), 10, 64)
		if err != nil {
			return usage
		}
		r, err := h.Store.RequestByID(ctx, id)
		if err != nil {
			return p.T("slack.failed", "Error", err.Error())
		}
		line := fmt.Sprintf("#%d %s · %s", r.ID, escape(r.Title), p.T("slack.status", "Status", p.Label("status", string(r.Status))))
		if ranked, err := h.rank(ctx); err == nil {
			for _, x := range ranked {
				if x.RequestID == r.ID {
					line += " · " + p.T("slack.rank", "Stakes", h.Config.Defaults().stakes(p, x.Score, x.Accounts), "Rank", x.Rank)
				}
			}
		}
		return line
	}
	return usage
}

// rank is the backlog of open requests.
func (h *Interactions) rank(ctx context.Context) ([]scoring.Ranked, error) {
	w, err := triage.Weights(ctx, h.Backlog)
	if err != nil {
		return nil, err
	}
	b, err := triage.Rank(ctx, h.Backlog, triage.Query{Currency: h.Config.Defaults().Currency}, w, time.Now(), 0)
	return b.Requests, err
}

// Commands answers slash commands at Koe's HTTP endpoint, verified like the buttons. An answer
// ready within two seconds comes back in the response; a slower one says it is working and
// follows through the response_url.
func (h *Interactions) Commands() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := h.verified(w, r)
		if !ok {
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		cmd := slack.SlashCommand{Command: form.Get("command"), Text: form.Get("text"), UserID: form.Get("user_id"),
			ChannelID: form.Get("channel_id"), ResponseURL: form.Get("response_url"), TeamID: form.Get("team_id")}
		answer := make(chan string, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
			defer cancel()
			answer <- h.Command(ctx, cmd)
		}()
		var text string
		select {
		case text = <-answer:
		case <-time.After(2 * time.Second):
			text = h.printer().T("slack.working")
			go func() {
				h.reply(context.Background(), cmd.ResponseURL, <-answer)
			}()
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"response_type": slack.ResponseTypeEphemeral, "text": text})
	})
}
