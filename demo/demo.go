// Package demo generates Koe's demo data: a made-up, bilingual (Japanese and English) B2B SaaS
// customer base with the revenue spread of a real one, and a year of its voices. The same seed
// and clock give the same data.
package demo

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
)

// Options sizes the dataset.
type Options struct {
	Seed     uint64
	Now      time.Time
	Accounts int // default 320
	Items    int // default 3200
}

// AdminEmail is the demo's signed-in administrator.
const AdminEmail = "demo-admin@koe-demo.example"

type gen struct {
	r   *rand.Rand
	now time.Time
	ds  feedback.Dataset
	// per account, by index: language, last MRR before churn, contacts' indexes
	lang     []string
	lastMRR  []int64
	contacts [][]int
	csUsers  []int64
	weights  []int
}

// Generate builds the dataset. Ids start at 1 and link the parts.
func Generate(opts Options) feedback.Dataset {
	if opts.Accounts <= 0 {
		opts.Accounts = 320
	}
	if opts.Items <= 0 {
		opts.Items = 3200
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	g := &gen{r: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)), now: opts.Now.UTC().Truncate(time.Second)}
	g.users()
	g.accounts(opts.Accounts)
	g.requests()
	for i := 0; i < opts.Items; i++ {
		g.item(int64(i + 1))
	}
	return g.ds
}

func (g *gen) users() {
	people := []struct {
		email, name string
		role        feedback.Role
	}{
		{AdminEmail, "Demo Admin", feedback.RoleAdmin},
		{"haruka.ogawa@koe-demo.example", "小川 遥", feedback.RoleCS},
		{"kenji.mori@koe-demo.example", "森 健二", feedback.RoleCS},
		{"sam.lee@koe-demo.example", "Sam Lee", feedback.RoleCS},
		{"aiko.fujita@koe-demo.example", "藤田 愛子", feedback.RolePO},
		{"viewer@koe-demo.example", "閲覧 太郎", feedback.RoleViewer},
	}
	for i, p := range people {
		id := int64(i + 1)
		g.ds.Users = append(g.ds.Users, feedback.User{ID: id, Email: p.email, Name: p.name, Role: p.role, CreatedAt: g.now.AddDate(-1, 0, 0)})
		if p.role == feedback.RoleCS {
			g.csUsers = append(g.csUsers, id)
		}
	}
}

// mrr draws a monthly amount in yen with a B2B SaaS spread: a long tail of small accounts and a
// few large ones.
func (g *gen) mrr() int64 {
	logUniform := func(lo, hi float64) float64 {
		return math.Exp(math.Log(lo) + g.r.Float64()*(math.Log(hi)-math.Log(lo)))
	}
	switch u := g.r.Float64(); {
	case u < 0.82:
		return int64(logUniform(10_000, 50_000)/1000) * 1000
	case u < 0.95:
		return int64(logUniform(50_000, 500_000)/1000) * 1000
	default:
		return int64(logUniform(500_000, 2_000_000)/10_000) * 10_000
	}
}

func plan(mrr int64) string {
	switch {
	case mrr < 30_000:
		return "Starter"
	case mrr < 100_000:
		return "Standard"
	case mrr < 500_000:
		return "Business"
	default:
		return "Enterprise"
	}
}

