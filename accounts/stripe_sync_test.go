package accounts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/accounts/stripe"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/httpretry"
)

// fakeStripe answers the list, retrieve and events endpoints the way Stripe's API reference
// documents them: Bearer key, list objects with has_more, starting_after paging newest first,
// subscriptions filtered by status=all and customer, expandable discounts.
type fakeStripe struct {
	mu        sync.Mutex
	customers []map[string]any // newest first, as Stripe lists them
	subs      []map[string]any
	events    []map[string]any
	deleted   map[string]bool
	paths     []string
	fail429   int
	// discounts are discount objects by id: subscriptions and their items hold the ids, expanded
	// into the objects only where the request's expand[] asks (data.discounts,
	// data.items.data.discounts), as Stripe does.
	discounts map[string]map[string]any
}

// expanded is s as Stripe answers it under expand: discount ids replaced by their objects at the
// paths asked for.
func (f *fakeStripe) expanded(s map[string]any, expand []string) map[string]any {
	ids := func(v any, on bool) []any {
		var out []any
		for _, id := range asSlice(v) {
			if obj, ok := f.discounts[fmt.Sprint(id)]; ok && on {
				out = append(out, obj)
			} else {
				out = append(out, id)
			}
		}
		if out == nil {
			out = []any{}
		}
		return out
	}
	c := maps.Clone(s)
	c["discounts"] = ids(s["discounts"], slices.Contains(expand, "data.discounts"))
	items := maps.Clone(s["items"].(map[string]any))
	var data []any
	for _, it := range asSlice(items["data"]) {
		ic := maps.Clone(it.(map[string]any))
		ic["discounts"] = ids(ic["discounts"], slices.Contains(expand, "data.items.data.discounts"))
		data = append(data, ic)
	}
	items["data"] = data
	c["items"] = items
	return c
}

func asSlice(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case []map[string]any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = x[i]
		}
		return out
	}
	return nil
}

func (f *fakeStripe) customer(id, name, email string, created int64) {
	f.customers = append([]map[string]any{{"id": id, "object": "customer", "name": name, "email": email,
		"created": created, "currency": "jpy", "metadata": map[string]string{}}}, f.customers...)
}

func (f *fakeStripe) sub(id, customer, status, currency string, cancel bool, items ...map[string]any) map[string]any {
	s := map[string]any{"id": id, "object": "subscription", "customer": customer, "status": status, "currency": currency,
		"cancel_at_period_end": cancel, "discounts": []any{},
		"items": map[string]any{"object": "list", "data": items, "has_more": false, "url": "/v1/subscription_items?subscription=" + id}}
	f.subs = append([]map[string]any{s}, f.subs...)
	return s
}

func price(amount int64, currency, interval string, usage string) map[string]any {
	return map[string]any{"id": "price_x", "object": "price", "currency": currency, "unit_amount": amount,
		"unit_amount_decimal": strconv.FormatInt(amount, 10), "billing_scheme": "per_unit",
		"recurring": map[string]any{"interval": interval, "interval_count": 1, "usage_type": usage}}
}

func subItem(id string, qty int64, p map[string]any) map[string]any {
	return map[string]any{"id": id, "object": "subscription_item", "quantity": qty, "price": p,
		"current_period_start": 1790000000, "current_period_end": 1792592000}
}

