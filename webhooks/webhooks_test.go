package webhooks_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/webhooks"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// receiver checks each delivery's signature the way the package doc tells receivers to.
type receiver struct {
	mu     sync.Mutex
	secret string
	fail   int // answer 503 to this many first
	got    []map[string]any
	ids    []string
	bad    int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	sig := req.Header.Get("X-Koe-Signature")
	ts, v1, _ := strings.Cut(strings.TrimPrefix(sig, "t="), ",v1=")
	mac := hmac.New(sha256.New, []byte(r.secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	if !hmac.Equal([]byte(hex.EncodeToString(mac.Sum(nil))), []byte(v1)) {
		r.bad++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if r.fail > 0 {
		r.fail--
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	r.got = append(r.got, m)
	r.ids = append(r.ids, req.Header.Get("X-Koe-Delivery"))
	w.WriteHeader(http.StatusNoContent)
}

func TestWebhooks(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if err := db.ImportDataset(ctx, feedback.Dataset{Items: []feedback.Item{{ID: 1, SourceKind: feedback.SourceChat, SourceName: "t", SourceID: "1",
		ReceivedAt: time.Now(), Body: "CSV please", Status: feedback.StatusNew}}}); err != nil {
		t.Fatal(err)
	}
	rec := &receiver{fail: 1}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	hook, err := db.AddWebhook(ctx, srv.URL+"/koe", nil, true, "admin@koe.example")
	if err != nil {
		t.Fatal(err)
	}
	rec.secret = hook.Secret
	if _, err := db.AddWebhook(ctx, "ftp://x", nil, false, "a"); feedback.ErrorCode(err) != feedback.EINVALID {
		t.Errorf("ftp URL: %v", err)
	}
	if _, err := db.AddWebhook(ctx, srv.URL, []string{"request.deleted"}, true, "a"); feedback.ErrorCode(err) != feedback.EINVALID {
		t.Errorf("unknown event: %v", err)
	}

	// Three changes, by three paths: a request made from a voice (created + linked), a status.
	who := store.Triager{Actor: "cs@koe.example"}
	reqID, err := db.CreateRequest(ctx, "CSV export", []int64{1}, who)
	if err != nil {
		t.Fatal(err)
	}
	planned := feedback.Planned
	if err := db.UpdateRequest(ctx, reqID, store.RequestEdit{Status: &planned}, "po@koe.example"); err != nil {
		t.Fatal(err)
	}
	w := &webhooks.Worker{Store: db, Backoff: time.Millisecond}
	handled := 0
	for range 3 { // the 503's retry comes due after its backoff
		n, err := w.Drain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		handled += n
		time.Sleep(20 * time.Millisecond)
	}
	if handled != 4 {
		t.Fatalf("handled %d attempts, want 3 events and 1 retry", handled)
	}
	rec.mu.Lock()
	events := map[string]map[string]any{}
	for _, m := range rec.got {
		events[m["event"].(string)] = m
	}
	rec.mu.Unlock()
	if len(rec.got) != 3 || rec.bad != 0 || events["request.created"] == nil || events["feedback.linked"] == nil ||
		events["request.status_changed"]["data"].(map[string]any)["previous_status"] != "under_review" {
		t.Fatalf("received %d (bad %d): %v", len(rec.got), rec.bad, rec.got)
	}
	log, err := db.Deliveries(ctx, hook.ID, 10)
	if err != nil || len(log) != 4 {
		t.Fatalf("delivery log: %d %v", len(log), err)
	}
	retried := 0
	for _, d := range log {
		if d.StatusCode != nil && *d.StatusCode == 503 {
			retried++
		}
	}
	if retried != 1 {
		t.Errorf("log = %+v", log)
	}

	// A receiver that refuses (4xx) is not retried; a disabled webhook gets nothing new.
	rec.mu.Lock()
	rec.secret = "wrong"
	rec.mu.Unlock()
	shipped := feedback.Shipped
	if err := db.UpdateRequest(ctx, reqID, store.RequestEdit{Status: &shipped}, "po"); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.Drain(ctx); n != 1 {
		t.Fatalf("refused: %d", n)
	}
	if failed, _ := db.Outbox(ctx, "", true, 10); len(failed) != 1 || !strings.Contains(failed[0].LastError, "answered 401") {
		t.Fatalf("failed = %+v", failed)
	}
	if err := db.DisableWebhook(ctx, hook.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateRequest(ctx, reqID, store.RequestEdit{Status: &planned}, "po"); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.Drain(ctx); n != 0 {
		t.Errorf("a disabled webhook got %d events", n)
	}
}
