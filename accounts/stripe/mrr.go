package stripe

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Revenue is what a customer's subscriptions say about it.
type Revenue struct {
	// MRR is in minor units of Currency (yen for JPY: Stripe's zero-decimal currencies are
	// already in whole units).
	MRR      int64
	Currency string
	// Lifecycle is customer (an active or past_due subscription), prospect (only trials, or
	// nothing yet) or churned (every subscription ended).
	Lifecycle         string
	CancelAtPeriodEnd bool
	// RenewalAt is the soonest end of a current billing period of a paying item.
	RenewalAt *time.Time
	// Notes says what was left out of MRR and why (metered usage, tiered prices, other currencies).
	Notes []string
}

// monthsPer is how many months one billing interval lasts.
func monthsPer(interval string, count int64) float64 {
	if count <= 0 {
		count = 1
	}
	per := map[string]float64{"month": 1, "year": 12, "week": 12.0 / 52, "day": 12.0 / 365}[interval]
	return per * float64(count)
}

// CustomerRevenue sums MRR over a customer's active and past_due subscriptions: unit amount ×
// quantity of each licensed item, normalised to a month (a year ÷ 12, a week × 52/12, a day ×
// 365/12, divided by interval_count), less the discounts in force. Metered items are left out,
// trials count for nothing.
func CustomerRevenue(subs []Subscription, now time.Time) Revenue {
	var rev Revenue
	perCurrency := map[string]float64{}
	paying, trialing, ended := false, false, false
	for _, s := range subs {
		switch s.Status {
		case "active", "past_due":
			paying = true
		case "trialing":
			trialing = true
			continue
		case "canceled", "unpaid", "incomplete_expired":
			ended = true
			continue
		default: // incomplete, paused
			continue
		}
		if s.CancelAtPeriodEnd {
			rev.CancelAtPeriodEnd = true
		}
		total, months, currency := 0.0, 0.0, strings.ToUpper(s.Currency)
		for _, it := range s.Items.Data {
			amount, interval, count, usage, cur, ok := itemPrice(it)
			if !ok {
				rev.Notes = append(rev.Notes, fmt.Sprintf("%s item %s: no unit amount (tiered price), left out", s.ID, it.ID))
				continue
			}
			if usage == "metered" {
				rev.Notes = append(rev.Notes, fmt.Sprintf("%s item %s: metered, left out", s.ID, it.ID))
				continue
			}
			if currency == "" {
				currency = strings.ToUpper(cur)
			}
			qty := it.Quantity
			if qty == 0 {
				qty = 1
			}
			m := monthsPer(interval, count)
			if m == 0 {
				rev.Notes = append(rev.Notes, fmt.Sprintf("%s item %s: unknown interval %q, left out", s.ID, it.ID, interval))
				continue
			}
			line := amount * float64(qty) / m
			line = applyDiscounts(line, m, it.Discounts, nil, now)
			total += line
			if months == 0 {
				months = m
			}
			if it.CurrentPeriodEnd > 0 {
				end := time.Unix(it.CurrentPeriodEnd, 0).UTC()
				if rev.RenewalAt == nil || end.Before(*rev.RenewalAt) {
					rev.RenewalAt = &end
				}
			}
		}
		if months == 0 {
			months = 1
		}
		total = applyDiscounts(total, months, s.Discounts, s.Discount, now)
		perCurrency[currency] += total
	}
	best := 0.0
	for cur, v := range perCurrency {
		if rev.Currency == "" || v > best {
			rev.Currency, best = cur, v
		}
	}
	for cur, v := range perCurrency {
		if cur != rev.Currency && v > 0 {
			rev.Notes = append(rev.Notes, fmt.Sprintf("MRR in %s (%.0f minor units) left out: the account's currency is %s", cur, v, rev.Currency))
		}
	}
	rev.MRR = int64(math.Round(math.Max(best, 0)))
	switch {
	case paying:
		rev.Lifecycle = "customer"
	case trialing:
		rev.Lifecycle = "prospect"
	case ended:
		rev.Lifecycle = "churned"
	default:
		rev.Lifecycle = "prospect"
	}
	return rev
}

func itemPrice(it Item) (amount float64, interval string, count int64, usage, currency string, ok bool) {
	if p := it.Price; p != nil && p.Recurring != nil {
		switch {
		case p.UnitAmount != nil:
			amount = float64(*p.UnitAmount)
		case p.UnitAmountDecimal != "":
			f, err := strconv.ParseFloat(p.UnitAmountDecimal, 64)
			if err != nil {
				return 0, "", 0, "", "", false
			}
			amount = f
		default:
			return 0, "", 0, "", "", false
		}
		return amount, p.Recurring.Interval, p.Recurring.IntervalCount, p.Recurring.UsageType, p.Currency, true
	}
	if p := it.Plan; p != nil && p.Amount != nil {
		return float64(*p.Amount), p.Interval, p.IntervalCount, p.UsageType, p.Currency, true
	}
	return 0, "", 0, "", "", false
}

// applyDiscounts takes the discounts in force off a monthly amount: a percentage off, or a
// fixed amount off each invoice (one invoice every months months).
func applyDiscounts(monthly, months float64, raw []json.RawMessage, legacy *Discount, now time.Time) float64 {
	var ds []Discount
	for _, r := range raw {
		var d Discount
		if json.Unmarshal(r, &d) == nil { // an unexpanded id does not unmarshal into an object
			ds = append(ds, d)
		}
	}
	if legacy != nil {
		ds = append(ds, *legacy)
	}
	for _, d := range ds {
		if d.End != nil && *d.End <= now.Unix() {
			continue
		}
		c := d.Coupon
		if c == nil && d.Source != nil {
			var sc Coupon
			if json.Unmarshal(d.Source.Coupon, &sc) == nil {
				c = &sc
			}
		}
		if c == nil {
			continue
		}
		if c.PercentOff != nil {
			monthly *= 1 - *c.PercentOff/100
		} else if c.AmountOff != nil {
			monthly -= float64(*c.AmountOff) / months
		}
	}
	return math.Max(monthly, 0)
}
