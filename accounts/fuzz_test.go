package accounts

import (
	"bytes"
	"testing"
)

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("顧客ID,会社名,月額\nC1,株式会社ＡＢＣ,\"120,000\"\n"))
	f.Add([]byte("name,mrr,lifecycle,churn_risk\nA,1,解約,高\nB,x,zombie,2\n\"open"))
	f.Add([]byte{0x82, 0xa0, ',', 0x82, 0xa2, '\n'})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseCSV("f.csv", bytes.NewReader(data))
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, r := range got.Records {
			a := r.Account
			if a.Name == "" || a.NameKey == "" || a.ExternalID == "" || seen[a.ExternalID] || a.MRR.Minor < 0 {
				t.Fatalf("bad record %+v", a)
			}
			seen[a.ExternalID] = true
		}
		if len(got.Records) > got.Rows {
			t.Fatalf("%d records from %d rows", len(got.Records), got.Rows)
		}
	})
}

func FuzzNameKey(f *testing.F) {
	for _, s := range []string{"株式会社ＡＢＣ商事", "ABC商事㈱", "Acme, Inc.", "(株)", "Co., Ltd."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := NameKey(s)
		if NameKey(k) != k && k != "" {
			// a key is already normal: normalising it again must not change it
			t.Fatalf("NameKey(%q) = %q, but NameKey of that = %q", s, k, NameKey(k))
		}
	})
}
