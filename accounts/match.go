package accounts

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// FreeMailDomains are mail providers and mobile carriers whose domain says nothing about a
// company: a voice from one never matches an account by domain. Subdomains count too
// (xx.so-net.ne.jp). Extend it with KOE_FREEMAIL_DOMAINS.
var FreeMailDomains = []string{
	// global providers
	"gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "outlook.com", "hotmail.com", "live.com",
	"msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "protonmail.com", "proton.me", "gmx.com",
	"gmx.de", "mail.com", "zoho.com", "yandex.ru", "qq.com", "163.com", "126.com", "naver.com",
	"hotmail.co.jp", "live.jp", "outlook.jp", "yahoo.co.jp",
	// Japanese mobile carriers
	"docomo.ne.jp", "ezweb.ne.jp", "au.com", "auone.jp", "softbank.ne.jp", "i.softbank.jp",
	"ymobile.ne.jp", "y-mobile.ne.jp", "disney.ne.jp", "uqmobile.jp", "rakumail.jp", "pdx.ne.jp",
	"willcom.com", "emobile.ne.jp",
	// Japanese consumer ISPs and portals
	"nifty.com", "biglobe.ne.jp", "so-net.ne.jp", "ocn.ne.jp", "plala.or.jp", "excite.co.jp",
	"livedoor.com", "dion.ne.jp", "zaq.ne.jp", "jcom.home.ne.jp", "infoseek.jp", "mineo.jp",
}

// Match is the account a voice belongs to and the rule that found it.
type Match struct {
	AccountID int64
	Rule      string
}

// Index answers which account a sender belongs to. Build it with NewIndex; it is read-only and
// safe for concurrent use.
type Index struct {
	ruleEmail  map[string]int64
	ruleDomain map[string]int64
	contacts   map[string]int64
	domains    map[string]int64 // 0: claimed by more than one account
	names      map[string]int64 // 0: shared by more than one account
	freeMail   map[string]int64
}

// NewIndex indexes d. extraFreeMail adds to FreeMailDomains.
func NewIndex(d feedback.MatchData, extraFreeMail []string) *Index {
	ix := &Index{
		ruleEmail: map[string]int64{}, ruleDomain: map[string]int64{}, contacts: map[string]int64{},
		domains: map[string]int64{}, names: map[string]int64{}, freeMail: map[string]int64{},
	}
	for _, list := range [][]string{FreeMailDomains, extraFreeMail} {
		for _, dom := range list {
			if dom = normDomain(dom); dom != "" {
				ix.freeMail[dom] = 1
			}
		}
	}
	for _, r := range d.Rules {
		if r.Kind == feedback.RuleEmail {
			ix.ruleEmail[strings.ToLower(r.Pattern)] = r.AccountID
		} else {
			ix.ruleDomain[normDomain(r.Pattern)] = r.AccountID
		}
	}
	for _, c := range d.Contacts {
		ix.contacts[strings.ToLower(strings.TrimSpace(c.Email))] = c.AccountID
	}
	claim := func(m map[string]int64, key string, id int64) {
		if key == "" {
			return
		}
		if prev, ok := m[key]; ok && prev != id {
			m[key] = 0
			return
		}
		m[key] = id
	}
	for _, a := range d.Accounts {
		for _, dom := range a.Domains {
			if dom = normDomain(dom); !ix.isFreeMail(dom) {
				claim(ix.domains, dom, a.ID)
			}
		}
		claim(ix.names, a.NameKey, a.ID)
	}
	return ix
}

