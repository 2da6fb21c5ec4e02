package dashboard

import (
	"fmt"
	"slices"
	"strings"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest/textproc"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/store"
)

// segment is one of the backlog's segment filters as a list of choices: Name is the query
// parameter, Label what the list is called, Options what the data has (a value asked for that
// the data lacks, from an old link or saved view, stays listed so the page shows what it filters).
// A segment without options (no account has an employee count) is not shown.
type segment struct {
	Name, Label string
	Options     []segmentOption
}

// segmentOption is one choice: the value the filter takes and what people read for it.
type segmentOption struct {
	Value, Text string
	Selected    bool
}

// segments are the backlog's segment filters in p's words, with f's values selected. MRR bands
// are in the base currency, which their list names.
func segments(p locale.Printer, c store.BacklogChoices, f feedback.BacklogFilter, currency string) []segment {
	counted := func(text string, n int64) string {
		return p.T("backlog.choice_accounts", "Value", text, "Count", n, "N", thousands(n))
	}
	build := func(name, label, selected string, choices []store.Choice, text func(string) string, same func(a, b string) bool) segment {
		s := segment{Name: name, Label: label}
		found := false
		for _, ch := range choices {
			t := text(ch.Value)
			if ch.Count > 0 {
				t = counted(t, ch.Count)
			}
			sel := selected != "" && same(ch.Value, selected)
			found = found || sel
			s.Options = append(s.Options, segmentOption{Value: ch.Value, Text: t, Selected: sel})
		}
		if selected != "" && !found {
			s.Options = append(s.Options, segmentOption{Value: selected, Text: p.T("backlog.choice_none", "Value", text(selected)), Selected: true})
		}
		return s
	}
	exact := func(a, b string) bool { return a == b }
	label := func(kind string) func(string) string { return func(v string) string { return p.Label(kind, v) } }
	sources := make([]store.Choice, len(c.Sources))
	named := map[string]string{}
	for i, s := range c.Sources {
		sources[i] = store.Choice{Value: string(s.Kind)}
		named[string(s.Kind)] = p.T("backlog.source_choice", "Kind", p.Label("source", string(s.Kind)),
			"Names", strings.Join(s.Names, p.T("backlog.list_separator")))
	}
	sourceText := func(v string) string {
		if t, ok := named[v]; ok {
			return t
		}
		return p.Label("source", v)
	}
	langs := slices.Clone(c.Languages)
	slices.SortStableFunc(langs, func(a, b store.Choice) int { return langOrder(a.Value) - langOrder(b.Value) })
	return []segment{
		build("plan", p.T("common.plan"), f.Plan, c.Plans, func(v string) string { return v }, strings.EqualFold),
		build("lifecycle", p.T("common.lifecycle"), string(f.Lifecycle), c.Lifecycles, label("lifecycle"), exact),
		build("mrr_band", p.T("backlog.mrr_label", "Currency", currency), f.MRRBand, c.MRRBands, label("backlog.mrr_band"), exact),
		build("employees", p.T("backlog.employees_label"), f.Employees, c.EmployeeBands, label("backlog.employee_band"), exact),
		build("source", p.T("common.source"), string(f.SourceKind), sources, sourceText, exact),
		build("language", p.T("common.language"), f.Language, langs, label("language"), exact),
	}
}

// langOrder puts the languages as the sheet lists them (Japanese, English, other, unknown), any
// other code after them.
func langOrder(code string) int {
	if i := slices.Index(textproc.Languages, code); i >= 0 {
		return i
	}
	return len(textproc.Languages)
}

// thousands writes n with its thousands grouped: 12,345.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
