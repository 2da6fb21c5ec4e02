// Package stripe is a small client for the parts of the Stripe API that account sync reads:
// customers, subscriptions (status=all, paged with starting_after) and events, pinned to API
// version 2025-03-31.basil, where billing periods live on subscription items. It also computes a
// customer's MRR from its subscriptions.
package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/koehq/koe/internal/httpretry"
)

// APIVersion is the Stripe-Version every request asks for.
const APIVersion = "2025-03-31.basil"

// DefaultBaseURL is Stripe's API.
const DefaultBaseURL = "https://api.stripe.com"

// Client talks to Stripe. It is safe for concurrent use.
type Client struct {
	base   *url.URL
	key    string
	http   *http.Client
	Policy httpretry.Policy
}

// New returns a client with a secret or restricted key (read access to customers, subscriptions
// and events is enough).
func New(baseURL, key string, hc *http.Client) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("stripe: base URL %q is not a URL", baseURL)
	}
	if key == "" {
		return nil, fmt.Errorf("stripe: no API key: set STRIPE_API_KEY (a restricted key with read access to customers, subscriptions and events)")
	}
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	return &Client{base: u, key: key, http: hc}, nil
}

// Customer is the part of a Stripe customer that sync reads.
type Customer struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Email       string            `json:"email"`
	Description string            `json:"description"`
	Currency    string            `json:"currency"`
	Metadata    map[string]string `json:"metadata"`
	Created     int64             `json:"created"`
	Deleted     bool              `json:"deleted"`
}

// Subscription is the part of a Stripe subscription that MRR needs.
type Subscription struct {
	ID                string `json:"id"`
	Customer          string `json:"customer"`
	Status            string `json:"status"`
	CancelAtPeriodEnd bool   `json:"cancel_at_period_end"`
	Currency          string `json:"currency"`
	Items             struct {
		Data    []Item `json:"data"`
		HasMore bool   `json:"has_more"`
	} `json:"items"`
	// Discounts holds the expanded discounts (expand[]=data.discounts); Discount is the older
	// single discount.
	Discounts []json.RawMessage `json:"discounts"`
	Discount  *Discount         `json:"discount"`
}

// Item is one subscription item.
type Item struct {
	ID                 string            `json:"id"`
	Quantity           int64             `json:"quantity"`
	Price              *Price            `json:"price"`
	Plan               *Plan             `json:"plan"`
	CurrentPeriodStart int64             `json:"current_period_start"`
	CurrentPeriodEnd   int64             `json:"current_period_end"`
	Discounts          []json.RawMessage `json:"discounts"`
}

// Price is an item's price.
type Price struct {
	ID                string     `json:"id"`
	Currency          string     `json:"currency"`
	UnitAmount        *int64     `json:"unit_amount"`
	UnitAmountDecimal string     `json:"unit_amount_decimal"`
	BillingScheme     string     `json:"billing_scheme"`
	Recurring         *Recurring `json:"recurring"`
}

// Recurring says how often a price bills.
type Recurring struct {
	Interval      string `json:"interval"`
	IntervalCount int64  `json:"interval_count"`
	UsageType     string `json:"usage_type"`
}

// Plan is the legacy form of a recurring price.
type Plan struct {
	Amount        *int64 `json:"amount"`
	Currency      string `json:"currency"`
	Interval      string `json:"interval"`
	IntervalCount int64  `json:"interval_count"`
	UsageType     string `json:"usage_type"`
}

// Discount is an applied coupon.
type Discount struct {
	Coupon *Coupon `json:"coupon"`
	Source *struct {
		Coupon json.RawMessage `json:"coupon"`
	} `json:"source"`
	End *int64 `json:"end"`
}

// Coupon is what a discount takes off.
type Coupon struct {
	PercentOff *float64 `json:"percent_off"`
	AmountOff  *int64   `json:"amount_off"`
	Currency   string   `json:"currency"`
	Duration   string   `json:"duration"`
}

// Event is a Stripe event, reduced to what incremental sync needs.
type Event struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created int64  `json:"created"`
	Data    struct {
		Object json.RawMessage `json:"object"`
	} `json:"data"`
}

