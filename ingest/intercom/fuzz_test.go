package intercom

import (
	"encoding/json"
	"testing"
)

func FuzzRecord(f *testing.F) {
	f.Add([]byte(`{"id":"1","created_at":1,"source":{"body":"<p>hi</p>","author":{"type":"user","email":"a@b.c"}},"conversation_parts":{"conversation_parts":[{"part_type":"comment","body":"x","author":{"type":"admin"}}]}}`))
	f.Add([]byte(`{"id":12,"source":{"author":{"type":"bot"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Conversation
		if json.Unmarshal(data, &c) != nil {
			return
		}
		rec, p := Record(c, data, "")
		if p == nil && (rec.Item.Body == "" || rec.Item.SourceID == "") {
			t.Fatalf("a record without words or id: %+v", rec.Item)
		}
	})
}
