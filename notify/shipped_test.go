package notify

import "testing"

// TestShippedMail: the catalog's notice reads as the notice did before the catalog, in ja and en,
// with and without a public note; a language the catalog lacks reads as the default (ja).
func TestShippedMail(t *testing.T) {
	for _, tc := range []struct {
		name, lang, note, subject, body string
	}{
		{"ja", "ja", "", "リリースしました: CSVで書き出す",
			"御社からいただいたリクエスト「CSVで書き出す」をリリースしました。\n\n御社のリクエストの一覧: https://koe.example/account\n\nこのお知らせは、上のページでいつでも止められます。\nAcme\n"},
		{"ja with a note", "ja", "設定 → 書き出し", "リリースしました: CSVで書き出す",
			"御社からいただいたリクエスト「CSVで書き出す」をリリースしました。\n\n設定 → 書き出し\n\n御社のリクエストの一覧: https://koe.example/account\n\nこのお知らせは、上のページでいつでも止められます。\nAcme\n"},
		{"en with a note", "en", "Settings → Export.", "Shipped: CSVで書き出す",
			"The request your company made, \"CSVで書き出す\", has shipped.\n\nSettings → Export.\n\nYour company's requests: https://koe.example/account\n\nYou can turn these notices off on that page at any time.\nAcme\n"},
		{"en", "en", "", "Shipped: CSVで書き出す",
			"The request your company made, \"CSVで書き出す\", has shipped.\n\nYour company's requests: https://koe.example/account\n\nYou can turn these notices off on that page at any time.\nAcme\n"},
		{"unknown language", "fr", "", "リリースしました: CSVで書き出す",
			"御社からいただいたリクエスト「CSVで書き出す」をリリースしました。\n\n御社のリクエストの一覧: https://koe.example/account\n\nこのお知らせは、上のページでいつでも止められます。\nAcme\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			subject, body := shippedMail(tc.lang, "Acme", "CSVで書き出す", tc.note, "https://koe.example")
			if subject != tc.subject {
				t.Errorf("subject %q, want %q", subject, tc.subject)
			}
			if body != tc.body {
				t.Errorf("body\n%q\nwant\n%q", body, tc.body)
			}
		})
	}
}
