package appstore

import (
	"encoding/json"
	"testing"
)

func FuzzEntries(f *testing.F) {
	f.Add([]byte(`[{"im:name":{"label":"app"}},{"id":{"label":"1"},"im:rating":{"label":"5"}}]`))
	f.Add([]byte(`{"id":{"label":"1"}}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := entries(json.RawMessage(data))
		if err != nil {
			return
		}
		for _, raw := range list {
			var e entry
			_ = json.Unmarshal(raw, &e)
		}
	})
}