func stripeList(w http.ResponseWriter, url string, all []map[string]any, q map[string][]string) {
	limit := 10
	if l, err := strconv.Atoi(first(q["limit"])); err == nil {
		limit = l
	}
	start := 0
	if after := first(q["starting_after"]); after != "" {
		for i, o := range all {
			if o["id"] == after {
				start = i + 1
			}
		}
	}
	end := min(start+limit, len(all))
	page := all[start:end]
	if page == nil {
		page = []map[string]any{}
	}
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "url": url, "has_more": end < len(all), "data": page})
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func (f *fakeStripe) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer rk_test_123" {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: rk_test_***"}}`))
		return
	}
	if r.Header.Get("Stripe-Version") != stripe.APIVersion {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":{"type":"invalid_request_error","message":"unexpected Stripe-Version"}}`))
		return
	}
	if f.fail429 > 0 {
		f.fail429--
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"error":{"type":"rate_limit_error","message":"Too many requests"}}`))
		return
	}
	q := r.URL.Query()
	f.paths = append(f.paths, r.URL.Path+"?"+r.URL.RawQuery)
	switch {
	case r.URL.Path == "/v1/customers":
		stripeList(w, r.URL.Path, f.customers, q)
	case strings.HasPrefix(r.URL.Path, "/v1/customers/"):
		id := strings.TrimPrefix(r.URL.Path, "/v1/customers/")
		if f.deleted[id] {
			json.NewEncoder(w).Encode(map[string]any{"id": id, "object": "customer", "deleted": true})
			return
		}
		for _, c := range f.customers {
			if c["id"] == id {
				json.NewEncoder(w).Encode(c)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such customer"}}`))
	case r.URL.Path == "/v1/subscriptions":
		var out []map[string]any
		for _, s := range f.subs {
			if c := q.Get("customer"); c != "" && s["customer"] != c {
				continue
			}
			if q.Get("status") != "all" && s["status"] == "canceled" {
				continue
			}
			out = append(out, f.expanded(s, q["expand[]"]))
		}
		stripeList(w, r.URL.Path, out, q)
	case r.URL.Path == "/v1/events":
		var out []map[string]any
		gt, _ := strconv.ParseInt(q.Get("created[gt]"), 10, 64)
		for _, e := range f.events {
			if e["created"].(int64) > gt {
				out = append(out, e)
			}
		}
		stripeList(w, r.URL.Path, out, q)
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"type":"invalid_request_error","message":"Unrecognized request URL"}}`))
	}
}

func (f *fakeStripe) event(id, typ string, created int64, obj map[string]any) {
	f.events = append([]map[string]any{{"id": id, "object": "event", "type": typ, "created": created,
		"data": map[string]any{"object": obj}}}, f.events...)
}

func stripeClient(t *testing.T, url string) *stripe.Client {
	c, err := stripe.New(url, "rk_test_123", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Policy = httpretry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}
	return c
}

func TestSyncStripe(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	f := &fakeStripe{deleted: map[string]bool{}}
	for i := 0; i < 130; i++ { // more than a page of customers
		f.customer(fmt.Sprintf("cus_bulk%03d", i), fmt.Sprintf("Bulk %d KK", i), fmt.Sprintf("x@bulk%d.example", i), int64(1700000000+i))
	}
	f.customer("cus_A", "株式会社ＡＢＣ商事", "Taro@ABC.co.jp", 1750000000)
	f.customer("cus_B", "Globex Inc.", "ap@globex.com", 1750000001)
	f.customer("cus_C", "Gone KK", "x@gone.example", 1750000002)
	f.customer("cus_D", "Trial KK", "someone@gmail.com", 1750000003)
	subA := f.sub("sub_A", "cus_A", "active", "jpy", true, subItem("si_A", 2, price(5000, "jpy", "month", "licensed")),
		subItem("si_A2", 1, price(3, "jpy", "month", "metered")))
	f.sub("sub_B", "cus_B", "past_due", "usd", false, subItem("si_B", 1, price(120000, "usd", "year", "licensed")))
	f.sub("sub_C", "cus_C", "canceled", "jpy", false, subItem("si_C", 1, price(9000, "jpy", "month", "licensed")))
	f.sub("sub_D", "cus_D", "trialing", "jpy", false, subItem("si_D", 1, price(9000, "jpy", "month", "licensed")))
	f.event("evt_old", "customer.updated", 1760000000, map[string]any{"id": "cus_B", "object": "customer"})
	f.fail429 = 1
	srv := httptest.NewServer(f)
	defer srv.Close()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

	res, err := accounts.SyncStripe(ctx, db, stripeClient(t, srv.URL), accounts.Options{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts; c.Read != 134 || c.New != 134 {
		t.Fatalf("full sync counts = %+v", c)
	}
	// cus_A's metered item is not in its MRR, and the sync says so.
	if len(res.Problems) != 1 || res.Problems[0].Where != "stripe customer cus_A" || !strings.Contains(res.Problems[0].Why, "si_A2: metered, left out") {
		t.Fatalf("problems = %v", res.Problems)
	}
	check := func(ref string, mrr int64, cur string, lc feedback.Lifecycle) feedback.Account {
		t.Helper()
		a, err := db.AccountByRef(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if a.MRR.Minor != mrr || a.MRR.Currency != cur || a.Lifecycle != lc {
			t.Fatalf("%s = %s %s, want %d %s %s", ref, a.MRR, a.Lifecycle, mrr, cur, lc)
		}
		return a
	}
	a := check("stripe:cus_A", 10000, "JPY", feedback.Customer)
	if !a.CancelAtPeriodEnd || a.ChurnRisk == nil || *a.ChurnRisk < 0.9 || a.RenewalDate == nil || a.Domains[0] != "abc.co.jp" {
		t.Fatalf("cus_A = %+v", a)
	}
	check("stripe:cus_B", 10000, "USD", feedback.Customer) // $1,200.00 a year = $100.00 a month
	check("stripe:cus_C", 0, "JPY", feedback.Churned)
	if d := check("stripe:cus_D", 0, "JPY", feedback.Prospect); len(d.Domains) != 0 {
		t.Fatalf("a gmail.com customer got domain %v", d.Domains)
	}

	// Nothing happened since: the next run reads events only.
	f.paths = nil
	res, err = accounts.SyncStripe(ctx, db, stripeClient(t, srv.URL), accounts.Options{}, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts.Read != 0 || len(f.paths) != 1 || !strings.HasPrefix(f.paths[0], "/v1/events") {
		t.Fatalf("quiet incremental run: counts %+v, requests %q", res.Counts, f.paths)
	}

	// cus_A adds a seat and cus_B is deleted: only they are read again.
	subA["items"].(map[string]any)["data"].([]map[string]any)[0]["quantity"] = int64(3)
	f.event("evt_1", "customer.subscription.updated", 1770000000, map[string]any{"id": "sub_A", "object": "subscription", "customer": "cus_A"})
	f.event("evt_2", "customer.deleted", 1770000001, map[string]any{"id": "cus_B", "object": "customer"})
	f.deleted["cus_B"] = true
	res, err = accounts.SyncStripe(ctx, db, stripeClient(t, srv.URL), accounts.Options{}, now.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts; c.Read != 2 || c.Updated != 2 {
		t.Fatalf("incremental counts = %+v, problems %v", c, res.Problems)
	}
	check("stripe:cus_A", 15000, "JPY", feedback.Customer)
	if b := check("stripe:cus_B", 0, "USD", feedback.Churned); b.Name != "Globex Inc." {
		t.Fatalf("deleted customer lost its name: %q", b.Name)
	}
}

// TestStripeItemDiscount: a coupon applied to one subscription item (not the subscription) was
// never expanded, so it was ignored and MRR overstated. The discount object follows the
// Discount object example of Stripe's API reference (https://docs.stripe.com/api/discounts/object).
func TestStripeItemDiscount(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	f := &fakeStripe{deleted: map[string]bool{}, discounts: map[string]map[string]any{
		"di_1MtJUT2eZvKYlo2CNaw2HvEv": {"id": "di_1MtJUT2eZvKYlo2CNaw2HvEv", "object": "discount", "checkout_session": nil,
			"coupon": map[string]any{"id": "wiH7zLLa", "object": "coupon", "amount_off": nil, "created": 1680281425, "currency": nil,
				"duration": "forever", "duration_in_months": nil, "livemode": false, "max_redemptions": nil, "metadata": map[string]any{},
				"name": nil, "percent_off": 20, "redeem_by": nil, "times_redeemed": 1, "valid": true},
			"customer": "cus_D", "end": nil, "invoice": nil, "invoice_item": nil, "promotion_code": nil, "start": 1680281426,
			"subscription": nil, "subscription_item": "si_D1"},
	}}
	f.customer("cus_D", "割引株式会社", "a@discount.example", 1750000000)
	item := subItem("si_D1", 1, price(100000, "jpy", "month", "licensed"))
	item["discounts"] = []any{"di_1MtJUT2eZvKYlo2CNaw2HvEv"}
	f.sub("sub_D", "cus_D", "active", "jpy", false, item, subItem("si_D2", 1, price(20000, "jpy", "month", "licensed")))
	srv := httptest.NewServer(f)
	defer srv.Close()
	if _, err := accounts.SyncStripe(ctx, db, stripeClient(t, srv.URL), accounts.Options{}, time.Unix(1790000000, 0)); err != nil {
		t.Fatal(err)
	}
	a, err := db.AccountByRef(ctx, "stripe:cus_D")
	if err != nil || a.MRR.Minor != 100000 { // 100,000 less 20% + 20,000
		t.Fatalf("MRR = %d (%v), want 100000", a.MRR.Minor, err)
	}
}
