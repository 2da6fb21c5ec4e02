package feedback

import (
	"fmt"
	"testing"
)

func TestMoneyString(t *testing.T) {
	tests := []struct {
		m    Money
		want string
	}{
		{Money{1_200_000, "JPY"}, "¥1,200,000"},
		{Money{0, "JPY"}, "¥0"},
		{Money{125_050, "USD"}, "$1,250.50"},
		{Money{99, "EUR"}, "0.99 EUR"},
		{Money{5000, "KRW"}, "5,000 KRW"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.m, got, tt.want)
		}
	}
	if got := (Money{1500, "USD"}).Major(); got != 15 {
		t.Errorf("Major = %v, want 15", got)
	}
	if got := (Money{1500, "JPY"}).Major(); got != 1500 {
		t.Errorf("Major = %v, want 1500", got)
	}
}

func TestErrorCode(t *testing.T) {
	err := fmt.Errorf("store: wrap: %w", Errorf(ENOTFOUND, "No request %d.", 7))
	if got := ErrorCode(err); got != ENOTFOUND {
		t.Errorf("code = %q, want %q", got, ENOTFOUND)
	}
	if got := ErrorMessage(err); got != "No request 7." {
		t.Errorf("message = %q", got)
	}
	if got := ErrorCode(fmt.Errorf("boom")); got != EINTERNAL {
		t.Errorf("plain error code = %q, want %q", got, EINTERNAL)
	}
	if ErrorCode(nil) != "" {
		t.Error("nil error has a code")
	}
}

func TestValid(t *testing.T) {
	if !Tag("").Valid() || !TagChurnRisk.Valid() || Tag("vip").Valid() {
		t.Error("Tag.Valid")
	}
	if !Planned.Valid() || RequestStatus("done").Valid() {
		t.Error("RequestStatus.Valid")
	}
	if !SourceReview.Valid() || SourceKind("fax").Valid() {
		t.Error("SourceKind.Valid")
	}
	if !Churned.Valid() || Lifecycle("lead").Valid() {
		t.Error("Lifecycle.Valid")
	}
}

func TestParseTag(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Tag
		ok   bool
	}{
		{"", TagNone, true},
		{"churn_risk", TagChurnRisk, true},
		{" 解約リスク ", "", false}, // a label: locale.ParseTag reads those
		{"UX", TagUsability, true},
		{"アップセル", TagExpansion, true},
		{"業務効率", TagInternalEfficiency, true},
		{"要確認", "", false},
	} {
		t.Run(c.in, func(t *testing.T) {
			if got, ok := ParseTag(c.in); got != c.want || ok != c.ok {
				t.Errorf("ParseTag(%q) = %q, %v, want %q, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}
