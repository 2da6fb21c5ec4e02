package accounts

import (
	"fmt"
	"strings"

	"github.com/koehq/koe/feedback"
)

// ParsePatch reads FIELD=VALUE pairs (name, domains, mrr, currency, plan, employees, lifecycle,
// renewal_date, churn_risk, expansion, deal) into a patch. Amounts are in major units of the
// currency given, or of currentCurrency.
func ParsePatch(pairs []string, currentCurrency string) (feedback.AccountPatch, error) {
	var p feedback.AccountPatch
	values := map[string]string{}
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return p, fmt.Errorf("%q: write FIELD=VALUE, such as mrr=120000", kv)
		}
		values[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	currency := currentCurrency
	if v, ok := values["currency"]; ok {
		c, err := ParseCurrency(v)
		if err != nil {
			return p, err
		}
		currency = c
		if _, ok := values["mrr"]; !ok {
			return p, fmt.Errorf("currency goes with mrr: give both")
		}
		delete(values, "currency")
	}
	for k, v := range values {
		var err error
		switch k {
		case "name":
			if v == "" {
				return p, fmt.Errorf("name cannot be empty")
			}
			key := NameKey(v)
			p.Name, p.NameKey = &v, &key
		case "domains":
			var d []string
			d, err = ParseDomains(v)
			p.Domains = &d
		case "mrr":
			var m int64
			m, err = ParseAmount(v, currency)
			p.MRR = &feedback.Money{Minor: m, Currency: currency}
		case "plan":
			p.Plan = &v
		case "employees":
			p.Employees, err = ParseCount(v)
		case "lifecycle":
			var l feedback.Lifecycle
			l, err = ParseLifecycle(v)
			p.Lifecycle = &l
		case "renewal_date":
			p.RenewalDate, err = ParseDate(v)
		case "churn_risk":
			p.ChurnRisk, err = ParseChurnRisk(v)
		case "expansion":
			p.Expansion, err = optionalAmount(v, currency)
		case "deal":
			p.Deal, err = optionalAmount(v, currency)
		default:
			return p, fmt.Errorf("unknown field %q: use name, domains, mrr, currency, plan, employees, lifecycle, renewal_date, churn_risk, expansion or deal", k)
		}
		if err != nil {
			return p, fmt.Errorf("%s: %w", k, err)
		}
	}
	return p, nil
}
