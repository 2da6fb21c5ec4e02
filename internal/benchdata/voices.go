package benchdata

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/koehq/koe/feedback"
)

// voiceTexts are the words of generated voices, Japanese and English, some with HTML as chat
// tools export it; a voice takes one and a number, so no two are alike.
var voiceTexts = []string{
	"レポートをCSVで出力できるようにしてほしいです。毎月の締め作業で時間がかかっています。",
	"We'd love to be able to export reports to CSV. Our finance team asks for it every month.",
	"SAMLでシングルサインオンできないので困っています。情報システム部門の基準を満たせません。",
	"The mobile app logs me out every day, which is annoying.",
	"<p>請求書をPDFでダウンロードできるようにしてください。</p><p>経理から毎月依頼されます。</p>",
	"Please add an API for bulk updates; we have thousands of records.",
	"スマホから申請を承認できると助かります。外出の多い管理職の承認が止まってしまいます。",
	"Great product overall, but please let us set permissions per department.",
	"ダークモードがあると夜の作業が楽になります。",
	"<div>Search is slow when we have more than 10k tickets.<br>Can you make it faster?</div>",
	"使いやすくて満足しています。ただ、通知が多すぎるので設定で減らせると嬉しいです。",
	"I can't find where to change the billing address. Very confusing.",
}

// BigAccounts are n accounts whose voices can be matched: account i has the domain ci.co.jp,
// the name "Company i" and an MRR in JPY.
func BigAccounts(n int) []feedback.Account {
	r := rand.New(rand.NewPCG(5, 6))
	out := make([]feedback.Account, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, feedback.Account{ID: int64(i), Source: "bench", ExternalID: fmt.Sprint(i),
			Name: fmt.Sprintf("Company %d", i), NameKey: fmt.Sprintf("company%d", i), Domains: []string{fmt.Sprintf("c%d.co.jp", i)},
			MRR: feedback.Money{Minor: int64(10_000 + r.IntN(90_000)), Currency: "JPY"}, Plan: "Business", Lifecycle: feedback.Customer})
	}
	return out
}

// VoicesJSONL writes n voices as JSON Lines, as a chat tool's export reads: half from the
// accounts' domains (BigAccounts(accounts)), a tenth naming their company from a free mail
// address, the rest unmatched; a quarter with a star rating; received over the two years before
// now, so the newest get suggestions and Slack messages as in a real import. Seeded: every call
// writes the same file for the same now.
func VoicesJSONL(w io.Writer, n, accounts int, now time.Time) error {
	r := rand.New(rand.NewPCG(7, 8))
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	type voice struct {
		ID      string `json:"id"`
		Text    string `json:"text"`
		Email   string `json:"email,omitempty"`
		Name    string `json:"name,omitempty"`
		Company string `json:"company,omitempty"`
		Date    string `json:"date"`
		Rating  *int   `json:"rating,omitempty"`
		URL     string `json:"url,omitempty"`
	}
	for i := 0; i < n; i++ {
		v := voice{ID: fmt.Sprintf("conv-%d", i), Text: fmt.Sprintf("%s (#%d)", voiceTexts[r.IntN(len(voiceTexts))], i),
			Name: fmt.Sprintf("User %d", r.IntN(50_000)),
			Date: now.Add(-time.Duration(r.Int64N(int64(730 * 24 * time.Hour)))).Format(time.RFC3339)}
		a := 1 + r.IntN(accounts)
		switch k := r.IntN(10); {
		case k < 5:
			v.Email = fmt.Sprintf("staff%d@c%d.co.jp", r.IntN(20), a)
		case k == 5:
			v.Email, v.Company = fmt.Sprintf("user%d@gmail.com", r.IntN(50_000)), fmt.Sprintf("Company %d", a)
		default:
			v.Email = fmt.Sprintf("user%d@gmail.com", r.IntN(50_000))
		}
		if r.IntN(4) == 0 {
			s := 1 + r.IntN(5)
			v.Rating = &s
		}
		if r.IntN(3) == 0 {
			v.URL = fmt.Sprintf("https://app.example.com/conversations/%d", i)
		}
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return bw.Flush()
}
