package scoring

import (
	"slices"
	"testing"
)

// A voice and a request in different languages meet through the lexicon's glosses, both ways.
func TestSuggestAcrossLanguages(t *testing.T) {
	en := []RequestText{
		{ID: "refund", Title: "Refund not showing up", Examples: []string{"I asked for a refund but it is not in my account"}},
		{ID: "arrival", Title: "Card arrival", Examples: []string{"My card has not arrived yet"}},
		{ID: "pin", Title: "Change PIN", Examples: []string{"How do I change my PIN?"}},
	}
	ja := []RequestText{
		{ID: "refund", Title: "返金が反映されない"},
		{ID: "arrival", Title: "カードが届かない"},
		{ID: "pin", Title: "暗証番号の変更"},
	}
	for _, c := range []struct {
		name  string
		reqs  []RequestText
		voice string
		want  string
	}{
		{"ja voice, en requests", en, "返金されたはずなのに口座に入っていません", "refund"},
		{"ja voice, en requests", en, "カードがまだ届きません", "arrival"},
		{"ja voice, en requests", en, "暗証番号を変えたいです", "pin"},
		{"en voice, ja requests", ja, "Where is my refund?", "refund"},
		{"en voice, ja requests", ja, "I want to change my PIN", "pin"},
	} {
		t.Run(c.name+"/"+c.voice, func(t *testing.T) {
			got := NewSuggester(c.reqs, nil).Suggest(c.voice, 1)
			if len(got) == 0 || got[0].RequestID != c.want {
				t.Errorf("%q: got %v, want %s first", c.voice, got, c.want)
			}
		})
	}
}

// Without the bridge the same Japanese voice shares no term with English requests.
func TestBridgeOffSharesNothing(t *testing.T) {
	defer func(on bool) { bridge = on }(bridge)
	bridge = false
	s := NewSuggester([]RequestText{{ID: "refund", Title: "Refund not showing up"}}, nil)
	if got := s.Suggest("返金が反映されていません", 1); len(got) != 0 {
		t.Errorf("got %v, want no suggestion", got)
	}
}

// A katakana loanword the dictionary lacks meets the English word it was borrowed from.
func TestSuggestAcrossLanguagesLoanwords(t *testing.T) {
	en := []RequestText{
		{ID: "notify", Title: "Notification settings", Examples: []string{"I get no notification when a task is assigned"}},
		{ID: "perm", Title: "Permission for guests", Examples: []string{"Guests cannot see the board"}},
		{ID: "export", Title: "Export to CSV", Examples: []string{"The export button does nothing"}},
	}
	for _, c := range []struct{ voice, want string }{
		{"タスクを割り当てられてもノーティフィケーションが来ません", "notify"},
		{"ゲストのパーミッションを変えたい", "perm"},
	} {
		got := NewSuggester(en, nil).Suggest(c.voice, 1)
		if len(got) == 0 || got[0].RequestID != c.want {
			t.Errorf("%q: got %v, want %s first", c.voice, got, c.want)
		}
	}
}

// A gloss meets the forms English writes it in: 請求 (charge) meets charged, 盗む (steal) stolen.
func TestInflections(t *testing.T) {
	for _, c := range []struct{ gloss, text string }{
		{"charge", "charged"}, {"charge", "charging"}, {"steal", "stolen"}, {"lose", "losing"},
		{"pay", "paid"}, {"send", "sent"}, {"arrive", "arrived"},
	} {
		if f := stem(c.text); f != stem(c.gloss) && !slices.Contains(inflections(c.gloss), f) {
			t.Errorf("inflections(%q) = %v, lack %q (%s)", c.gloss, inflections(c.gloss), f, c.text)
		}
	}
}

// Two dictionary words written together make the word pair English writes for the compound.
func TestCompoundPairs(t *testing.T) {
	for _, c := range []struct{ text, pair string }{
		{"為替レートを教えて", "exchange_rate"}, {"送金手数料はいくら", "transfer_fee"},
	} {
		if w, _ := termCounts(c.text); w[c.pair] == 0 {
			t.Errorf("%s: no %s in %v", c.text, c.pair, w)
		}
	}
	if w, _ := termCounts("カードを止める"); w["card_stop"] != 0 {
		t.Errorf("カードを止める: a pair across a particle: %v", w)
	}
}
