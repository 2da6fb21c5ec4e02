package accounts

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/koehq/koe/accounts/kintone"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// KintoneMapping says which field code of the kintone app holds what. Company or Person is
// needed; when only one is mapped (or filled in a record), it serves as both.
type KintoneMapping struct {
	Company   string `json:"company"`
	Person    string `json:"person"`
	MRR       string `json:"mrr"`
	Currency  string `json:"currency"` // a field code; the currency itself defaults to JPY
	Domain    string `json:"domain"`
	Plan      string `json:"plan"`
	Employees string `json:"employees"`
	Renewal   string `json:"renewal_date"`
	Contacts  string `json:"contacts"` // email addresses, one field or a table of them
	Lifecycle string `json:"lifecycle"`
	ChurnRisk string `json:"churn_risk"`
	// Updated is the record's updated-time field, used to fetch only what changed since the last
	// run; its default code is 更新日時 (Updated_datetime in English-language apps).
	Updated string `json:"updated"`
}

// codes lists the mapped field codes with what each is for.
func (m KintoneMapping) codes() map[string]string {
	out := map[string]string{}
	for what, code := range map[string]string{
		"company": m.Company, "person": m.Person, "mrr": m.MRR, "currency": m.Currency, "domain": m.Domain,
		"plan": m.Plan, "employees": m.Employees, "renewal_date": m.Renewal, "contacts": m.Contacts,
		"lifecycle": m.Lifecycle, "churn_risk": m.ChurnRisk, "updated": m.Updated,
	} {
		if code != "" {
			out[code] = what
		}
	}
	return out
}

func (m KintoneMapping) provides() []string {
	f := []string{feedback.FieldName}
	add := func(code, field string) {
		if code != "" {
			f = append(f, field)
		}
	}
	add(m.MRR, feedback.FieldMRR)
	add(m.Currency, feedback.FieldCurrency)
	add(m.Domain, feedback.FieldDomains)
	add(m.Plan, feedback.FieldPlan)
	add(m.Employees, feedback.FieldEmployees)
	add(m.Renewal, feedback.FieldRenewalDate)
	add(m.Lifecycle, feedback.FieldLifecycle)
	add(m.ChurnRisk, feedback.FieldChurnRisk)
	return f
}

// kintoneCursor is where an incremental kintone sync stands: records updated at or after Since,
// and within this run, past record LastID. MaxSeen becomes the next run's Since.
type kintoneCursor struct {
	Since   string `json:"since,omitempty"`
	LastID  int64  `json:"last_id,omitempty"`
	MaxSeen string `json:"max_seen,omitempty"`
}

