package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
)

// TestBacklogSegments: /backlog takes a plan and a language in any case, answers one the data
// lacks with the values there are, and /backlog/choices lists them.
func TestBacklogSegments(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	emp := 1500
	acct, req := int64(2), int64(1)
	if err := f.db.ImportDataset(ctx, feedback.Dataset{
		Accounts: []feedback.Account{{ID: 2, Source: "t", ExternalID: "2", Name: "Big KK", NameKey: "big", MRR: feedback.Money{Minor: 900_000, Currency: "JPY"},
			Plan: "Enterprise", Employees: &emp, Lifecycle: feedback.Customer}},
		Items: []feedback.Item{{ID: 100, SourceKind: feedback.SourceReview, SourceName: "g2", SourceID: "g2-1", ReceivedAt: time.Now(), Body: "SSO please",
			Language: "en", AccountID: &acct, RequestID: &req, Tag: feedback.TagChurnRisk, Status: feedback.StatusTriaged}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"plan=enterprise", "plan=ENTERPRISE&language=EN", "employees=1000%2B&lifecycle=Customer&source=Review&mrr_band=500K-1M"} {
		code, out := f.call("GET", "/api/v1/backlog?"+q, f.read, "")
		if data, _ := out["data"].([]any); code != 200 || len(data) != 1 || data[0].(map[string]any)["request_id"] != float64(1) {
			t.Errorf("backlog?%s: %d %v", q, code, out)
		}
	}
	for q, want := range map[string]string{
		"plan=Gold":        `plan "Gold": no account is on that plan; use Enterprise.`,
		"language=fr":      `language "fr": no voice is in that language; use en.`,
		"employees=lots":   `employees "lots": use 1-49, 50-249, 250-999 or 1000+.`,
		"lifecycle=paying": `lifecycle "paying": use prospect, customer or churned.`,
	} {
		code, out := f.call("GET", "/api/v1/backlog?"+q, f.read, "")
		msg, _ := out["error"].(map[string]any)["message"].(string)
		if code != 400 || errCode(out) != "invalid" || !strings.Contains(msg, want) {
			t.Errorf("backlog?%s: %d %v, want %q", q, code, out, want)
		}
	}
	code, out := f.call("GET", "/api/v1/backlog/choices", f.read, "")
	data, _ := out["data"].(map[string]any)
	if code != 200 || out["currency"] != "JPY" || data == nil {
		t.Fatalf("choices: %d %v", code, out)
	}
	plans := data["plans"].([]any)
	if len(plans) != 1 || plans[0].(map[string]any)["value"] != "Enterprise" || plans[0].(map[string]any)["count"] != float64(1) {
		t.Errorf("plans %v", plans)
	}
	src := data["sources"].([]any)
	if len(src) != 1 || src[0].(map[string]any)["kind"] != "review" || src[0].(map[string]any)["names"].([]any)[0] != "g2" {
		t.Errorf("sources %v", src)
	}
	if code, _ := f.call("GET", "/api/v1/backlog/choices", "", ""); code != 401 {
		t.Errorf("choices without a token: %d", code)
	}
}
