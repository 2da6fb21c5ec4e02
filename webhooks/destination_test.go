package webhooks_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/webhooks"
)

// TestCheckURL: loopback, private, link-local and metadata receivers, in any spelling, are
// refused when added unless --allow-private.
func TestCheckURL(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1/hook", "http://[::1]/", "http://0x7f000001/", "http://2130706433/", "http://0177.0.0.1/",
		"http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://192.168.0.10:8080/", "http://172.16.5.4/",
		"http://[::ffff:127.0.0.1]/", "http://[fe80::1]/", "http://[fd00::1]/", "http://localhost:8080/", "http://0.0.0.0/", "http://100.64.0.1/"} {
		if err := webhooks.CheckURL(u, false); !errors.Is(err, webhooks.ErrPrivate) {
			t.Errorf("CheckURL(%s) = %v, want refused", u, err)
		}
		if err := webhooks.CheckURL(u, true); err != nil {
			t.Errorf("CheckURL(%s, allowPrivate) = %v", u, err)
		}
	}
	if err := webhooks.CheckURL("ftp://hooks.example.com/", false); feedback.ErrorCode(err) != feedback.EINVALID {
		t.Errorf("CheckURL(ftp://…) = %v, want EINVALID", err)
	}
	for _, u := range []string{"https://hooks.example.com/koe", "http://93.184.216.34/", "https://1e100.net/", "https://[2606:4700::1111]/"} {
		if err := webhooks.CheckURL(u, false); err != nil {
			t.Errorf("CheckURL(%s) = %v, want allowed", u, err)
		}
	}
}

// TestDeliveriesRefusePrivateAddresses: a receiver that was not allowed private addresses is
// never reached there — by an address or by a name that resolves to one — and the event is
// given up, not retried. The check is the dialer's, so it holds for every connection the client
// makes, a redirect's too.
func TestDeliveriesRefusePrivateAddresses(t *testing.T) {
	ctx := context.Background()
	hits := 0
	inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits++ }))
	defer inside.Close()
	port := inside.URL[strings.LastIndex(inside.URL, ":"):]
	for _, target := range []string{inside.URL + "/hook", "http://localhost" + port + "/hook"} {
		t.Run(target, func(t *testing.T) {
			db := storetest.Open(t)
			if _, err := db.AddWebhook(ctx, target, nil, false, "admin@koe.example"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateRequest(ctx, "CSV export", nil, store.Triager{Actor: "po@koe.example"}); err != nil {
				t.Fatal(err)
			}
			w := &webhooks.Worker{Store: db, Backoff: time.Millisecond}
			if n, err := w.Drain(ctx); err != nil || n != 1 {
				t.Fatalf("drain: %d %v", n, err)
			}
			failed, err := db.Outbox(ctx, store.TargetWebhook, true, 10)
			if err != nil || len(failed) != 1 || !strings.Contains(failed[0].LastError, "not public") {
				t.Fatalf("failed = %+v %v", failed, err)
			}
		})
	}
	client := webhooks.NewClient(false)
	_, err := client.Get("http://" + inside.Listener.Addr().String())
	if !errors.Is(err, webhooks.ErrPrivate) {
		t.Errorf("get %s: %v, want ErrPrivate", inside.URL, err)
	}
	if hits != 0 {
		t.Errorf("the receiver on loopback was reached %d times", hits)
	}
}
