package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
)

func newAccountsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "accounts",
		Short: "Import and sync accounts (CSV, kintone, Stripe) and match voices to them",
	}
	cmd.AddCommand(newAccountsImportCmd(e), newAccountsSyncCmd(e), newAccountsListCmd(e), newAccountsSetCmd(e),
		newAccountsUnmatchedCmd(e), newAccountsRuleCmd(e), newAccountsRematchCmd(e))
	return cmd
}

func (e *env) syncOptions() accounts.Options {
	return accounts.Options{ExtraFreeMail: e.cfg.FreeMailDomains}
}

// printResult reports skipped records one per line on stderr, then the summary on stdout.
func (e *env) printResult(res accounts.Result, verb string) {
	if res.Encoding != "" && !strings.HasPrefix(res.Encoding, "UTF-8") {
		fmt.Fprintln(e.stderr, e.say().T("cli.read_as", "Encoding", res.Encoding))
	}
	for _, p := range res.Problems {
		fmt.Fprintln(e.stderr, p.String())
	}
	fmt.Fprintln(e.stdout, res.Summary(verb))
}

func newAccountsImportCmd(e *env) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "import --file accounts.csv",
		Short: "Import accounts from a CSV file (UTF-8, Shift_JIS or EUC-JP; English or Japanese headers)",
		Long: `Import accounts from a CSV (or TSV) file. Columns, English or Japanese headers:
  external_id (顧客ID), name (会社名, required), domains (ドメイン, ;-separated), mrr (月額),
  currency (通貨, default JPY), plan (プラン), employees (従業員数), lifecycle (prospect / customer /
  churned; 見込み / 契約中 / 解約), renewal_date (更新日), churn_risk (0–1, % or low/medium/high),
  expansion_potential (拡大余地), deal_value (商談金額), contact_emails (担当者メール, ;-separated).
A row that cannot be used is skipped with FILE:LINE: why; the others land in one transaction.
Re-importing updates changed accounts and leaves fields set by hand in Koe alone.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := os.Open(file)
			if err != nil {
				return fmt.Errorf("open %s: %w", file, err)
			}
			defer f.Close()
			db, err := e.openDatabase(cmd.Context(), e.newLogger(), "koe")
			if err != nil {
				return err
			}
			defer db.Close()
			res, err := accounts.ImportCSV(cmd.Context(), db.DB, file, f, e.syncOptions())
			e.printResult(res, "imported")
			return err
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "the CSV file (required)")
	cmd.MarkFlagRequired("file")
	return cmd
}

func newAccountsListCmd(e *env) *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List accounts, most MRR first",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			list, err := db.Accounts(ctx, limit)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tSOURCE:EXTERNAL_ID\tNAME\tMRR\tPLAN\tLIFECYCLE\tDOMAINS\tMANUAL")
			for _, a := range list {
				fmt.Fprintf(w, "%d\t%s:%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Source, a.ExternalID, a.Name, a.MRR,
					a.Plan, a.Lifecycle, strings.Join(a.Domains, ";"), strings.Join(a.ManualFields, ","))
			}
			return w.Flush()
		}),
	}
	cmd.Flags().IntVar(&limit, "limit", 100, "how many")
	return cmd
}

func newAccountsSetCmd(e *env) *cobra.Command {
	var actor string
	cmd := &cobra.Command{
		Use:   "set ACCOUNT FIELD=VALUE…",
		Short: "Set account fields by hand; syncs will leave them alone from then on",
		Long: `Set account fields by hand. ACCOUNT is a Koe id (42) or SOURCE:EXTERNAL_ID (csv:C-001).
