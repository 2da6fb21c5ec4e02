package triage

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/scoring"
)

// Working puts a part of a ranking in the reader's words: the reason and its numbers, the
// original amount and the rate it was converted with, the months and the decay, as in
// "churn: MRR USD 1,250.00 ≈ ¥187,813 at 150.25 on 2026-11-30 × p(churn) 0.30 (base 0.30) × 12
// months". base is the base currency; loc the zone the newest voice's date is read in.
func Working(p locale.Printer, x scoring.Part, base string, loc *time.Location) string {
	basis := Amount(p, x.Basis, x.BasisBase, x.Rate, base)
	prob := fmt.Sprintf("%.2f", x.Probability)
	var s string
	switch x.Reason {
	case scoring.ReasonChurn:
		terms := make([]string, 0, len(x.Factors))
		for _, f := range x.Factors {
			v := fmt.Sprintf("%.2f", f.Value)
			switch f.Code {
			case "signal":
				terms = append(terms, p.T("working.factor_signal", "Value", v, "Signal", fmt.Sprintf("%.2f", f.Signal)))
			case "renewal":
				terms = append(terms, p.T("working.factor_renewal", "Value", v, "Days", f.Days))
			case "cancel":
				terms = append(terms, p.T("working.factor_cancel", "Value", v))
			default:
				terms = append(terms, p.T("working.factor_base", "Value", v))
			}
		}
		s = p.T("working.churn", "MRR", basis, "P", prob, "Factors", strings.Join(terms, " + "))
	case scoring.ReasonExpansion:
		s = p.T("working.expansion", "Amount", basis, "P", prob)
	case scoring.ReasonExpansionEstimate:
		s = p.T("working.expansion_estimate", "Amount", basis)
	case scoring.ReasonPipeline:
		s = p.T("working.pipeline", "Amount", basis, "P", prob)
	case scoring.ReasonUsability:
		s = p.T("working.usability", "Amount", basis, "P", prob)
	case scoring.ReasonEfficiency:
		s = p.T("working.internal_efficiency", "Amount", basis, "P", prob)
	default:
		s = p.T("working.untagged", "Amount", basis, "P", prob)
	}
	if x.WinBack {
		s = p.T("working.win_back", "Text", s)
	}
	s = p.T("working.months", "Text", s)
	if x.Decay < 0.9999 {
		s = p.T("working.decay", "Text", s, "Decay", fmt.Sprintf("%.2f", x.Decay), "Date", x.LastAt.In(loc).Format("2006-01-02"))
	}
	return s
}

// Amount is an amount as the working shows it: in the base currency as it stands, or the
// original with its conversion ("USD 1,250.00 ≈ ¥187,813 at 150.25 on 2026-11-30").
func Amount(p locale.Printer, m feedback.Money, inBase float64, rate *feedback.Rate, base string) string {
	if rate == nil {
		return m.String()
	}
	return p.T("working.converted", "Original", m.Coded(), "Base", feedback.Rates{Base: base}.Format(inBase),
		"Rate", strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.6f", rate.Rate), "0"), "."), "On", rate.On.Format("2006-01-02"))
}

// BreakdownColumns are the names of BreakdownRows' columns, for programs (JSON keys);
// breakdownHeaders are their catalog ids, for people.
var BreakdownColumns = []string{"rank", "request_id", "title", "status", "account_id", "account", "tag", "reason", "mrr", "currency",
	"mrr_base", "rate", "rate_on", "probability", "decay", "last_voice", "at_stake_per_year", "working"}

var breakdownHeaders = []string{"requests.breakdown_col_rank", "requests.breakdown_col_request_id", "requests.breakdown_col_title",
	"requests.breakdown_col_status", "requests.breakdown_col_account_id", "requests.breakdown_col_account", "requests.breakdown_col_tag",
	"requests.breakdown_col_reason", "requests.breakdown_col_mrr", "requests.breakdown_col_currency", "requests.breakdown_col_mrr_base",
	"requests.breakdown_col_rate", "requests.breakdown_col_rate_on", "requests.breakdown_col_probability", "requests.breakdown_col_decay",
	"requests.breakdown_col_last_voice", "requests.breakdown_col_at_stake_per_year", "requests.breakdown_col_working"}

// BreakdownRows are the parts of the explained requests of list, one row per request and
// account, strongest first within a request: status, tag and reason in p's words, MRR in its own currency and in base, the
// rate and its date, the probability (or weight) and decay used, what it puts at stake a year
// and the working in p's words; with header, a first row of column names in p's words. Amounts
// are in major units with a dot (1250.00), for spreadsheets.
func BreakdownRows(p locale.Printer, list []scoring.Ranked, base string, loc *time.Location, header bool) [][]string {
	var out [][]string
	if header {
		h := make([]string, len(breakdownHeaders))
		for i, id := range breakdownHeaders {
			h[i] = p.T(id)
		}
		out = append(out, h)
	}
	unit := feedback.Rates{Base: base}.MinorPerMajor()
	for _, r := range list {
		for _, x := range r.Breakdown {
			rate, on := "1", ""
			if x.Rate != nil {
				rate, on = strconv.FormatFloat(x.Rate.Rate, 'f', -1, 64), x.Rate.On.Format("2006-01-02")
			}
			tag := ""
			if x.Tag != "" {
				tag = p.Label("tag", x.Tag)
			}
			out = append(out, []string{strconv.Itoa(r.Rank), strconv.FormatInt(r.RequestID, 10), r.Title, p.Label("status", string(r.Status)),
				strconv.FormatInt(x.AccountID, 10), x.Account, tag, p.Label("reason", x.Component), major(x.MRR), x.MRR.Currency,
				strconv.FormatFloat(x.MRRBase/unit, 'f', 2, 64), rate, on, strconv.FormatFloat(x.Probability, 'f', 4, 64),
				strconv.FormatFloat(x.Decay, 'f', 4, 64), x.LastAt.In(loc).Format("2006-01-02"),
				strconv.FormatFloat(x.Amount/unit, 'f', 2, 64), Working(p, x, base, loc)})
		}
	}
	return out
}

// major writes m in major units: "1250.00", "120000".
func major(m feedback.Money) string {
	if feedback.ZeroDecimal(m.Currency) {
		return strconv.FormatInt(m.Minor, 10)
	}
	return strconv.FormatFloat(float64(m.Minor)/100, 'f', 2, 64)
}
