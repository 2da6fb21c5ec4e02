package g2

import (
	"encoding/json"
	"testing"
)

func FuzzRecord(f *testing.F) {
	f.Add([]byte(`{"id":"1","attributes":{"star_rating":9,"submitted_at":"2026-01-01T00:00:00Z","comment_answers":{"love":{"value":"a"},"hate":{"value":"b"}}}}`))
	f.Add([]byte(`{"id":"2","attributes":{"submitted_at":"never"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r response
		if json.Unmarshal(data, &r) != nil {
			return
		}
		rec, _, err := record(r, data)
		if err == nil && rec.Item.Rating != nil && *rec.Item.Rating > 5 && *rec.Item.Rating <= 10 {
			t.Fatalf("rating %v above 5", *rec.Item.Rating)
		}
	})
}
