package accounts

import (
	"testing"

	"github.com/koehq/koe/feedback"
)

func TestIndexMatch(t *testing.T) {
	data := feedback.MatchData{
		Rules: []feedback.Rule{
			{Kind: feedback.RuleEmail, Pattern: "ceo@gmail.com", AccountID: 3},
			{Kind: feedback.RuleDomain, Pattern: "partner.example", AccountID: 4},
		},
		Contacts: []feedback.Contact{{Email: "Taro@ABC-shoji.co.jp", AccountID: 1}, {Email: "known@gmail.com", AccountID: 2}},
		Accounts: []feedback.AccountKey{
			{ID: 1, NameKey: NameKey("株式会社ＡＢＣ商事"), Domains: []string{"abc-shoji.co.jp"}},
			{ID: 2, NameKey: NameKey("Globex Corporation"), Domains: []string{"globex.com", "gmail.com"}},
			{ID: 3, NameKey: "shared", Domains: []string{"twins.jp"}},
			{ID: 4, NameKey: "shared", Domains: []string{"twins.jp"}},
			{ID: 5, NameKey: NameKey("みなと物流"), Domains: []string{"minato.co.jp"}},
		},
	}
	ix := NewIndex(data, []string{"corp-freemail.example"})
	tests := []struct {
		name, email, company string
		want                 int64
		rule                 string
	}{
		{"saved email rule wins over everything", "CEO@gmail.com", "Globex", 3, feedback.MatchRule},
		{"saved domain rule, subdomain too", "x@tokyo.partner.example", "", 4, feedback.MatchRule},
		{"known contact, any case", "taro@abc-shoji.co.jp", "", 1, feedback.MatchContact},
		{"contact even at a free-mail domain", "known@gmail.com", "", 2, feedback.MatchContact},
		{"domain", "someone@abc-shoji.co.jp", "", 1, feedback.MatchDomain},
		{"parent domain", "someone@osaka.abc-shoji.co.jp", "", 1, feedback.MatchDomain},
		{"free-mail never matches by domain", "stranger@gmail.com", "", 0, ""},
		{"carrier domain never matches", "x@docomo.ne.jp", "", 0, ""},
		{"configured free-mail", "x@corp-freemail.example", "", 0, ""},
		{"free-mail falls through to company name", "stranger@gmail.com", "ABC商事（株）", 1, feedback.MatchCompany},
		{"ambiguous domain falls through", "x@twins.jp", "", 0, ""},
		{"company name with legal form and width", "", "みなと物流株式会社", 5, feedback.MatchCompany},
		{"half-width company", "", "ｸﾞﾛｰﾊﾞﾙ", 0, ""},
		{"ambiguous company name", "", "shared", 0, ""},
		{"nothing", "", "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := ix.Match(tt.email, tt.company)
			if ok != (tt.want != 0) || m.AccountID != tt.want || m.Rule != tt.rule {
				t.Fatalf("Match(%q, %q) = %+v, %v; want account %d by %q", tt.email, tt.company, m, ok, tt.want, tt.rule)
			}
		})
	}
}

func TestFreeMailList(t *testing.T) {
	ix := NewIndex(feedback.MatchData{}, nil)
	for _, d := range []string{"gmail.com", "yahoo.co.jp", "outlook.jp", "icloud.com", "docomo.ne.jp", "ezweb.ne.jp",
		"au.com", "softbank.ne.jp", "i.softbank.jp", "abc.so-net.ne.jp"} {
		if !ix.IsFreeMail(d) {
			t.Errorf("%s is not treated as free mail", d)
		}
	}
	if ix.IsFreeMail("abc-shoji.co.jp") {
		t.Error("a company domain is treated as free mail")
	}
}
