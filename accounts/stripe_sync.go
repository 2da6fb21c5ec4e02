package accounts

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/koehq/koe/accounts/stripe"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// stripeCursor: events after EventsAfter (Unix seconds) are still to be applied; FullAt is when
// the last full read ended. Stripe keeps events for 30 days, so a cursor older than fullEvery
// starts a full read again.
type stripeCursor struct {
	EventsAfter int64 `json:"events_after"`
	FullAt      int64 `json:"full_at"`
}

const (
	stripeSource    = "stripe"
	fullEvery       = 25 * 24 * time.Hour
	stripeBatchSize = 1000
	// cancelRisk is the churn-risk signal of a customer whose subscription ends at period end.
	cancelRisk = 0.9
)

var stripeEventTypes = []string{
	"customer.created", "customer.updated", "customer.deleted",
	"customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
	"customer.subscription.paused", "customer.subscription.resumed", "customer.discount.created",
	"customer.discount.updated", "customer.discount.deleted",
}

var stripeFields = []string{feedback.FieldName, feedback.FieldDomains, feedback.FieldMRR, feedback.FieldCurrency, feedback.FieldLifecycle,
	feedback.FieldRenewalDate, feedback.FieldChurnRisk, feedback.FieldCancelAtPeriodEnd}

// SyncStripe brings Stripe customers into Koe with the MRR of their subscriptions. The first run
// (and one every 25 days) reads every customer and subscription; the runs between read only the
// customers named by events since the last run. now is the clock (time.Now in production).
func SyncStripe(ctx context.Context, st *store.DB, c *stripe.Client, opts Options, now time.Time) (Result, error) {
	res := Result{Source: stripeSource}
	var cur stripeCursor
	if raw, err := st.Cursor(ctx, stripeSource); err != nil {
		return res, err
	} else if raw != "" && !opts.Full {
		if err := json.Unmarshal([]byte(raw), &cur); err != nil {
			return res, fmt.Errorf("stripe: the saved cursor is damaged (%v): run with --full", err)
		}
	}
	freeMail := NewIndex(feedback.MatchData{}, opts.ExtraFreeMail)
	err := recordRun(ctx, st, "accounts", stripeSource, &res, func() error {
		if cur.FullAt == 0 || now.Sub(time.Unix(cur.FullAt, 0)) > fullEvery {
			return stripeFull(ctx, st, c, freeMail, &res, now)
		}
		return stripeIncremental(ctx, st, c, freeMail, cur, &res, now)
	})
	if err != nil {
		return res, err
	}
	return res, rematch(ctx, st, &res, opts)
}

func stripeFull(ctx context.Context, st *store.DB, c *stripe.Client, freeMail *Index, res *Result, now time.Time) error {
	// Taken before reading, so that what changes while we read is replayed next time.
	latest, err := c.LatestEvent(ctx)
	if err != nil {
		return err
	}
	var customers []stripe.Customer
	if err := c.Customers(ctx, func(page []stripe.Customer) error { customers = append(customers, page...); return nil }); err != nil {
		return err
	}
	subs := map[string][]stripe.Subscription{}
	if err := c.Subscriptions(ctx, "", func(page []stripe.Subscription) error {
		for _, s := range page {
			subs[s.Customer] = append(subs[s.Customer], s)
		}
		return nil
	}); err != nil {
		return err
	}
	raw, _ := json.Marshal(stripeCursor{EventsAfter: latest, FullAt: now.Unix()})
	return saveStripe(ctx, st, customers, subs, freeMail, res, now, string(raw))
}

