package dashboard

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/store"
)

// accountsPage lists the accounts, most MRR first.
func (s *Server) accountsPage(c *gin.Context) {
	list, err := s.store.Accounts(c.Request.Context(), 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "accounts", words(c).T("common.accounts"), list)
}

// accountView is one account's page.
type accountView struct {
	Account feedback.Account
	Voices  []store.SheetRow
	More    bool
}

// accountPage shows an account: its revenue and signals, and its voices with their requests.
func (s *Server) accountPage(c *gin.Context) {
	id, ok := s.idParam(c, "account")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	a, err := s.store.AccountByRef(ctx, strconv.FormatInt(id, 10))
	if err != nil {
		s.fail(c, err)
		return
	}
	voices, more, err := s.store.FeedbackSheet(ctx, store.SheetFilter{AccountID: id, Limit: 100})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "account", a.Name, accountView{Account: a, Voices: voices, More: more})
}

// unmatchedView is the unknown-account queue.
type unmatchedView struct {
	Senders  []unmatchedSender
	Accounts []feedback.Account
}

type unmatchedSender struct {
	feedback.Sender
	// Domain is offered for a domain rule unless it is free mail.
	Domain string
}

// unmatchedPage is the queue of senders whose voices match no account, most voices first, each
// with a one-click rule for the address or its domain.
func (s *Server) unmatchedPage(c *gin.Context) {
	ctx := c.Request.Context()
	senders, err := s.store.UnmatchedSenders(ctx, 200)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.store.Accounts(ctx, 2000)
	if err != nil {
		s.fail(c, err)
		return
	}
	ix := accounts.NewIndex(feedback.MatchData{}, s.opts.ExtraFreeMail)
	v := unmatchedView{Accounts: list}
	for _, snd := range senders {
		u := unmatchedSender{Sender: snd}
		if _, d, ok := strings.Cut(snd.Email, "@"); ok && !ix.IsFreeMail(d) {
			u.Domain = d
		}
		v.Senders = append(v.Senders, u)
	}
	s.render(c, http.StatusOK, "unmatched", words(c).T("common.unknown_senders"), v)
}

// accountNamed is the account a person typed or picked: its name ("Globex"), the list's
// "Globex #42", a Koe id (42, #42) or SOURCE:EXTERNAL_ID (csv:C-001).
func (s *Server) accountNamed(c *gin.Context, typed string) (feedback.Account, error) {
	ctx, p := c.Request.Context(), words(c)
	v := strings.TrimSpace(typed)
	if i := strings.LastIndex(v, "#"); i >= 0 {
		if _, err := strconv.ParseInt(v[i+1:], 10, 64); err == nil {
			v = v[i+1:]
		}
	}
	if _, err := strconv.ParseInt(v, 10, 64); err == nil || (strings.Contains(v, ":") && !strings.Contains(v, " ")) {
		a, err := s.store.AccountByRef(ctx, v)
		if feedback.ErrorCode(err) == feedback.ENOTFOUND {
			return a, userError(feedback.ENOTFOUND, p.T("error.no_account", "ID", typed))
		}
		if err == nil || feedback.ErrorCode(err) == feedback.EINTERNAL {
			return a, err
		}
	}
	list, err := s.store.AccountsNamed(ctx, v, 2)
	switch {
	case err != nil:
		return feedback.Account{}, err
	case len(list) == 0:
		return feedback.Account{}, userError(feedback.ENOTFOUND, p.T("unmatched.no_account_named", "Name", typed))
	case len(list) > 1:
		return feedback.Account{}, userError(feedback.EINVALID, p.T("unmatched.several_accounts_named", "Name", typed))
	}
	return list[0], nil
}

// addRule saves a rule from the queue and re-matches every voice it covers.
func (s *Server) addRule(c *gin.Context) {
	ctx := c.Request.Context()
	acct, err := s.accountNamed(c, c.PostForm("account"))
	if err != nil {
		s.fail(c, err)
		return
	}
	rule := feedback.Rule{Kind: c.PostForm("kind"), Pattern: strings.ToLower(strings.TrimSpace(c.PostForm("pattern"))), AccountID: acct.ID}
	if rule.Kind != feedback.RuleEmail && rule.Kind != feedback.RuleDomain || rule.Pattern == "" {
		s.fail(c, userError(feedback.EINVALID, words(c).T("error.rule_kind")))
		return
	}
	if rule.Kind == feedback.RuleDomain && accounts.NewIndex(feedback.MatchData{}, s.opts.ExtraFreeMail).IsFreeMail(rule.Pattern) {
		s.fail(c, userError(feedback.EINVALID, words(c).T("error.free_mail_domain", "Domain", rule.Pattern)))
		return
	}
	u, _ := currentUser(c)
	if _, err := s.store.SaveRule(ctx, rule, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	if _, err := accounts.Rematch(ctx, s.store, s.opts.ExtraFreeMail); err != nil {
		s.fail(c, fmt.Errorf("rule saved, re-matching failed: %w", err))
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/accounts/unmatched")
}

// auditPage is who changed what, newest first.
func (s *Server) auditPage(c *gin.Context) {
	offset, _ := strconv.Atoi(c.Query("offset"))
	lines, err := s.store.AuditLog(c.Request.Context(), c.Query("entity"), 100, max(offset, 0))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "audit", words(c).T("audit.title"), gin.H{"Lines": lines, "Entity": c.Query("entity"), "Entities": store.AuditEntities,
		"Next": fmt.Sprintf("/app/audit?entity=%s&offset=%d", c.Query("entity"), max(offset, 0)+100), "More": len(lines) == 100})
}
