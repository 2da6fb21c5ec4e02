package accounts

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/textenc"
)

// Problem is a record that was skipped, and why.
type Problem struct {
	Where string // file:line, or a source's record id
	Why   string
}

func (p Problem) String() string { return p.Where + ": " + p.Why }

// csvColumns maps each documented column to the headers that name it, English and Japanese,
// written as normHeader leaves them.
var csvColumns = map[string][]string{
	"external_id":         {"externalid", "id", "accountid", "customerid", "顧客id", "顧客コード", "取引先id", "取引先コード", "企業id"},
	"name":                {"name", "company", "companyname", "accountname", "会社名", "企業名", "顧客名", "取引先名", "社名"},
	"domains":             {"domains", "domain", "ドメイン", "メールドメイン"},
	"mrr":                 {"mrr", "月額", "月額料金", "月額利用料", "月額売上"},
	"currency":            {"currency", "通貨"},
	"plan":                {"plan", "プラン", "契約プラン"},
	"employees":           {"employees", "employeecount", "従業員数", "社員数"},
	"lifecycle":           {"lifecycle", "stage", "ライフサイクル", "ステージ", "契約状況"},
	"renewal_date":        {"renewaldate", "renewal", "更新日", "契約更新日", "次回更新日"},
	"churn_risk":          {"churnrisk", "解約リスク", "チャーンリスク"},
	"expansion_potential": {"expansionpotential", "expansion", "アップセル余地", "拡大余地", "拡大見込み"},
	"deal_value":          {"dealvalue", "deal", "商談金額", "見込み金額"},
	"contact_emails":      {"contactemails", "contacts", "emails", "email", "担当者メール", "担当者メールアドレス", "メールアドレス"},
}

// columnField says which account field each column provides.
var columnField = map[string]string{
	"name": feedback.FieldName, "domains": feedback.FieldDomains, "mrr": feedback.FieldMRR,
	"currency": feedback.FieldCurrency, "plan": feedback.FieldPlan, "employees": feedback.FieldEmployees,
	"lifecycle": feedback.FieldLifecycle, "renewal_date": feedback.FieldRenewalDate,
	"churn_risk": feedback.FieldChurnRisk, "expansion_potential": feedback.FieldExpansion,
	"deal_value": feedback.FieldDeal,
}

func normHeader(h string) string {
	h = strings.ToLower(norm.NFKC.String(strings.TrimSpace(h)))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' || r == '-' || r == '　' {
			return -1
		}
		return r
	}, h)
}

// CSVImport is a parsed account CSV.
type CSVImport struct {
	Records  []feedback.AccountRecord
	Fields   []string // the account fields the file provides
	Problems []Problem
	Encoding string
	Rows     int // data rows read
}

// ParseCSV reads an account CSV (or TSV) named name, in UTF-8 (with or without BOM), Shift_JIS,
// EUC-JP or UTF-16. A row that cannot be used becomes a Problem naming its line; an error is
// returned only when the file as a whole cannot be read (encoding, header), and then nothing of
// it should be written.
func ParseCSV(name string, r io.Reader) (*CSVImport, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	text, enc, err := textenc.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := &CSVImport{Encoding: enc}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = sniffDelimiter(text)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: the file is empty: the first line must be a header such as external_id,name,mrr", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s:1: header: %w", name, err)
	}
	col := map[string]int{}
	var unknown []string
	for i, h := range header {
		key := normHeader(h)
		found := false
		for canonical, aliases := range csvColumns {
			for _, a := range aliases {
				if key == a {
					if _, dup := col[canonical]; dup {
						return nil, fmt.Errorf("%s:1: columns %q and another both give %s: keep one", name, h, canonical)
					}
					col[canonical] = i
					found = true
				}
			}
		}
		if !found && key != "" {
			unknown = append(unknown, h)
		}
	}
	if _, ok := col["name"]; !ok {
		return nil, fmt.Errorf("%s:1: no company name column (name or 会社名) among %q", name, header)
	}
	seen := map[string]bool{}
	for c := range col {
		if f, ok := columnField[c]; ok && !seen[f] {
			seen[f] = true
			out.Fields = append(out.Fields, f)
		}
	}
	if len(unknown) > 0 {
		out.Problems = append(out.Problems, Problem{name + ":1", fmt.Sprintf("columns %q are not used (see the README for the documented ones)", unknown)})
	}

	firstLine := map[string]int{}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line := 0
		if err == nil {
			line, _ = cr.FieldPos(0)
		}
		where := fmt.Sprintf("%s:%d", name, line)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				where = fmt.Sprintf("%s:%d", name, pe.Line)
				err = pe.Err
			}
			out.Rows++
			out.Problems = append(out.Problems, Problem{where, fmt.Sprintf("not valid CSV (%v): fix the quoting", err)})
			continue
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue // blank line
		}
		out.Rows++
		if len(row) != len(header) {
			out.Problems = append(out.Problems, Problem{where, fmt.Sprintf("has %d columns, the header has %d: check for a stray comma or quote", len(row), len(header))})
			continue
		}
		rec, err := parseRow(row, col)
		if err != nil {
			out.Problems = append(out.Problems, Problem{where, err.Error()})
			continue
		}
		rec.Where = where
		if first, dup := firstLine[rec.Account.ExternalID]; dup {
			out.Problems = append(out.Problems, Problem{where, fmt.Sprintf("duplicate external_id %q (first on line %d): this row is skipped", rec.Account.ExternalID, first)})
			continue
		}
		firstLine[rec.Account.ExternalID] = line
		out.Records = append(out.Records, rec)
	}
	return out, nil
}

