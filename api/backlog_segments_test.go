package api_test

import (
	"context"
	"fmt"
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

// TestBacklogParts: /backlog lists the strongest 20 accounts of a request unless ?parts= asks
// for another number (0 to 1000), and the totals still count every account.
func TestBacklogParts(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	var ds feedback.Dataset
	req := int64(1)
	for i := int64(1); i <= 25; i++ {
		acct := i + 10
		ds.Accounts = append(ds.Accounts, feedback.Account{ID: acct, Source: "t", ExternalID: fmt.Sprint(acct), Name: fmt.Sprintf("KK %d", i), NameKey: fmt.Sprintf("kk%d", i),
			MRR: feedback.Money{Minor: 1000 * i, Currency: "JPY"}, Lifecycle: feedback.Customer})
		ds.Items = append(ds.Items, feedback.Item{ID: 100 + i, SourceKind: feedback.SourceReview, SourceName: "g2", SourceID: fmt.Sprint("g2-", i), ReceivedAt: time.Now(),
			Body: "SSO please", Language: "en", AccountID: &acct, RequestID: &req, Tag: feedback.TagChurnRisk, Status: feedback.StatusTriaged})
	}
	if err := f.db.ImportDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	var first any
	for q, want := range map[string]int{"": 20, "?parts=0": 0, "?parts=3": 3, "?parts=1000": 25} {
		code, out := f.call("GET", "/api/v1/backlog"+q, f.read, "")
		data, _ := out["data"].([]any)
		if code != 200 || len(data) == 0 || data[0].(map[string]any)["request_id"] != float64(1) {
			t.Fatalf("backlog%s: %d %v", q, code, out)
		}
		r := data[0].(map[string]any)
		parts := r["breakdown"].([]any)
		if len(parts) != want || r["parts_more"] != float64(25-want) || r["accounts"] != float64(25) || r["mrr_total"] != float64(1000*25*26/2) {
			t.Errorf("backlog%s: %d parts, %v more, %v accounts, MRR %v; want %d parts of 25 accounts", q, len(parts), r["parts_more"], r["accounts"], r["mrr_total"], want)
		}
		if want > 0 && first == nil {
			first = parts[0].(map[string]any)["account_id"]
		}
		if want > 0 && parts[0].(map[string]any)["account_id"] != first {
			t.Errorf("backlog%s: the first part is %v, elsewhere %v: the strongest are not first", q, parts[0], first)
		}
	}
	for _, q := range []string{"parts=-1", "parts=1001", "parts=all"} {
		code, out := f.call("GET", "/api/v1/backlog?"+q, f.read, "")
		msg, _ := out["error"].(map[string]any)["message"].(string)
		if code != 400 || errCode(out) != "invalid" || !strings.Contains(msg, "use a number from 0 to 1000") {
			t.Errorf("backlog?%s: %d %v", q, code, out)
		}
	}
}