func (g *gen) accounts(n int) {
	used := map[string]bool{}
	for i := 0; i < n; i++ {
		id := int64(i + 1)
		lang := "ja"
		if g.r.Float64() < 0.2 {
			lang = "en"
		}
		name, domain := g.companyName(lang)
		for used[accounts.NameKey(name)] {
			name, domain = g.companyName(lang)
		}
		used[accounts.NameKey(name)] = true

		a := feedback.Account{
			ID: id, Source: "demo", ExternalID: fmt.Sprintf("D-%04d", id), Name: name, NameKey: accounts.NameKey(name),
			Domains: []string{domain}, MRR: feedback.Money{Currency: "JPY"}, Lifecycle: feedback.Customer,
			CreatedAt: g.now.AddDate(0, 0, -30-g.r.IntN(1500)),
		}
		a.UpdatedAt = g.now.AddDate(0, 0, -g.r.IntN(30))
		m := g.mrr()
		g.lastMRR = append(g.lastMRR, m)
		switch u := g.r.Float64(); {
		case u < 0.08:
			a.Lifecycle = feedback.Prospect
			a.Deal = &m
			a.Plan = plan(m) + " (trial)"
		case u < 0.15:
			a.Lifecycle = feedback.Churned
			a.Plan = plan(m)
		default:
			a.MRR.Minor = m
			a.Plan = plan(m)
			renewal := g.now.AddDate(0, 0, g.r.IntN(365)).Truncate(24 * time.Hour)
			a.RenewalDate = &renewal
			switch v := g.r.Float64(); {
			case v < 0.15:
				risk := math.Round((0.4+g.r.Float64()*0.5)*100) / 100
				a.ChurnRisk = &risk
				a.CancelAtPeriodEnd = g.r.Float64() < 0.15
			case v < 0.6:
				risk := math.Round((0.05+g.r.Float64()*0.25)*100) / 100
				a.ChurnRisk = &risk
			}
			if g.r.Float64() < 0.2 {
				exp := int64(float64(m)*(0.2+g.r.Float64()*0.8)/1000) * 1000
				a.Expansion = &exp
			}
		}
		emp := max(5, int(float64(m)/1500*(0.5+g.r.Float64()*1.5)))
		a.Employees = &emp
		g.ds.Accounts = append(g.ds.Accounts, a)
		g.lang = append(g.lang, lang)

		nContacts := 1 + g.r.IntN(4)
		if a.Lifecycle == feedback.Prospect {
			nContacts = 1
		}
		var idx []int
		for c := 0; c < nContacts; c++ {
			person, local := g.person(lang)
			email := local + "@" + domain
			dup := false
			for _, j := range idx {
				dup = dup || g.ds.Contacts[j].Email == email
			}
			if dup {
				continue
			}
			idx = append(idx, len(g.ds.Contacts))
			g.ds.Contacts = append(g.ds.Contacts, feedback.Contact{ID: int64(len(g.ds.Contacts) + 1), Email: email, Name: person, AccountID: id})
		}
		g.contacts = append(g.contacts, idx)
	}
}

func (g *gen) companyName(lang string) (name, domain string) {
	if lang == "en" {
		p, ind := pick(g.r, enPrefixes), pick(g.r, enIndustries)
		return p + " " + ind + " " + pick(g.r, enForms), strings.ToLower(p+ind) + ".com"
	}
	p, ind := pick(g.r, jaPrefixes), pick(g.r, jaIndustries)
	domain = p[1] + "-" + ind[1] + ".co.jp"
	switch u := g.r.Float64(); {
	case u < 0.55:
		return "株式会社" + p[0] + ind[0], domain
	case u < 0.9:
		return p[0] + ind[0] + "株式会社", domain
	case u < 0.95:
		return "有限会社" + p[0] + ind[0], domain
	default:
		return "合同会社" + p[0] + ind[0], domain
	}
}

// person returns a display name and an email local part.
func (g *gen) person(lang string) (string, string) {
	if lang == "en" {
		given, family := pick(g.r, enGiven), pick(g.r, enFamily)
		return given + " " + family, strings.ToLower(given + "." + family)
	}
	family, given := pick(g.r, jaFamily), pick(g.r, jaGiven)
	return family[0] + " " + given[0], given[1] + "." + family[1]
}

