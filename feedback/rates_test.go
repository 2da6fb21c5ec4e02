package feedback_test

import (
	"math"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
)

func TestRatesConvert(t *testing.T) {
	on := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	jpy := feedback.NewRates("JPY", []feedback.Rate{{Currency: "USD", Rate: 150.25, On: on}, {Currency: "KRW", Rate: 0.11, On: on}})
	usd := feedback.NewRates("USD", []feedback.Rate{{Currency: "JPY", Rate: 0.0066, On: on}})
	for _, c := range []struct {
		rates feedback.Rates
		m     feedback.Money
		want  float64
		ok    bool
	}{
		{jpy, feedback.Money{Minor: 125000, Currency: "USD"}, 187812.5, true}, // USD 1,250.00
		{jpy, feedback.Money{Minor: 1000, Currency: "JPY"}, 1000, true},
		{jpy, feedback.Money{Minor: 1000, Currency: "KRW"}, 110, true},
		{jpy, feedback.Money{Minor: 1000, Currency: "EUR"}, 0, false},
		{usd, feedback.Money{Minor: 10000, Currency: "JPY"}, 6600, true}, // ¥10,000 → $66.00 in cents
	} {
		got, ok := c.rates.Convert(c.m)
		if ok != c.ok || math.Abs(got-c.want) > 1e-6 {
			t.Errorf("%v to %s = %v, %v; want %v, %v", c.m, c.rates.Base, got, ok, c.want, c.ok)
		}
	}
}

func TestParseRate(t *testing.T) {
	on := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	r, err := feedback.ParseRate(" usd=150.25 ", "JPY", on)
	if err != nil || r.Currency != "USD" || r.Rate != 150.25 || !r.On.Equal(on) {
		t.Fatalf("ParseRate = %+v, %v", r, err)
	}
	for _, bad := range []string{"USD", "USD=0", "USD=x", "JPY=1", "US=1", "U1D=2", "USD=NaN", "USD=+Inf"} {
		if _, err := feedback.ParseRate(bad, "JPY", on); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
}
