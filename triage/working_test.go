package triage_test

import (
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/triage"
)

func TestWorkingInTheReadersLanguage(t *testing.T) {
	on := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	x := scoring.Part{Reason: scoring.ReasonChurn, Basis: feedback.Money{Minor: 125_000, Currency: "USD"}, BasisBase: 187_812.5,
		Rate: &feedback.Rate{Currency: "USD", Rate: 150.25, On: on}, Probability: 0.45,
		Factors: []scoring.Factor{{Code: "base", Value: 0.3}, {Code: "renewal", Value: 0.15, Days: 20}}, Decay: 0.5, LastAt: on}
	for _, c := range []struct{ lang, want string }{
		{"en", "churn: MRR USD 1,250.00 ≈ ¥187,813 at 150.25 on 2026-11-30 × p(churn) 0.45 (base 0.30 + renewal in 20 days 0.15) × 12 months × decay 0.50 (newest voice 2026-11-30)"},
		{"ja", "解約: MRR USD 1,250.00 ≈ ¥187,813（2026-11-30 のレート 150.25） × 解約確率 0.45（基本 0.30 + 20 日後に更新 0.15） × 12 か月 × 減衰 0.50（最新の声 2026-11-30）"},
	} {
		if got := triage.Working(locale.For(c.lang), x, "JPY", time.UTC); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.lang, got, c.want)
		}
	}
	// Every reason has its words.
	for _, r := range []string{scoring.ReasonExpansion, scoring.ReasonExpansionEstimate, scoring.ReasonPipeline, scoring.ReasonUsability,
		scoring.ReasonEfficiency, scoring.ReasonUntagged} {
		got := triage.Working(locale.For("ja"), scoring.Part{Reason: r, Basis: feedback.Money{Minor: 1000, Currency: "JPY"}, Decay: 1, WinBack: true}, "JPY", time.UTC)
		if strings.Contains(got, "working.") || !strings.Contains(got, "¥1,000") || !strings.Contains(got, "取り戻し") {
			t.Errorf("%s: %q", r, got)
		}
	}
}
