package feedback_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/koehq/koe/feedback"
)

func TestBacklogFilterIgnoresCase(t *testing.T) {
	values := map[string]string{"tag": "Churn_Risk", "lifecycle": "Customer", "source": "CHAT", "language": "JA", "mrr_band": "1m+", "plan": " Enterprise "}
	f, err := feedback.ParseBacklogFilter(func(k string) string { return values[k] }, func(k string) string { return k })
	if err != nil {
		t.Fatal(err)
	}
	if f.Tag != feedback.TagChurnRisk || f.Lifecycle != feedback.Customer || f.SourceKind != feedback.SourceChat || f.Language != "ja" || f.MRRBand != "1M+" || f.Plan != "Enterprise" {
		t.Fatalf("filter %+v", f)
	}
}

func TestParseStatuses(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []feedback.RequestStatus
	}{
		{"", nil},
		{"all", feedback.RequestStatuses},
		{"open", feedback.OpenStatuses},
		{"shipped, declined,shipped", []feedback.RequestStatus{feedback.Shipped, feedback.Declined}},
	} {
		got, err := feedback.ParseStatuses(c.in, "--status")
		if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("ParseStatuses(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if _, err := feedback.ParseStatuses("done", "--status"); err == nil || !strings.Contains(err.Error(), "--status") {
		t.Errorf("a bad status: %v", err)
	}
}