Fields: name, domains, mrr, currency, plan, employees, lifecycle, renewal_date, churn_risk,
expansion, deal. Each field set here becomes manual: later CSV, kintone or Stripe syncs keep it.`,
		Args: cobra.MinimumNArgs(2),
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			acct, err := db.AccountByRef(ctx, args[0])
			if err != nil {
				return err
			}
			patch, err := accounts.ParsePatch(args[1:], acct.MRR.Currency)
			if err != nil {
				return err
			}
			actor = e.actor(actor)
			after, err := db.EditAccount(ctx, acct.ID, patch, actor)
			if err != nil {
				return err
			}
			n, err := accounts.Rematch(ctx, db.DB, e.cfg.FreeMailDomains)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "account %d %s: mrr=%s plan=%s lifecycle=%s manual=%s rematched=%d\n", after.ID, after.Name,
				after.MRR, after.Plan, after.Lifecycle, strings.Join(after.ManualFields, ","), n)
			return nil
		}),
	}
	cmd.Flags().StringVar(&actor, "actor", "", "who is making the change, for the audit log (default cli:$USER)")
	return cmd
}

func newAccountsUnmatchedCmd(e *env) *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "unmatched",
		Short: "The unknown-account queue: senders whose voices match no account",
		Long: `List the senders whose voices match no account, most voices first. Resolve one with
"koe accounts rule add --email ADDRESS --account ACCOUNT" (or --domain): the rule applies to all
past and future voices from that address or domain.`,
		Args: cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			list, err := db.UnmatchedSenders(ctx, limit)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "VOICES\tLAST\tEMAIL\tCOMPANY")
			for _, s := range list {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", s.Voices, e.day(s.LastAt), s.Email, s.Company)
			}
			return w.Flush()
		}),
	}
	cmd.Flags().IntVar(&limit, "limit", 50, "how many senders")
	return cmd
}

func newAccountsRuleCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "rule", Short: "Rules that say which account an email or domain speaks for"}
	var email, domain, account, actor string
	add := &cobra.Command{
		Use:   "add (--email ADDRESS | --domain DOMAIN) --account ACCOUNT",
		Short: "Save a rule and re-match every voice it covers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (email == "") == (domain == "") {
				return fmt.Errorf("give exactly one of --email or --domain")
			}
			db, err := e.openDatabase(cmd.Context(), e.newLogger(), "koe")
			if err != nil {
				return err
			}
			defer db.Close()
			acct, err := db.AccountByRef(cmd.Context(), account)
			if err != nil {
				return err
			}
			rule := feedback.Rule{Kind: feedback.RuleEmail, Pattern: email, AccountID: acct.ID}
			if domain != "" {
				rule.Kind, rule.Pattern = feedback.RuleDomain, domain
				ix := accounts.NewIndex(feedback.MatchData{}, e.cfg.FreeMailDomains)
				if ix.IsFreeMail(domain) {
					return fmt.Errorf("%s is a free-mail or carrier domain: its users are not one company; add a rule for the email address instead", domain)
				}
			}
			actor = e.actor(actor)
			if _, err := db.SaveRule(cmd.Context(), rule, actor); err != nil {
				return err
			}
			n, err := accounts.Rematch(cmd.Context(), db.DB, e.cfg.FreeMailDomains)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "rule saved: %s %s → %s (account %d); rematched=%d\n", rule.Kind, strings.ToLower(rule.Pattern), acct.Name, acct.ID, n)
			return nil
		},
	}
	add.Flags().StringVar(&email, "email", "", "the sender's email address")
	add.Flags().StringVar(&domain, "domain", "", "the sender's domain (not a free-mail one)")
	add.Flags().StringVar(&account, "account", "", "Koe id or SOURCE:EXTERNAL_ID of the account (required)")
	add.Flags().StringVar(&actor, "actor", "", "who is saving it, for the audit log (default cli:$USER)")
	add.MarkFlagRequired("account")
	cmd.AddCommand(add)
	return cmd
}

func newAccountsRematchCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "rematch",
		Short: "Re-match every voice not assigned by hand to its account",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			n, err := accounts.Rematch(ctx, db.DB, e.cfg.FreeMailDomains)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "rematched=%d\n", n)
			return nil
		}),
	}
}
