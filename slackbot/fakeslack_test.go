package slackbot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// fakeSlack answers the Web API methods the bot uses the way Slack documents them: form-encoded
// requests with a Bearer token, {"ok": …} answers, 429 with Retry-After, conversations.history
// newest first with message metadata only when include_all_metadata is set.
type fakeSlack struct {
	mu       sync.Mutex
	token    string
	seq      int
	messages map[string][]map[string]any // channel → messages, oldest first
	// faults are taken one per chat.postMessage call: "429", "500", "accept-then-timeout",
	// "accept-then-reset", "channel_not_found", "too_many_attachments", or "" for none.
	faults []string
	delay  time.Duration
	posts  int
	// at is when each message Slack took arrived, per channel.
	at map[string][]time.Time
	// users are the workspace's members: id → email.
	users map[string]string
	// updates are chat.update calls; replies are what was posted to a response_url.
	updates []map[string]string
	replies []map[string]any
	views   []map[string]any // views.open bodies
	// Socket Mode: envelopes to send on the open websocket ("drop" closes it instead), the acks
	// read back, and how many connections were opened.
	envelopes chan map[string]any
	quit      chan struct{}
	acks      []string
	opened    int
	// scopes are sent, as Slack does, in the X-OAuth-Scopes header of every answer.
	scopes string
}

