package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/accounts/kintone"
	"github.com/koehq/koe/accounts/stripe"
)

func newAccountsSyncCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sync kintone|stripe",
		Short: "Sync accounts from kintone or Stripe, incrementally",
	}
	cmd.AddCommand(newKintoneSyncCmd(e), newStripeSyncCmd(e))
	return cmd
}

func newKintoneSyncCmd(e *env) *cobra.Command {
	var (
		baseURL, app, mappingFile string
		m                         accounts.KintoneMapping
		full                      bool
	)
	cmd := &cobra.Command{
		Use:   "kintone --base-url https://SUB.cybozu.com --app ID --company-field CODE …",
		Short: "Sync accounts from a kintone app (API token in KOE_KINTONE_TOKEN)",
		Long: `Sync accounts from a kintone app through the kintone REST API, with the app's API token in
KOE_KINTONE_TOKEN. Map the app's field codes with flags or a JSON file (--mapping) with the keys
company, person, mrr, currency, domain, plan, employees, renewal_date, contacts, lifecycle,
churn_risk, updated. An account needs a company or a person's name; when only one is given it is
used for both. The first run reads every record; later runs only records whose updated time (the
field 更新日時 unless --updated-field says otherwise) is newer than the last run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if mappingFile != "" {
				b, err := os.ReadFile(mappingFile)
				if err != nil {
					return fmt.Errorf("mapping: %w", err)
				}
				var fromFile accounts.KintoneMapping
				if err := json.Unmarshal(b, &fromFile); err != nil {
					return fmt.Errorf("mapping %s: %w", mappingFile, err)
				}
				m = mergeMapping(fromFile, m)
			}
			client, err := kintone.New(baseURL, e.cfg.KintoneToken, nil)
			if err != nil {
				return err
			}
			db, err := e.openDatabase(cmd.Context(), e.newLogger(), "koe")
			if err != nil {
				return err
			}
			defer db.Close()
			opts := e.syncOptions()
			opts.Full = full
			res, err := accounts.SyncKintone(cmd.Context(), db.DB, client, app, m, opts)
			e.printResult(res, "synced")
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&baseURL, "base-url", "", "kintone URL, https://SUBDOMAIN.cybozu.com (required)")
	f.StringVar(&app, "app", "", "the app ID (required)")
	f.StringVar(&mappingFile, "mapping", "", "JSON file mapping company, mrr, … to field codes")
	f.StringVar(&m.Company, "company-field", "", "field code of the company name")
	f.StringVar(&m.Person, "person-field", "", "field code of the person's name")
	f.StringVar(&m.MRR, "mrr-field", "", "field code of the monthly revenue")
	f.StringVar(&m.Currency, "currency-field", "", "field code of the currency (default JPY)")
	f.StringVar(&m.Domain, "domain-field", "", "field code of the email domain(s)")
	f.StringVar(&m.Plan, "plan-field", "", "field code of the plan")
	f.StringVar(&m.Employees, "employees-field", "", "field code of the employee count")
	f.StringVar(&m.Renewal, "renewal-field", "", "field code of the renewal date")
	f.StringVar(&m.Contacts, "contacts-field", "", "field code (or table) holding contact emails")
	f.StringVar(&m.Lifecycle, "lifecycle-field", "", "field code of the lifecycle (見込み / 契約中 / 解約)")
	f.StringVar(&m.ChurnRisk, "churn-risk-field", "", "field code of the churn risk")
	f.StringVar(&m.Updated, "updated-field", "", "field code of the updated time (default 更新日時)")
	f.BoolVar(&full, "full", false, "ignore the saved cursor and read every record")
	cmd.MarkFlagRequired("base-url")
	cmd.MarkFlagRequired("app")
	return cmd
}

// mergeMapping fills b's empty codes from a (flags win over the file).
func mergeMapping(a, b accounts.KintoneMapping) accounts.KintoneMapping {
	pick := func(x, y string) string {
		if y != "" {
			return y
		}
		return x
	}
	return accounts.KintoneMapping{
		Company: pick(a.Company, b.Company), Person: pick(a.Person, b.Person), MRR: pick(a.MRR, b.MRR),
		Currency: pick(a.Currency, b.Currency), Domain: pick(a.Domain, b.Domain), Plan: pick(a.Plan, b.Plan),
		Employees: pick(a.Employees, b.Employees), Renewal: pick(a.Renewal, b.Renewal),
		Contacts: pick(a.Contacts, b.Contacts), Lifecycle: pick(a.Lifecycle, b.Lifecycle),
		ChurnRisk: pick(a.ChurnRisk, b.ChurnRisk), Updated: pick(a.Updated, b.Updated),
	}
}

func newStripeSyncCmd(e *env) *cobra.Command {
	var (
		baseURL string
		full    bool
	)
	cmd := &cobra.Command{
		Use:   "stripe",
		Short: "Sync customers and their MRR from Stripe (key in STRIPE_API_KEY)",
		Long: `Sync Stripe customers as accounts, with MRR from their active and past_due subscriptions
(licensed items, normalised to a month, after discounts; metered items and trials left out).
cancel_at_period_end raises the churn-risk signal; a customer whose subscriptions all ended is
churned. The first run reads everything; later runs read only the customers named by events since.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, err := stripe.New(baseURL, e.cfg.StripeAPIKey, nil)
			if err != nil {
				return err
			}
			db, err := e.openDatabase(cmd.Context(), e.newLogger(), "koe")
			if err != nil {
				return err
			}
			defer db.Close()
			opts := e.syncOptions()
			opts.Full = full
			res, err := accounts.SyncStripe(cmd.Context(), db.DB, client, opts, time.Now())
			e.printResult(res, "synced")
			return err
		},
	}
	cmd.Flags().StringVar(&baseURL, "base-url", stripe.DefaultBaseURL, "Stripe API URL (for tests and proxies)")
	cmd.Flags().BoolVar(&full, "full", false, "ignore the saved cursor and read every customer")
	return cmd
}