// sniffDelimiter picks tab, semicolon or comma, whichever the header line has most of.
func sniffDelimiter(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	best, n := ',', strings.Count(first, ",")
	for _, d := range []rune{'\t', ';'} {
		if c := strings.Count(first, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}

func parseRow(row []string, col map[string]int) (feedback.AccountRecord, error) {
	get := func(c string) string {
		if i, ok := col[c]; ok {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	a := feedback.Account{Lifecycle: feedback.Customer, MRR: feedback.Money{Currency: "JPY"}}
	a.Name = get("name")
	if a.Name == "" {
		return feedback.AccountRecord{}, errors.New("no company name: every account needs one")
	}
	a.NameKey = NameKey(a.Name)
	a.ExternalID = get("external_id")
	if a.ExternalID == "" {
		a.ExternalID = "name:" + a.NameKey
	}
	var err error
	if c := get("currency"); c != "" {
		if a.MRR.Currency, err = ParseCurrency(c); err != nil {
			return feedback.AccountRecord{}, err
		}
	}
	if a.MRR.Minor, err = ParseAmount(get("mrr"), a.MRR.Currency); err != nil {
		return feedback.AccountRecord{}, fmt.Errorf("mrr: %w", err)
	}
	if a.Domains, err = ParseDomains(get("domains")); err != nil {
		return feedback.AccountRecord{}, err
	}
	a.Plan = get("plan")
	if a.Employees, err = ParseCount(get("employees")); err != nil {
		return feedback.AccountRecord{}, fmt.Errorf("employees: %w", err)
	}
	if v := get("lifecycle"); v != "" {
		if a.Lifecycle, err = ParseLifecycle(v); err != nil {
			return feedback.AccountRecord{}, err
		}
	}
	if a.RenewalDate, err = ParseDate(get("renewal_date")); err != nil {
		return feedback.AccountRecord{}, fmt.Errorf("renewal_date: %w", err)
	}
	if a.ChurnRisk, err = ParseChurnRisk(get("churn_risk")); err != nil {
		return feedback.AccountRecord{}, err
	}
	if a.Expansion, err = optionalAmount(get("expansion_potential"), a.MRR.Currency); err != nil {
		return feedback.AccountRecord{}, fmt.Errorf("expansion_potential: %w", err)
	}
	if a.Deal, err = optionalAmount(get("deal_value"), a.MRR.Currency); err != nil {
		return feedback.AccountRecord{}, fmt.Errorf("deal_value: %w", err)
	}
	contacts, err := ParseEmails(get("contact_emails"))
	if err != nil {
		return feedback.AccountRecord{}, err
	}
	return feedback.AccountRecord{Account: a, Contacts: contacts}, nil
}

func optionalAmount(s, currency string) (*int64, error) {
	if s == "" {
		return nil, nil
	}
	v, err := ParseAmount(s, currency)
	if err != nil {
		return nil, err
	}
	return &v, nil
}