func stripeIncremental(ctx context.Context, st *store.DB, c *stripe.Client, freeMail *Index, cur stripeCursor, res *Result, now time.Time) error {
	ids := map[string]bool{}
	newest := cur.EventsAfter
	err := c.Events(ctx, cur.EventsAfter, stripeEventTypes, func(page []stripe.Event) error {
		for _, e := range page {
			newest = max(newest, e.Created)
			var obj struct {
				ID       string `json:"id"`
				Object   string `json:"object"`
				Customer string `json:"customer"`
			}
			if json.Unmarshal(e.Data.Object, &obj) != nil {
				continue
			}
			switch {
			case obj.Object == "customer":
				ids[obj.ID] = true
			case obj.Customer != "":
				ids[obj.Customer] = true
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var customers []stripe.Customer
	subs := map[string][]stripe.Subscription{}
	keys := make([]string, 0, len(ids))
	for id := range ids {
		keys = append(keys, id)
	}
	sort.Strings(keys)
	for _, id := range keys {
		cu, err := c.Customer(ctx, id)
		if err != nil {
			return err
		}
		customers = append(customers, cu)
		if err := c.Subscriptions(ctx, id, func(page []stripe.Subscription) error {
			subs[id] = append(subs[id], page...)
			return nil
		}); err != nil {
			return err
		}
	}
	raw, _ := json.Marshal(stripeCursor{EventsAfter: newest, FullAt: cur.FullAt})
	return saveStripe(ctx, st, customers, subs, freeMail, res, now, string(raw))
}

// saveStripe writes the customers in batches; the cursor goes with the last batch. A deleted
// customer keeps its name and contacts in Koe and only becomes churned.
func saveStripe(ctx context.Context, st *store.DB, customers []stripe.Customer, subs map[string][]stripe.Subscription,
	freeMail *Index, res *Result, now time.Time, cursor string) error {
	var live, deleted []feedback.AccountRecord
	for _, cu := range customers {
		res.Counts.Read++
		if cu.Deleted {
			deleted = append(deleted, feedback.AccountRecord{Account: feedback.Account{ExternalID: cu.ID, Name: cu.ID,
				NameKey: NameKey(cu.ID), Lifecycle: feedback.Churned, MRR: feedback.Money{Currency: "JPY"}}})
			continue
		}
		rec, notes, err := stripeRecord(cu, subs[cu.ID], freeMail, now)
		if err != nil {
			res.Counts.Skipped++
			res.Problems = append(res.Problems, Problem{"stripe customer " + cu.ID, err.Error()})
			continue
		}
		for _, n := range notes { // stored, but part of its revenue is not in its MRR: say so
			res.Problems = append(res.Problems, Problem{"stripe customer " + cu.ID, "MRR: " + n})
		}
		live = append(live, rec)
	}
	batches := []store.AccountBatch{{Source: stripeSource, Fields: []string{feedback.FieldMRR, feedback.FieldLifecycle, feedback.FieldCancelAtPeriodEnd}, Records: deleted}}
	for start := 0; start < len(live) || start == 0; start += stripeBatchSize {
		batches = append(batches, store.AccountBatch{Source: stripeSource, Fields: stripeFields, Records: live[start:min(start+stripeBatchSize, len(live))]})
	}
	batches[len(batches)-1].Cursor = &store.SourceCursor{Kind: "stripe", Name: stripeSource, Cursor: cursor}
	for _, b := range batches {
		counts, err := st.SaveAccounts(ctx, b)
		if err != nil {
			return err
		}
		counts.Read = 0
		res.Counts.Add(counts)
	}
	return nil
}

// stripeRecord is a customer as an account, and notes on the revenue its MRR leaves out.
func stripeRecord(cu stripe.Customer, subs []stripe.Subscription, freeMail *Index, now time.Time) (feedback.AccountRecord, []string, error) {
	rev := stripe.CustomerRevenue(subs, now)
	name := ""
	for _, k := range []string{"company", "company_name", "会社名"} {
		if v := strings.TrimSpace(cu.Metadata[k]); v != "" && name == "" {
			name = v
		}
	}
	for _, v := range []string{cu.Name, cu.Description, cu.Email} {
		if name == "" {
			name = strings.TrimSpace(v)
		}
	}
	if name == "" {
		return feedback.AccountRecord{}, nil, fmt.Errorf("has no name, description or email: give it a name in Stripe")
	}
	currency := rev.Currency
	if currency == "" {
		currency = strings.ToUpper(cu.Currency)
	}
	if currency == "" {
		currency = "JPY"
	}
	a := feedback.Account{
		ExternalID: cu.ID, Name: name, NameKey: NameKey(name),
		MRR: feedback.Money{Minor: rev.MRR, Currency: currency}, Lifecycle: feedback.Lifecycle(rev.Lifecycle),
		CancelAtPeriodEnd: rev.CancelAtPeriodEnd,
	}
	if rev.RenewalAt != nil {
		d := rev.RenewalAt.Truncate(24 * time.Hour)
		a.RenewalDate = &d
	}
	if rev.CancelAtPeriodEnd {
		risk := cancelRisk
		a.ChurnRisk = &risk
	}
	var contacts []feedback.Contact
	if email := strings.ToLower(strings.TrimSpace(cu.Email)); strings.Contains(email, "@") {
		contacts = append(contacts, feedback.Contact{Email: email, Name: cu.Name})
		if domain := email[strings.LastIndexByte(email, '@')+1:]; !freeMail.IsFreeMail(domain) {
			a.Domains = []string{domain}
		}
	}
	return feedback.AccountRecord{Account: a, Contacts: contacts}, rev.Notes, nil
}
