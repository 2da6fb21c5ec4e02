package slackbot

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Scopes the bot needs: to post; to read a channel's history when it must find out whether Slack
// took a message before a failure; to see who pressed a button (their email maps them to Koe);
// for the "Send to Koe" shortcut and /koe.
var Scopes = []string{"chat:write", "channels:history", "groups:history", "channels:read", "users:read", "users:read.email", "commands"}

// Finding is one line of `koe slack check`.
type Finding struct {
	OK   bool
	What string
}

// scopeRecorder keeps the X-OAuth-Scopes header Slack sends with every Web API answer.
type scopeRecorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	scopes string
}

func (s *scopeRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	if err == nil {
		if v := resp.Header.Get("X-OAuth-Scopes"); v != "" {
			s.mu.Lock()
			s.scopes = v
			s.mu.Unlock()
		}
	}
	return resp, err
}

// Check verifies the token, its scopes and that the bot is in each configured channel, and says
// what is missing and how to fix it.
func Check(ctx context.Context, c Config) []Finding {
	if c.BotToken == "" {
		return []Finding{{false, "SLACK_BOT_TOKEN is not set: create a Slack app, install it to the workspace and set its bot token (xoxb-…); until then voices wait in the outbox"}}
	}
	rec := &scopeRecorder{next: http.DefaultTransport}
	client := c.client(&http.Client{Timeout: 15 * time.Second, Transport: rec})
	var out []Finding
	auth, err := client.AuthTestContext(ctx)
	if err != nil {
		return append(out, Finding{false, fmt.Sprintf("SLACK_BOT_TOKEN is refused (%v): copy the bot token again from the app's OAuth & Permissions page", err)})
	}
	out = append(out, Finding{true, fmt.Sprintf("token works: bot %s in workspace %s (%s)", auth.User, auth.Team, auth.URL)})
	if rec.scopes != "" {
		have := strings.Split(strings.ReplaceAll(rec.scopes, " ", ""), ",")
		var missing []string
		for _, s := range Scopes {
			if !slices.Contains(have, s) {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			out = append(out, Finding{false, fmt.Sprintf("the token lacks the scopes %s: add them under OAuth & Permissions and reinstall the app", strings.Join(missing, ", "))})
		} else {
			out = append(out, Finding{true, "scopes: " + strings.Join(Scopes, ", ")})
		}
	}
	// Every channel a kind of message goes to, named by the variable that sets it (c.channel).
	for _, k := range []struct{ kind, what string }{
		{KindVoice, "chat voices"}, {KindReview, "notable reviews"},
		{KindRequest, "notable requests, churn risks from big accounts and shipped requests"}, {KindDigest, "the weekly digest"},
	} {
		id, variable := c.channel(k.kind)
		ch := struct{ id, variable, kind string }{id, variable, k.what}
		if ch.id == "" {
			out = append(out, Finding{false, fmt.Sprintf("%s is not set: %s wait in the outbox", ch.variable, ch.kind)})
			continue
		}
		info, err := client.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: ch.id})
		switch {
		case err != nil:
			out = append(out, Finding{false, fmt.Sprintf("%s=%s: %v — use the channel's id (C…, from its details), not its name", ch.variable, ch.id, err)})
		case !info.IsMember:
			out = append(out, Finding{false, fmt.Sprintf("%s=%s (#%s): the bot is not a member — invite it with /invite @%s in the channel", ch.variable, ch.id, info.Name, auth.User)})
		default:
			out = append(out, Finding{true, fmt.Sprintf("%s: #%s, the bot is a member", ch.variable, info.Name)})
		}
	}
	return out
}
