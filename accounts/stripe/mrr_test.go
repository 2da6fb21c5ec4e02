package stripe

import (
	"encoding/json"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func sub(status string, items ...Item) Subscription {
	s := Subscription{ID: "sub_" + status, Status: status, Currency: "jpy"}
	s.Items.Data = items
	return s
}

func item(amount, qty int64, interval string, count int64, usage string) Item {
	a := amount
	return Item{ID: "si", Quantity: qty, CurrentPeriodEnd: now.Add(48 * time.Hour).Unix(),
		Price: &Price{Currency: "jpy", UnitAmount: &a, Recurring: &Recurring{Interval: interval, IntervalCount: count, UsageType: usage}}}
}

func raw(v string) []json.RawMessage { return []json.RawMessage{json.RawMessage(v)} }

func TestCustomerRevenue(t *testing.T) {
	withDiscount := sub("active", item(10000, 1, "month", 1, "licensed"))
	withDiscount.Discounts = raw(`{"id":"di_1","coupon":{"percent_off":20,"duration":"forever"},"end":null}`)
	expired := sub("active", item(10000, 1, "month", 1, "licensed"))
	expired.Discounts = raw(`{"id":"di_2","coupon":{"percent_off":50},"end":1}`)
	amountOff := sub("active", item(120000, 1, "year", 1, "licensed"))
	amountOff.Discount = &Discount{Coupon: &Coupon{AmountOff: ptr(12000)}}
	canceling := sub("active", item(5000, 2, "month", 1, "licensed"))
	canceling.CancelAtPeriodEnd = true

	tests := []struct {
		name      string
		subs      []Subscription
		mrr       int64
		lifecycle string
	}{
		{"monthly × quantity", []Subscription{sub("active", item(1000, 3, "month", 1, "licensed"))}, 3000, "customer"},
		{"yearly ÷ 12", []Subscription{sub("active", item(120000, 1, "year", 1, "licensed"))}, 10000, "customer"},
		{"every 3 months", []Subscription{sub("active", item(30000, 1, "month", 3, "licensed"))}, 10000, "customer"},
		{"weekly × 52/12", []Subscription{sub("active", item(1200, 1, "week", 1, "licensed"))}, 5200, "customer"},
		{"daily × 365/12", []Subscription{sub("active", item(120, 1, "day", 1, "licensed"))}, 3650, "customer"},
		{"metered left out", []Subscription{sub("active", item(1000, 1, "month", 1, "licensed"), item(99, 0, "month", 1, "metered"))}, 1000, "customer"},
		{"past_due counts", []Subscription{sub("past_due", item(2000, 1, "month", 1, "licensed"))}, 2000, "customer"},
		{"trialing is no MRR", []Subscription{sub("trialing", item(2000, 1, "month", 1, "licensed"))}, 0, "prospect"},
		{"all canceled is churned", []Subscription{sub("canceled", item(2000, 1, "month", 1, "licensed"))}, 0, "churned"},
		{"percent discount", []Subscription{withDiscount}, 8000, "customer"},
		{"ended discount ignored", []Subscription{expired}, 10000, "customer"},
		{"amount off per invoice, yearly", []Subscription{amountOff}, 9000, "customer"},
		{"nothing", nil, 0, "prospect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rev := CustomerRevenue(tt.subs, now)
			if rev.MRR != tt.mrr || rev.Lifecycle != tt.lifecycle {
				t.Fatalf("MRR = %d (%s), want %d (%s); notes %v", rev.MRR, rev.Lifecycle, tt.mrr, tt.lifecycle, rev.Notes)
			}
		})
	}
	rev := CustomerRevenue([]Subscription{canceling}, now)
	if !rev.CancelAtPeriodEnd || rev.MRR != 10000 || rev.RenewalAt == nil || rev.Currency != "JPY" {
		t.Fatalf("canceling = %+v", rev)
	}
}

func ptr(v int64) *int64 { return &v }
