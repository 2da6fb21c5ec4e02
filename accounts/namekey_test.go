package accounts

import "testing"

func TestNameKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"株式会社ＡＢＣ商事", "ABC商事（株）"},
		{"株式会社ＡＢＣ商事", "ABC商事㈱"},
		{"ｶﾌﾞｼｷｶﾞｲｼｬ", "カブシキガイシャ"},
		{"Acme, Inc.", "ACME"},
		{"Northwind Co., Ltd.", "northwind"},
		{"Globex Corporation", "Globex"},
		{"Müller GmbH", "müller"},
		{"有限会社 さくら 物流", "さくら物流"},
		{"合同会社みなとラボ", "みなとラボ"},
		{"Blue-Fin Analytics LLC", "bluefin analytics"},
	}
	for _, tt := range tests {
		if got, want := NameKey(tt.a), NameKey(tt.b); got != want {
			t.Errorf("NameKey(%q) = %q, NameKey(%q) = %q; want equal", tt.a, got, tt.b, want)
		}
	}
	distinct := []struct{ a, b string }{
		{"ABC商事", "ABD商事"},
		{"Co-op Foods", "Foods"},
	}
	for _, tt := range distinct {
		if NameKey(tt.a) == NameKey(tt.b) {
			t.Errorf("NameKey(%q) == NameKey(%q) = %q; want different", tt.a, tt.b, NameKey(tt.a))
		}
	}
	if got := NameKey("株式会社"); got == "" {
		t.Errorf("NameKey of a bare legal form is empty")
	}
	if got, want := NameKey("株式会社ＡＢＣ商事"), "abc商事"; got != want {
		t.Errorf("NameKey = %q, want %q", got, want)
	}
}