// Match applies the rules in order — a saved rule for the email, then for its domain; a known
// contact; the email's domain (or a parent domain) among an account's domains, never for
// free-mail and carrier domains; the company name's key — and stops at the first hit.
func (ix *Index) Match(email, company string) (Match, bool) {
	email = strings.ToLower(strings.TrimSpace(email))
	domain := ""
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		domain = normDomain(email[at+1:])
	}
	if id, ok := ix.ruleEmail[email]; ok && email != "" {
		return Match{id, feedback.MatchRule}, true
	}
	if id, ok := lookupDomain(ix.ruleDomain, domain); ok {
		return Match{id, feedback.MatchRule}, true
	}
	if id, ok := ix.contacts[email]; ok && email != "" {
		return Match{id, feedback.MatchContact}, true
	}
	if !ix.isFreeMail(domain) {
		if id, ok := lookupDomain(ix.domains, domain); ok && id != 0 {
			return Match{id, feedback.MatchDomain}, true
		}
	}
	if company != "" {
		if id, ok := ix.names[NameKey(company)]; ok && id != 0 {
			return Match{id, feedback.MatchCompany}, true
		}
	}
	return Match{}, false
}

// IsFreeMail reports whether domain (or a parent of it) is a free-mail or carrier domain.
func (ix *Index) IsFreeMail(domain string) bool { return ix.isFreeMail(normDomain(domain)) }

func (ix *Index) isFreeMail(domain string) bool {
	_, ok := lookupDomain(ix.freeMail, domain)
	return ok
}

// lookupDomain finds domain or its nearest parent (at least two labels) in m.
func lookupDomain(m map[string]int64, domain string) (int64, bool) {
	for d := domain; strings.Contains(d, "."); {
		if id, ok := m[d]; ok {
			return id, true
		}
		_, d, _ = strings.Cut(d, ".")
	}
	return 0, false
}

func normDomain(d string) string {
	d = strings.ToLower(strings.TrimSpace(d))
	d = strings.TrimPrefix(d, "@")
	d = strings.TrimPrefix(d, "www.")
	return strings.TrimSuffix(d, ".")
}

// Rematch re-derives the account of every voice that a person did not assign by hand, after
// accounts, contacts, domains or rules changed. It returns how many voices moved.
func Rematch(ctx context.Context, st *store.DB, extraFreeMail []string) (int, error) {
	data, err := st.MatchData(ctx)
	if err != nil {
		return 0, err
	}
	ix := NewIndex(data, extraFreeMail)
	senders, err := st.Senders(ctx)
	if err != nil {
		return 0, err
	}
	// A sender's voices may sit on several accounts (an older rule); any that differ move them all.
	var changes []feedback.Sender
	queued := map[[2]string]bool{}
	for _, s := range senders {
		key := [2]string{s.Email, s.Company}
		if queued[key] {
			continue
		}
		want := feedback.Sender{Email: s.Email, Company: s.Company}
		if m, ok := ix.Match(s.Email, s.Company); ok {
			id := m.AccountID
			want.AccountID, want.Rule = &id, m.Rule
		}
		if !sameAccount(s.AccountID, want.AccountID) || s.Rule != want.Rule {
			changes = append(changes, want)
			queued[key] = true
		}
	}
	n, err := st.ApplyMatches(ctx, changes)
	if err != nil {
		return 0, fmt.Errorf("accounts: rematch: %w", err)
	}
	return n, nil
}

func sameAccount(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// CachedIndex keeps an Index for callers that match one address at a time (the API's posted
// voices, customers signing in) and rebuilds it at most every TTL. Safe for concurrent use.
type CachedIndex struct {
	Store         *store.DB
	ExtraFreeMail []string
	TTL           time.Duration // 30 s when zero

	mu    sync.Mutex
	index *Index
	at    time.Time
}

// Get returns the index, rebuilding it when it is older than TTL.
func (c *CachedIndex) Get(ctx context.Context) (*Index, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ttl := c.TTL
	if ttl == 0 {
		ttl = 30 * time.Second
	}
	if c.index != nil && time.Since(c.at) < ttl {
		return c.index, nil
	}
	data, err := c.Store.MatchData(ctx)
	if err != nil {
		return nil, err
	}
	c.index, c.at = NewIndex(data, c.ExtraFreeMail), time.Now()
	return c.index, nil
}