func newFakeSlack() *fakeSlack {
	return &fakeSlack{token: "xoxb-test", envelopes: make(chan map[string]any, 16), quit: make(chan struct{}), messages: map[string][]map[string]any{}, delay: 400 * time.Millisecond,
		scopes: "chat:write,channels:history,groups:history,channels:read,users:read,users:read.email,commands"}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/respond" { // a response_url: JSON, no token
		var v map[string]any
		json.NewDecoder(r.Body).Decode(&v)
		f.mu.Lock()
		f.replies = append(f.replies, v)
		f.mu.Unlock()
		w.Write([]byte("ok"))
		return
	}
	if r.URL.Path == "/ws" {
		f.socket(w, r)
		return
	}
	r.ParseForm()
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if r.URL.Path == "/api/apps.connections.open" {
		if tok != "xapp-test" {
			writeJSON(w, map[string]any{"ok": false, "error": "not_allowed_token_type"})
			return
		}
		f.mu.Lock()
		f.opened++
		f.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "url": "ws://" + r.Host + "/ws"})
		return
	}
	if tok == "" {
		tok = r.Form.Get("token")
	}
	if tok != f.token {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	f.mu.Lock()
	w.Header().Set("X-OAuth-Scopes", f.scopes)
	f.mu.Unlock()
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	switch method {
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "url": "https://koe-test.slack.com/", "team": "Koe", "user": "koe", "team_id": "T1", "user_id": "U1", "bot_id": "B1"})
	case "conversations.info":
		ch := r.Form.Get("channel")
		if !strings.HasPrefix(ch, "C") {
			writeJSON(w, map[string]any{"ok": false, "error": "channel_not_found"})
			return
		}
		writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": ch, "name": "voices", "is_channel": true, "is_member": ch != "COUTSIDE"}})
	case "users.info":
		f.mu.Lock()
		email, ok := f.users[r.Form.Get("user")]
		f.mu.Unlock()
		if !ok {
			writeJSON(w, map[string]any{"ok": false, "error": "user_not_found"})
			return
		}
		writeJSON(w, map[string]any{"ok": true, "user": map[string]any{"id": r.Form.Get("user"), "name": "someone",
			"profile": map[string]any{"email": email, "real_name": "Someone"}}})
	case "views.open": // JSON, not a form
		var v map[string]any
		json.NewDecoder(r.Body).Decode(&v)
		f.mu.Lock()
		f.views = append(f.views, v)
		f.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": "V1"}})
	case "chat.getPermalink":
		writeJSON(w, map[string]any{"ok": true, "channel": r.Form.Get("channel"),
			"permalink": "https://koe-test.slack.com/archives/" + r.Form.Get("channel") + "/p" + strings.ReplaceAll(r.Form.Get("message_ts"), ".", "")})
	case "chat.update":
		f.mu.Lock()
		f.updates = append(f.updates, map[string]string{"channel": r.Form.Get("channel"), "ts": r.Form.Get("ts"), "blocks": r.Form.Get("blocks")})
		f.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "channel": r.Form.Get("channel"), "ts": r.Form.Get("ts")})
	case "chat.postMessage":
		f.postMessage(w, r)
	case "conversations.history":
		f.history(w, r)
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (f *fakeSlack) postMessage(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.posts++
	fault := ""
	if len(f.faults) > 0 {
		fault, f.faults = f.faults[0], f.faults[1:]
	}
	switch fault {
	case "429": // as https://api.slack.com/docs/rate-limits describes it
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "ratelimited"})
		return
	case "500":
		f.mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
		return
	case "channel_not_found", "too_many_attachments":
		f.mu.Unlock()
		writeJSON(w, map[string]any{"ok": false, "error": fault})
		return
	}
	ch := r.Form.Get("channel")
	if !strings.HasPrefix(ch, "C") {
		f.mu.Unlock()
		writeJSON(w, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	f.seq++
	ts := fmt.Sprintf("1790000000.%06d", f.seq)
	// The message has the fields of the example response in https://api.slack.com/methods/chat.postMessage
	// (text, username, bot_id, type, subtype bot_message, ts; see postMessageOK), with this bot's
	// bot_id from auth.test.
	msg := map[string]any{"type": "message", "subtype": "bot_message", "ts": ts, "text": r.Form.Get("text"), "username": "Koe", "bot_id": "B1"}
	if b := r.Form.Get("blocks"); b != "" {
		var blocks any
		json.Unmarshal([]byte(b), &blocks)
		msg["blocks"] = blocks
	}
	if m := r.Form.Get("metadata"); m != "" {
		var meta any
		json.Unmarshal([]byte(m), &meta)
		msg["metadata"] = meta
	}
	if t := r.Form.Get("thread_ts"); t != "" {
		msg["thread_ts"] = t
	}
	f.messages[ch] = append(f.messages[ch], msg)
	if f.at == nil {
		f.at = map[string][]time.Time{}
	}
	f.at[ch] = append(f.at[ch], time.Now())
	f.mu.Unlock()
	switch fault {
	case "accept-then-timeout":
		time.Sleep(f.delay) // longer than the client waits: Slack has the message, the client does not know
	case "accept-then-reset":
		if hj, ok := w.(http.Hijacker); ok {
			conn, _, _ := hj.Hijack()
			conn.Close()
			return
		}
	}
	writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": ts, "message": msg})
}

func (f *fakeSlack) history(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := r.Form.Get("channel")
	withMeta := r.Form.Get("include_all_metadata") == "1"
	var out []map[string]any
	list := f.messages[ch]
	for i := len(list) - 1; i >= 0; i-- {
		if list[i]["thread_ts"] != nil {
			continue // replies live in conversations.replies, not in the channel's history
		}
		m := map[string]any{}
		for k, v := range list[i] {
			if k == "metadata" && !withMeta {
				continue
			}
			m[k] = v
		}
		out = append(out, m)
	}
	writeJSON(w, map[string]any{"ok": true, "messages": out, "has_more": false})
}

// byKey counts posted messages per dedupe key, across channels and threads.
func (f *fakeSlack) byKey() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for _, list := range f.messages {
		for _, m := range list {
			if meta, ok := m["metadata"].(map[string]any); ok {
				if p, ok := meta["event_payload"].(map[string]any); ok {
					out[fmt.Sprint(p["dedupe_key"])]++
				}
			}
		}
	}
	return out
}

// socket speaks Socket Mode: hello, then envelopes, reading the client's acks.
func (f *fakeSlack) socket(w http.ResponseWriter, r *http.Request) {
	conn, err := (&websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"},
		"debug_info": map[string]any{"host": "fake", "approximate_connection_time": 3600}})
	go func() {
		for {
			var ack map[string]any
			if err := conn.ReadJSON(&ack); err != nil {
				return
			}
			f.mu.Lock()
			f.acks = append(f.acks, fmt.Sprint(ack["envelope_id"]))
			f.mu.Unlock()
		}
	}()
	for {
		select {
		case env := <-f.envelopes:
			if env["type"] == "drop" {
				return // a dropped websocket
			}
			if err := conn.WriteJSON(env); err != nil {
				return
			}
		case <-f.quit:
			return
		}
	}
}