func (g *gen) requests() {
	statuses := []feedback.RequestStatus{feedback.UnderReview, feedback.UnderReview, feedback.UnderReview, feedback.UnderReview,
		feedback.UnderReview, feedback.Planned, feedback.Planned, feedback.InProgress, feedback.Shipped, feedback.Declined}
	for i, th := range themes {
		id := int64(i + 1)
		created := g.now.AddDate(0, 0, -200-g.r.IntN(300))
		r := feedback.Request{
			ID: id, Title: th.jaTitle, Description: th.enTitle + ". " + "Insight: " + th.insight,
			PublicTitle: th.jaTitle, PublicDescription: th.jaNeed + "できるようにする機能です。",
			Status: statuses[g.r.IntN(len(statuses))], Public: g.r.Float64() < 0.7,
			StatusChangedAt: g.now.AddDate(0, 0, -g.r.IntN(200)), CreatedAt: created, UpdatedAt: g.now.AddDate(0, 0, -g.r.IntN(30)),
		}
		if r.Status == feedback.UnderReview {
			r.StatusChangedAt = created
		}
		g.ds.Requests = append(g.ds.Requests, r)
		g.weights = append(g.weights, th.popularity)
	}
	// A duplicate someone created before finding the first: merged into it.
	into := int64(1)
	g.ds.Requests = append(g.ds.Requests, feedback.Request{
		ID: int64(len(themes) + 1), Title: "CSVエクスポート機能", Description: "Duplicate of the CSV export request.",
		Status: feedback.UnderReview, MergedInto: &into, StatusChangedAt: g.now.AddDate(0, 0, -90),
		CreatedAt: g.now.AddDate(0, 0, -120), UpdatedAt: g.now.AddDate(0, 0, -90),
	})
}

// item generates one voice.
func (g *gen) item(id int64) {
	th := weighted(g.r, g.weights)
	theme := themes[th]
	it := feedback.Item{ID: id, Status: feedback.StatusNew}
	age := time.Duration(math.Min(g.r.ExpFloat64()*110, 720)*24) * time.Hour
	it.ReceivedAt = g.now.Add(-age - time.Duration(g.r.IntN(86400))*time.Second)
	it.CreatedAt, it.UpdatedAt = it.ReceivedAt, it.ReceivedAt

	kind := g.r.Float64()
	acct := -1
	known := 0.88 // most chats and mails come from people we know
	if kind >= 0.78 {
		known = 0.5 // reviews: only business review sites name the company
	}
	if g.r.Float64() < known {
		acct = g.r.IntN(len(g.ds.Accounts))
	}
	lang := "ja"
	if acct >= 0 {
		lang = g.lang[acct]
	} else if g.r.Float64() < 0.25 {
		lang = "en"
	}
	reason := g.reason(acct)
	need, tmplJA, tmplEN := theme.jaNeed, pick(g.r, jaTemplates), pick(g.r, enTemplates)
	if lang == "ja" {
		it.Body = strings.TrimSpace(fmt.Sprintf(tmplJA, need, pick(g.r, jaReasons[reason])))
	} else {
		it.Body = strings.TrimSpace(fmt.Sprintf(tmplEN, theme.enNeed, pick(g.r, enReasons[reason])))
	}
	it.Language = lang

	switch {
	case kind < 0.5:
		it.SourceKind = feedback.SourceChat
		it.SourceName = "intercom"
		if g.r.Float64() < 0.4 {
			it.SourceName = "zendesk"
		}
		it.Context = g.reply(lang)
	case kind < 0.78:
		it.SourceKind, it.SourceName = feedback.SourceEmail, "support-inbox"
		it.Title = "「" + theme.jaTitle + "」について"
		if lang == "en" {
			it.Title = "Question: " + theme.enTitle
		}
		it.Context = g.reply(lang)
	default:
		g.review(&it, acct, lang, reason)
	}
	it.SourceID = fmt.Sprintf("%s-%06d", it.SourceName, id)
	it.URL = fmt.Sprintf("https://support.koe-demo.example/%s/%d", it.SourceName, id)
	raw, _ := json.Marshal(map[string]any{"demo": true, "source": it.SourceName, "seq": id})
	it.Raw = raw
	g.author(&it, acct, lang)
	s := g.sentiment(reason, it.Rating)
	it.Sentiment = &s
	g.triage(&it, th, reason, age)
	g.ds.Items = append(g.ds.Items, it)
}

