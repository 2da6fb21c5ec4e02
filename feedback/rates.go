package feedback

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Rate is the value of one unit of Currency in the base currency, as set on On (a date).
type Rate struct {
	Currency string    `json:"currency"`
	Rate     float64   `json:"rate"`
	On       time.Time `json:"on"`
}

// Rates are the exchange rates a sum is made with: Base is the base currency (KOE_CURRENCY) and
// By the latest rate of each other currency. An amount in the base currency needs no rate; an
// amount in a currency without one cannot be converted, and is never added as it stands.
type Rates struct {
	Base string
	By   map[string]Rate
}

// NewRates indexes list by currency; a rate of the base currency itself is ignored.
func NewRates(base string, list []Rate) Rates {
	r := Rates{Base: base, By: make(map[string]Rate, len(list))}
	for _, x := range list {
		if x.Currency != base {
			r.By[x.Currency] = x
		}
	}
	return r
}

// Lookup returns the rate of currency to the base (1 for the base itself) and whether there is one.
func (r Rates) Lookup(currency string) (Rate, bool) {
	if currency == r.Base {
		return Rate{Currency: currency, Rate: 1}, true
	}
	x, ok := r.By[currency]
	return x, ok
}

// Factor is what an amount in currency's minor units is multiplied by to give base minor units,
// and whether currency has a rate.
func (r Rates) Factor(currency string) (float64, bool) {
	x, ok := r.Lookup(currency)
	if !ok {
		return 0, false
	}
	return x.Rate * minorPerMajor(r.Base) / minorPerMajor(currency), true
}

// Factors lists every currency with a rate, the base first, and its Factor, side by side (for a
// query that converts in the database).
func (r Rates) Factors() (currencies []string, factors []float64) {
	currencies, factors = []string{r.Base}, []float64{1}
	for c := range r.By {
		f, _ := r.Factor(c)
		currencies, factors = append(currencies, c), append(factors, f)
	}
	return currencies, factors
}

// MinorPerMajor is how many minor units the base currency has to its major unit (1 for JPY).
func (r Rates) MinorPerMajor() float64 { return minorPerMajor(r.Base) }

// MRRBand is the band (MRRBand) of m converted to the base currency, and false when m's
// currency has no rate: such an amount is in no band.
func (r Rates) MRRBand(m Money) (string, bool) {
	x, ok := r.Convert(m)
	if !ok {
		return "", false
	}
	return MRRBand(x / r.MinorPerMajor()), true
}

// Convert returns m in base minor units, and false when m's currency has no rate.
func (r Rates) Convert(m Money) (float64, bool) {
	f, ok := r.Factor(m.Currency)
	return float64(m.Minor) * f, ok
}

// Format formats an amount of base minor units (a float from the ranking), rounded.
func (r Rates) Format(minor float64) string {
	return Money{Minor: int64(math.Round(minor)), Currency: r.Base}.String()
}

func minorPerMajor(currency string) float64 {
	if ZeroDecimal(currency) {
		return 1
	}
	return 100
}

// ParseRate reads "USD=150.25": one unit of USD is worth 150.25 of the base currency.
func ParseRate(s string, base string, on time.Time) (Rate, error) {
	cur, val, ok := strings.Cut(strings.TrimSpace(s), "=")
	cur = strings.ToUpper(strings.TrimSpace(cur))
	if !ok || len(cur) != 3 || strings.Trim(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return Rate{}, Errorf(EINVALID, "%q: write a rate as CUR=RATE, such as USD=150.25.", s)
	}
	if cur == base {
		return Rate{}, Errorf(EINVALID, "%s is the base currency: it needs no rate.", cur)
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
	if err != nil || x <= 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return Rate{}, Errorf(EINVALID, "%q: the rate must be a positive number, such as USD=150.25.", s)
	}
	return Rate{Currency: cur, Rate: x, On: on}, nil
}
