package ingest

import (
	"encoding/json"
	"testing"
)

// TestValidJSON: the raw JSON kept with a voice is made what jsonb takes, and only what must
// change changes.
func TestValidJSON(t *testing.T) {
	for _, tt := range []struct {
		name, in, want    string
		replaced, dropped bool
	}{
		{"clean", `{"a":"b"}`, `{"a":"b"}`, false, false},
		{"nul escape", `{"a":"x\u0000y"}`, `{"a":"xy"}`, false, true},
		{"nul in a key", `{"k\u0000":[1,"\u0000"]}`, `{"k":[1,""]}`, false, true},
		{"escaped backslash", `{"a":"\\u0000"}`, `{"a":"\\u0000"}`, false, false},
		{"lone surrogate", `{"a":"\ud800"}`, `{"a":"` + "\uFFFD" + `"}`, false, false},
		{"invalid byte", "{\"a\":\"\xff\"}", `{"a":"` + "\uFFFD" + `"}`, true, false},
		{"big number kept", `{"n":12345678901234567890,"z":"\u0000"}`, `{"n":12345678901234567890,"z":""}`, false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, replaced, dropped := validJSON(json.RawMessage(tt.in))
			if string(got) != tt.want || replaced != tt.replaced || dropped != tt.dropped {
				t.Fatalf("validJSON(%q) = %s %v %v, want %s %v %v", tt.in, got, replaced, dropped, tt.want, tt.replaced, tt.dropped)
			}
		})
	}
}
