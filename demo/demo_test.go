package demo

import (
	"reflect"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
)

var clock = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func TestGenerateIsDeterministic(t *testing.T) {
	a := Generate(Options{Seed: 7, Now: clock})
	b := Generate(Options{Seed: 7, Now: clock})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed and clock gave different data")
	}
	c := Generate(Options{Seed: 8, Now: clock})
	if reflect.DeepEqual(a.Items[0], c.Items[0]) && reflect.DeepEqual(a.Accounts[0], c.Accounts[0]) {
		t.Fatal("different seeds gave the same data")
	}
}

func TestGenerateShape(t *testing.T) {
	ds := Generate(Options{Seed: 1, Now: clock})
	if n := len(ds.Accounts); n < 300 {
		t.Errorf("accounts = %d, want >= 300", n)
	}
	if n := len(ds.Items); n < 3000 {
		t.Errorf("feedback = %d, want >= 3000", n)
	}
	if n := len(ds.Requests); n < 50 {
		t.Errorf("requests = %d, want >= 50", n)
	}

	lifecycles := map[feedback.Lifecycle]int{}
	var small, large int
	for _, a := range ds.Accounts {
		lifecycles[a.Lifecycle]++
		if a.Lifecycle != feedback.Customer {
			if a.MRR.Minor != 0 {
				t.Errorf("%s account %s has MRR %d", a.Lifecycle, a.Name, a.MRR.Minor)
			}
			continue
		}
		if a.MRR.Minor < 10_000 || a.MRR.Minor > 2_000_000 {
			t.Errorf("account %s MRR %d outside ¥10,000–¥2,000,000", a.Name, a.MRR.Minor)
		}
		if a.MRR.Minor <= 50_000 {
			small++
		}
		if a.MRR.Minor >= 500_000 {
			large++
		}
	}
	customers := lifecycles[feedback.Customer]
	if lifecycles[feedback.Prospect] == 0 || lifecycles[feedback.Churned] == 0 {
		t.Errorf("lifecycles = %v, want prospects and churned among them", lifecycles)
	}
	if small*10 < customers*7 {
		t.Errorf("%d of %d customers at ≤ ¥50,000: want a long tail of small accounts", small, customers)
	}
	if large == 0 || large*10 > customers {
		t.Errorf("%d of %d customers at ≥ ¥500,000: want a few", large, customers)
	}

	kinds := map[feedback.SourceKind]int{}
	status := map[feedback.Status]int{}
	langs := map[string]int{}
	keys := map[string]bool{}
	for _, it := range ds.Items {
		kinds[it.SourceKind]++
		status[it.Status]++
		langs[it.Language]++
		key := string(it.SourceKind) + "/" + it.SourceName + "/" + it.SourceID
		if keys[key] {
			t.Fatalf("duplicate source key %s", key)
		}
		keys[key] = true
		if it.Status == feedback.StatusTriaged && (it.RequestID == nil || it.Tag == feedback.TagNone || it.Insight == "") {
			t.Errorf("triaged item %d lacks request, tag or insight", it.ID)
		}
		if it.AccountID != nil && it.MRRAtReceipt == nil {
			t.Errorf("item %d has an account but no MRR at receipt", it.ID)
		}
		if it.ReceivedAt.After(clock) {
			t.Errorf("item %d received in the future", it.ID)
		}
	}
	for _, k := range []feedback.SourceKind{feedback.SourceChat, feedback.SourceReview, feedback.SourceEmail} {
		if kinds[k] < 300 {
			t.Errorf("%s voices = %d, want plenty", k, kinds[k])
		}
	}
	if status[feedback.StatusTriaged] < 500 || status[feedback.StatusNew] < 500 {
		t.Errorf("statuses = %v, want some triaged and some new", status)
	}
	if langs["ja"] < 1000 || langs["en"] < 300 {
		t.Errorf("languages = %v, want both Japanese and English", langs)
	}
}