func (g *gen) review(it *feedback.Item, acct int, lang, reason string) {
	it.SourceKind = feedback.SourceReview
	sites := []string{"appstore", "google_play", "g2"}
	if lang == "ja" {
		sites = []string{"appstore", "google_play", "itreview", "itreview"}
	}
	it.SourceName = pick(g.r, sites)
	stars := float64(3 + g.r.IntN(3))
	if reason == "churn_risk" {
		stars = float64(1 + g.r.IntN(3))
	}
	it.Rating = &stars
	if lang == "ja" {
		it.Title = pick(g.r, jaReviewTitles)
		it.Context = "良いポイント: " + pick(g.r, jaPraise)
	} else {
		it.Title = pick(g.r, enReviewTitles)
		it.Context = "What do you like best? " + pick(g.r, enPraise)
	}
	if acct >= 0 && (it.SourceName == "g2" || it.SourceName == "itreview") {
		it.CompanyName = g.ds.Accounts[acct].Name
	}
}

// author fills who sent it and which account it matched, as ingest would have.
func (g *gen) author(it *feedback.Item, acct int, lang string) {
	switch {
	case acct >= 0 && it.SourceKind != feedback.SourceReview:
		c := g.ds.Contacts[g.contacts[acct][g.r.IntN(len(g.contacts[acct]))]]
		it.AuthorName, it.AuthorEmail = c.Name, c.Email
		g.match(it, acct, "contact")
	case acct >= 0 && it.CompanyName != "":
		it.AuthorName, _ = g.person(lang)
		g.match(it, acct, "company_name")
	default:
		name, local := g.person(lang)
		it.AuthorName = name
		if it.SourceKind != feedback.SourceReview {
			it.AuthorEmail = fmt.Sprintf("%s%d@%s", local, g.r.IntN(100), pick(g.r, freeMail))
		}
	}
}

func (g *gen) match(it *feedback.Item, acct int, rule string) {
	a := g.ds.Accounts[acct]
	id := a.ID
	it.AccountID, it.MatchRule = &id, rule
	m := a.MRR.Minor
	if a.Lifecycle == feedback.Churned {
		m = g.lastMRR[acct] // the voice arrived while they still paid
	}
	it.MRRAtReceipt = &feedback.Money{Minor: m, Currency: "JPY"}
}

// reason picks why the account asks, leaning on its signals.
func (g *gen) reason(acct int) string {
	if acct >= 0 {
		a := g.ds.Accounts[acct]
		if a.ChurnRisk != nil && *a.ChurnRisk >= 0.4 && g.r.Float64() < 0.6 {
			return "churn_risk"
		}
		if a.Expansion != nil && g.r.Float64() < 0.6 {
			return "expansion"
		}
	}
	return pick(g.r, []string{"churn_risk", "expansion", "usability", "usability", "internal_efficiency", "internal_efficiency"})
}

func (g *gen) sentiment(reason string, rating *float64) float64 {
	base := map[string]float64{"churn_risk": -0.5, "expansion": 0.3, "usability": -0.1, "internal_efficiency": -0.2}[reason]
	if rating != nil {
		base = (base + (*rating-3)/2) / 2
	}
	s := base + (g.r.Float64()-0.5)*0.4
	return math.Round(math.Max(-1, math.Min(1, s))*100) / 100
}

// triage marks older voices as worked on by CS more often than new ones.
func (g *gen) triage(it *feedback.Item, theme int, reason string, age time.Duration) {
	p := 0.2
	if age > 30*24*time.Hour {
		p = 0.6
	}
	switch u := g.r.Float64(); {
	case u < p:
		req := int64(theme + 1)
		by := g.csUsers[g.r.IntN(len(g.csUsers))]
		at := it.ReceivedAt.Add(time.Duration(1+g.r.IntN(72)) * time.Hour)
		if at.After(g.now) {
			at = g.now
		}
		it.Status, it.RequestID, it.Tag = feedback.StatusTriaged, &req, feedback.Tag(reason)
		it.Insight, it.WhoBenefits = themes[theme].insight, themes[theme].benefits
		it.TriagedBy, it.TriagedAt, it.UpdatedAt = &by, &at, at
	case u < p+0.05:
		it.Status = feedback.StatusIgnored
	case u < p+0.07:
		it.Status = feedback.StatusSpam
	}
}

func (g *gen) reply(lang string) string {
	if lang == "ja" {
		return "担当者: " + pick(g.r, jaAgentReplies)
	}
	return "Agent: " + pick(g.r, enAgentReplies)
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func weighted(r *rand.Rand, w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}