// SyncKintone brings the accounts of kintone app into Koe: first every record, later only those
// updated since the last run, paged by record id ($id > last order by $id asc), each page saved
// with the cursor in one transaction so that an interrupted run resumes where it stopped.
func SyncKintone(ctx context.Context, st *store.DB, c *kintone.Client, app string, m KintoneMapping, opts Options) (Result, error) {
	if m.Updated == "" {
		m.Updated = "更新日時"
	}
	res := Result{Source: "kintone"}
	if m.Company == "" && m.Person == "" {
		return res, fmt.Errorf("kintone: map the company name field (--company-field) or a person's name field (--person-field)")
	}
	props, err := c.Fields(ctx, app)
	if err != nil {
		return res, err
	}
	var missing []string
	for code, what := range m.codes() {
		if _, ok := props[code]; !ok {
			missing = append(missing, fmt.Sprintf("%q (%s)", code, what))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		have := make([]string, 0, len(props))
		for code := range props {
			have = append(have, code)
		}
		sort.Strings(have)
		return res, fmt.Errorf("kintone app %s has no field %s; its field codes are: %s", app, strings.Join(missing, ", "), strings.Join(have, ", "))
	}

	name := "kintone:" + c.Host() + "/" + app
	var cur kintoneCursor
	if raw, err := st.Cursor(ctx, name); err != nil {
		return res, err
	} else if raw != "" && !opts.Full {
		if err := json.Unmarshal([]byte(raw), &cur); err != nil {
			return res, fmt.Errorf("kintone: the saved cursor of %s is damaged (%v): run with --full", name, err)
		}
	}
	fields := []string{"$id", m.Updated}
	for code := range m.codes() {
		if code != m.Updated {
			fields = append(fields, code)
		}
	}
	sort.Strings(fields[2:])

	err = recordRun(ctx, st, "accounts", name, &res, func() error {
		for {
			query := fmt.Sprintf("$id > %d order by $id asc limit %d", cur.LastID, kintone.MaxLimit)
			if cur.Since != "" {
				query = fmt.Sprintf("%s >= %q and %s", m.Updated, cur.Since, query)
			}
			records, err := c.Records(ctx, app, query, fields)
			if err != nil {
				return err
			}
			var batch []feedback.AccountRecord
			for _, r := range records {
				res.Counts.Read++
				id, _ := strconv.ParseInt(r["$id"].Text(), 10, 64)
				cur.LastID = max(cur.LastID, id)
				if u := r[m.Updated].Text(); u > cur.MaxSeen { // ISO 8601 in UTC sorts as text
					cur.MaxSeen = u
				}
				rec, err := kintoneRecord(r, m)
				if err != nil {
					res.Counts.Skipped++
					res.Problems = append(res.Problems, Problem{fmt.Sprintf("kintone app %s record %d", app, id), err.Error()})
					continue
				}
				batch = append(batch, rec)
			}
			done := len(records) < kintone.MaxLimit
			next := cur
			if done { // the run is complete: next time, only what changed since
				next = kintoneCursor{Since: cur.MaxSeen}
				if next.Since == "" {
					next.Since = cur.Since
				}
			}
			raw, _ := json.Marshal(next)
			counts, err := st.SaveAccounts(ctx, store.AccountBatch{Source: "kintone", Fields: m.provides(), Records: batch,
				Cursor: &store.SourceCursor{Kind: "kintone", Name: name, Cursor: string(raw)}})
			if err != nil {
				return err
			}
			counts.Read = 0
			res.Counts.Add(counts)
			if done {
				return nil
			}
		}
	})
	if err != nil {
		return res, err
	}
	return res, rematch(ctx, st, &res, opts)
}

func kintoneRecord(r kintone.Record, m KintoneMapping) (feedback.AccountRecord, error) {
	text := func(code string) string {
		if code == "" {
			return ""
		}
		return strings.TrimSpace(r[code].Text())
	}
	a := feedback.Account{ExternalID: text("$id"), Lifecycle: feedback.Customer, MRR: feedback.Money{Currency: "JPY"}}
	company, person := text(m.Company), text(m.Person)
	if company == "" && person == "" {
		return feedback.AccountRecord{}, fmt.Errorf("has neither a company name nor a person's name")
	}
	if company == "" {
		company = person
	}
	if person == "" {
		person = company
	}
	a.Name, a.NameKey = company, NameKey(company)
	var err error
	if c := text(m.Currency); c != "" {
		if a.MRR.Currency, err = ParseCurrency(c); err != nil {
			return feedback.AccountRecord{}, err
		}
	}
	amount := ParseAmount
	// A number field, typed or calculated, may carry decimals the currency lacks (a CALC field
	// gives 12345.67 yen): rounded, rather than the account skipped and passed by the cursor.
	if t := r[m.MRR].Type; t == "CALC" || t == "NUMBER" {
		amount = RoundAmount
	}
	if a.MRR.Minor, err = amount(text(m.MRR), a.MRR.Currency); err != nil {
		return feedback.AccountRecord{}, fmt.Errorf("%s: %w", m.MRR, err)
	}
	if a.Domains, err = ParseDomains(text(m.Domain)); err != nil {
		return feedback.AccountRecord{}, fmt.Errorf("%s: %w", m.Domain, err)
	}
	a.Plan = text(m.Plan)
	if a.Employees, err = ParseCount(text(m.Employees)); err != nil {
		return feedback.AccountRecord{}, fmt.Errorf("%s: %w", m.Employees, err)
	}
	if a.RenewalDate, err = ParseDate(text(m.Renewal)); err != nil {
		return feedback.AccountRecord{}, fmt.Errorf("%s: %w", m.Renewal, err)
	}
	if v := text(m.Lifecycle); v != "" {
		if a.Lifecycle, err = ParseLifecycle(v); err != nil {
			return feedback.AccountRecord{}, err
		}
	}
	if a.ChurnRisk, err = ParseChurnRisk(text(m.ChurnRisk)); err != nil {
		return feedback.AccountRecord{}, err
	}
	contacts, err := ParseEmails(text(m.Contacts))
	if err != nil {
		return feedback.AccountRecord{}, fmt.Errorf("%s: %w", m.Contacts, err)
	}
	if len(contacts) == 1 && contacts[0].Name == "" {
		contacts[0].Name = person
	}
	return feedback.AccountRecord{Account: a, Contacts: contacts}, nil
}
