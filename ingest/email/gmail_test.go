package email_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/option"

	"github.com/koehq/koe/ingest/email"
	"github.com/koehq/koe/ingest/sourcetest"
	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/internal/storetest"
)

// fakeGmail serves users.messages.list and users.messages.get (format=raw) in the Gmail API's
// shapes: ids newest first with nextPageToken, internalDate as a string of milliseconds, raw as
// base64url. Shapes from the Gmail API reference: the users.messages.list response body
// (https://developers.google.com/gmail/api/reference/rest/v1/users.messages/list: messages[] of
// {id, threadId}, nextPageToken, resultSizeEstimate), the Message resource
// (https://developers.google.com/gmail/api/reference/rest/v1/users.messages#Message: id,
// threadId, labelIds, snippet, historyId, internalDate as an int64 string, sizeEstimate, raw in
// base64url), and the error body of https://developers.google.com/gmail/api/guides/handle-errors.
type fakeGmail struct {
	msgs    []map[string]any // oldest first
	queries []string
	// unavailable answers that many requests 503 with Retry-After, as Google does when busy.
	unavailable int
}

func (f *fakeGmail) add(id string, ms int64, raw string) {
	f.msgs = append(f.msgs, map[string]any{"id": id, "threadId": "t-" + id, "labelIds": []string{"INBOX", "UNREAD"}, "snippet": "", "historyId": "1234",
		"internalDate": strconv.FormatInt(ms, 10), "sizeEstimate": len(raw), "raw": base64.URLEncoding.EncodeToString([]byte(strings.ReplaceAll(raw, "\n", "\r\n")))})
}

func (f *fakeGmail) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	if f.unavailable > 0 {
		f.unavailable--
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}`))
		return
	}
	const list = "/gmail/v1/users/support@koe.example/messages"
	switch {
	case r.URL.Path == list:
		q := r.URL.Query().Get("q")
		f.queries = append(f.queries, q)
		var after int64 = -1
		for _, term := range strings.Fields(q) {
			if v, ok := strings.CutPrefix(term, "after:"); ok {
				after, _ = strconv.ParseInt(v, 10, 64)
			}
		}
		var ids []map[string]string
		for i := len(f.msgs) - 1; i >= 0; i-- { // newest first
			ms, _ := strconv.ParseInt(f.msgs[i]["internalDate"].(string), 10, 64)
			if ms/1000 > after {
				ids = append(ids, map[string]string{"id": f.msgs[i]["id"].(string), "threadId": f.msgs[i]["threadId"].(string)})
			}
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("pageToken"))
		const per = 2
		end := min(page+per, len(ids))
		resp := map[string]any{"messages": ids[page:end], "resultSizeEstimate": len(ids)}
		if end < len(ids) {
			resp["nextPageToken"] = strconv.Itoa(end)
		}
		json.NewEncoder(w).Encode(resp)
	case strings.HasPrefix(r.URL.Path, list+"/"):
		id := strings.TrimPrefix(r.URL.Path, list+"/")
		if r.URL.Query().Get("format") != "raw" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		for _, m := range f.msgs {
			if m["id"] == id {
				json.NewEncoder(w).Encode(m)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}`))
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func TestGmail(t *testing.T) {
	db := storetest.Open(t)
	f := &fakeGmail{}
	f.add("g1", 1791248400000, "From: taro@abc.co.jp\nSubject: CSV\nMessage-ID: <g1@abc.co.jp>\nDate: Mon, 06 Oct 2026 10:00:00 +0900\n\nCSVで出力したいです。\n")
	f.add("g2", 1791252000000, "From: taro@abc.co.jp\nSubject: Re: CSV\nMessage-ID: <g2@abc.co.jp>\nReferences: <g1@abc.co.jp>\n\n急ぎです。\n\n> CSVで出力したいです。\n")
	f.add("g3", 1791255600000, "From: emma@globex.com\nSubject: SSO\nMessage-ID: <g3@globex.com>\n\nSSO please.\n")
	srv := httptest.NewServer(f)
	defer srv.Close()
	src := &email.GmailSource{User: "support@koe.example", Query: "to:support@koe.example", SourceName: "gmail-support",
		Options: []option.ClientOption{option.WithEndpoint(srv.URL + "/"), option.WithoutAuthentication(), option.WithHTTPClient(srv.Client())}}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil || c.Read != 3 || c.New != 2 || c.Updated != 1 {
		t.Fatalf("counts %+v problems %v err %v", c, problems, err)
	}
	items := sourcetest.Items(t, db)
	if v := items["g1@abc.co.jp"]; v.Body != "CSVで出力したいです。\n\n急ぎです。" {
		t.Fatalf("thread body = %q", v.Body)
	}
	if v := items["g3@globex.com"]; v.ReceivedAt.UnixMilli() != 1791255600000 {
		t.Fatalf("a message without Date takes internalDate: %v", v.ReceivedAt)
	}
	f.add("g4", 1791259200000, "From: emma@globex.com\nSubject: Re: SSO\nMessage-ID: <g4@globex.com>\nIn-Reply-To: <g3@globex.com>\n\nAlso SCIM.\n")
	c, _, err = sourcetest.Run(t, db, src)
	// g3 is read again (the cursor's second overlaps) with g4, its reply: together they update
	// the thread, and g3's words are not added twice.
	if err != nil || c.Read != 2 || c.New != 0 {
		t.Fatalf("incremental: %+v %v (queries %q)", c, err, f.queries)
	}
	if got := sourcetest.Items(t, db)["g3@globex.com"].Body; got != "SSO please.\n\nAlso SCIM." {
		t.Fatalf("thread after the reply = %q", got)
	}
	if q := f.queries[len(f.queries)-1]; q != "to:support@koe.example after:1791255599" {
		t.Fatalf("incremental query = %q", q)
	}
}

// TestGmailRetries: a 503 with Retry-After used to end the run; it is waited out and retried.
func TestGmailRetries(t *testing.T) {
	db := storetest.Open(t)
	f := &fakeGmail{unavailable: 1}
	f.add("g1", 1791248400000, "From: taro@abc.co.jp\nSubject: CSV\nMessage-ID: <g1@abc.co.jp>\n\nCSVで出力したいです。\n")
	srv := httptest.NewServer(f)
	defer srv.Close()
	var waits []time.Duration
	src := &email.GmailSource{User: "support@koe.example", Query: "to:support@koe.example", SourceName: "gmail-retry",
		Options: []option.ClientOption{option.WithEndpoint(srv.URL + "/"), option.WithoutAuthentication(), option.WithHTTPClient(srv.Client())},
		Policy:  httpretry.Policy{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}}
	c, problems, err := sourcetest.Run(t, db, src)
	if err != nil || c.New != 1 || len(waits) != 1 || waits[0] != 2*time.Second {
		t.Fatalf("counts %+v problems %v err %v waits %v", c, problems, err, waits)
	}
}