// APIError is Stripe's error answer.
type APIError struct {
	Status  int
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("stripe: HTTP %d %s: %s", e.Status, e.Type, e.Message)
}

type list[T any] struct {
	Data    []T  `json:"data"`
	HasMore bool `json:"has_more"`
}

// each pages through a list endpoint with starting_after and calls fn for every page.
func each[T any](ctx context.Context, c *Client, path string, q url.Values, id func(T) string, fn func([]T) error) error {
	q.Set("limit", "100")
	for {
		var page list[T]
		if err := c.get(ctx, path, q, &page); err != nil {
			return err
		}
		if err := fn(page.Data); err != nil {
			return err
		}
		if !page.HasMore || len(page.Data) == 0 {
			return nil
		}
		q.Set("starting_after", id(page.Data[len(page.Data)-1]))
	}
}

// Customers calls fn with each page of customers.
func (c *Client) Customers(ctx context.Context, fn func([]Customer) error) error {
	return each(ctx, c, "/v1/customers", url.Values{}, func(x Customer) string { return x.ID }, fn)
}

// Customer returns one customer (Deleted set for a deleted one).
func (c *Client) Customer(ctx context.Context, id string) (Customer, error) {
	var cu Customer
	err := c.get(ctx, "/v1/customers/"+url.PathEscape(id), url.Values{}, &cu)
	return cu, err
}

// Subscriptions calls fn with each page of subscriptions of every status, for one customer when
// customer is not empty. Items beyond the first page of a subscription are fetched too.
func (c *Client) Subscriptions(ctx context.Context, customer string, fn func([]Subscription) error) error {
	// Discounts come as ids unless expanded: the subscription's and each item's (a coupon on one
	// item only), or MRR would be overstated.
	q := url.Values{"status": {"all"}, "expand[]": {"data.discounts", "data.items.data.discounts"}}
	if customer != "" {
		q.Set("customer", customer)
	}
	return each(ctx, c, "/v1/subscriptions", q, func(x Subscription) string { return x.ID }, func(subs []Subscription) error {
		for i := range subs {
			if !subs[i].Items.HasMore {
				continue
			}
			var items []Item
			err := each(ctx, c, "/v1/subscription_items", url.Values{"subscription": {subs[i].ID}, "expand[]": {"data.discounts"}},
				func(x Item) string { return x.ID }, func(page []Item) error { items = append(items, page...); return nil })
			if err != nil {
				return err
			}
			subs[i].Items.Data, subs[i].Items.HasMore = items, false
		}
		return fn(subs)
	})
}

// Events calls fn with each page of events of the given types created after since (Unix
// seconds), newest first, as Stripe lists them.
func (c *Client) Events(ctx context.Context, since int64, types []string, fn func([]Event) error) error {
	q := url.Values{"created[gt]": {fmt.Sprint(since)}}
	for _, t := range types {
		q.Add("types[]", t)
	}
	return each(ctx, c, "/v1/events", q, func(x Event) string { return x.ID }, fn)
}

// LatestEvent returns the newest event's creation time (0 when there is none).
func (c *Client) LatestEvent(ctx context.Context) (int64, error) {
	var page list[Event]
	if err := c.get(ctx, "/v1/events", url.Values{"limit": {"1"}}, &page); err != nil {
		return 0, err
	}
	if len(page.Data) == 0 {
		return 0, nil
	}
	return page.Data[0].Created, nil
}

func (c *Client) get(ctx context.Context, path string, q url.Values, into any) error {
	u := *c.base
	u.Path += path
	u.RawQuery = q.Encode()
	headers := map[string]string{"Authorization": "Bearer " + c.key, "Stripe-Version": APIVersion}
	err := httpretry.GetJSON(ctx, c.http, c.Policy, u.String(), headers, 64<<20, into)
	var se *httpretry.StatusError
	if errors.As(err, &se) {
		var e struct {
			Error APIError `json:"error"`
		}
		_ = json.Unmarshal(se.Answer, &e)
		e.Error.Status = se.Status
		if e.Error.Message == "" {
			e.Error.Message = se.Body
		}
		return &e.Error
	}
	if err != nil {
		return fmt.Errorf("stripe: %w", err)
	}
	return nil
}
