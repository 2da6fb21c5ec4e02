package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/koehq/koe/feedback"
)

// SheetFilter narrows the feedback sheet. Zero values do not filter.
type SheetFilter struct {
	// ID picks one voice's row (the sheet redraws a row after a change).
	ID        int64
	Source    feedback.SourceKind
	Tag       string // a tag, or "none" for untagged
	Status    feedback.Status
	AccountID int64
	RequestID int64
	Language  string
	From, To  time.Time
	// Q is searched for in the customer's words and title as a substring, so it works for
	// Japanese, which has no spaces between words; width, kana and ASCII case do not matter
	// (SearchKey).
	Q string
	// Sort: "new" (default), "old", or "mrr" (biggest account first, by its MRR when the voice
	// arrived, which an index keeps in order).
	Sort          string
	Limit, Offset int
}

// SheetRow is one line of the feedback sheet.
type SheetRow struct {
	Item feedback.Item
	// The account, when the voice is matched to one.
	AccountName, Plan, Lifecycle string
	MRR                          feedback.Money
	RequestTitle                 string
	// The best stored suggestion, when the voice is not linked yet.
	SuggestedID    int64
	SuggestedTitle string
	SuggestedScore float64
}

// searchWindow is how many of the newest matching voices (by the sheet's order) a search first
// reads through, before it asks the index. A common word fills a page within them at once,
// where the index would hand over every voice that has it (166,667 of 1,000,000 for 請求書をPDF:
// 374 ms) to be sorted; a rare word or none falls through to the index (under 1 ms).
const searchWindow = 5000

// FeedbackSheet returns a page of the feedback sheet and whether there is more.
func (s *DB) FeedbackSheet(ctx context.Context, f SheetFilter) ([]SheetRow, bool, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	if q := SearchKey(strings.TrimSpace(f.Q)); q != "" && (f.Offset+f.Limit+1)*4 <= searchWindow {
		rows, more, err := s.feedbackSheet(ctx, f, searchWindow)
		if err != nil || more {
			return rows, more, err
		}
	}
	return s.feedbackSheet(ctx, f, 0)
}

// feedbackSheet reads a page of the sheet; with a window, the search reads only the window's
// newest (by the sheet's order) voices that pass the other filters.
func (s *DB) feedbackSheet(ctx context.Context, f SheetFilter, window int) ([]SheetRow, bool, error) {
	var where, search []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.ID != 0 {
		where = append(where, "f.id = "+arg(f.ID))
	}
	if f.Source != "" {
		where = append(where, "f.source_kind = "+arg(string(f.Source)))
	}
	switch f.Tag {
	case "":
	case "none":
		where = append(where, "f.tag IS NULL")
	default:
		where = append(where, "f.tag = "+arg(f.Tag))
	}
	if f.Status != "" {
		where = append(where, "f.status = "+arg(string(f.Status)))
	}
	if f.AccountID != 0 {
		where = append(where, "f.account_id = "+arg(f.AccountID))
	}
	if f.RequestID != 0 {
		where = append(where, "f.request_id = "+arg(f.RequestID))
	}
	if f.Language != "" {
		where = append(where, "f.language = "+arg(f.Language))
	}
	if !f.From.IsZero() {
		where = append(where, "f.received_at >= "+arg(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "f.received_at < "+arg(f.To))
	}
	if q := SearchKey(strings.TrimSpace(f.Q)); q != "" {
		// The index of two-character pieces narrows the voices; LIKE checks the whole query.
		if g := searchGrams(q); len(g) > 0 && window == 0 {
			search = append(search, "f.search_grams @> "+arg(pq.Array(g))+"::int[]")
		}
		search = append(search, "f.search_text LIKE "+arg("%"+strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q)+"%"))
	}
	order := "f.received_at DESC, f.id DESC"
	switch f.Sort {
	case "old":
		order = "f.received_at, f.id"
	case "mrr":
		order = "f.mrr_at_receipt_minor DESC NULLS LAST, f.received_at DESC, f.id DESC"
	}
	whereOf := func(conds []string) string {
		if len(conds) == 0 {
			return ""
		}
		return "WHERE " + strings.Join(conds, " AND ")
	}
	from, cond := "feedback f", whereOf(append(where, search...))
	if window > 0 {
		from = `(SELECT * FROM feedback f ` + whereOf(where) + ` ORDER BY ` + order + ` LIMIT ` + arg(window) + `) f`
		cond = whereOf(search)
	}
	query := `SELECT ` + prefixed("f.", itemColumns) + `,
		COALESCE(a.name, '') AS account_name, COALESCE(a.plan, '') AS plan, COALESCE(a.lifecycle, '') AS lifecycle,
		COALESCE(a.mrr_minor, 0) AS account_mrr, COALESCE(a.currency, '') AS account_currency,
		COALESCE(r.title, '') AS request_title,
		COALESCE(sg.request_id, 0) AS suggested_id, COALESCE(sr.title, '') AS suggested_title, COALESCE(sg.score, 0) AS suggested_score
		FROM ` + from + `
		LEFT JOIN accounts a ON a.id = f.account_id
		LEFT JOIN requests r ON r.id = f.request_id
		LEFT JOIN feedback_suggestions sg ON f.request_id IS NULL AND sg.feedback_id = f.id AND sg.rank = 1
		LEFT JOIN requests sr ON sr.id = sg.request_id
		` + cond + ` ORDER BY ` + order + ` LIMIT ` + arg(f.Limit+1) + ` OFFSET ` + arg(f.Offset)
	var rows []struct {
		itemRow
		AccountName     string  `db:"account_name"`
		Plan            string  `db:"plan"`
		Lifecycle       string  `db:"lifecycle"`
		AccountMRR      int64   `db:"account_mrr"`
		AccountCurrency string  `db:"account_currency"`
		RequestTitle    string  `db:"request_title"`
		SuggestedID     int64   `db:"suggested_id"`
		SuggestedTitle  string  `db:"suggested_title"`
		SuggestedScore  float64 `db:"suggested_score"`
	}
	if err := s.db.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, false, fmt.Errorf("store: feedback sheet: %w", err)
	}
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	out := make([]SheetRow, len(rows))
	for i, r := range rows {
		out[i] = SheetRow{Item: r.ToModel(), AccountName: r.AccountName, Plan: r.Plan, Lifecycle: r.Lifecycle,
			MRR: feedback.Money{Minor: r.AccountMRR, Currency: r.AccountCurrency}, RequestTitle: r.RequestTitle,
			SuggestedID: r.SuggestedID, SuggestedTitle: r.SuggestedTitle, SuggestedScore: r.SuggestedScore}
	}
	return out, more, nil
}

// prefixed qualifies each column of a list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// TriageEdit is a change to a voice's triage work; nil fields stay as they are.
type TriageEdit struct {
	Tag         *feedback.Tag // TagNone clears it
	Insight     *string
	WhoBenefits *string
	Status      *feedback.Status
}

// EditFeedback applies a triage edit to voices, each under the audit log, in one transaction,
// and returns how many changed.
func (s *DB) EditFeedback(ctx context.Context, ids []int64, e TriageEdit, u Triager) (int, error) {
	if e.Tag != nil && !e.Tag.Valid() {
		return 0, feedback.Errorf(feedback.EINVALID, "%q is not a tag: use churn_risk, expansion, usability or internal_efficiency.", *e.Tag)
	}
	if e.Status != nil && !e.Status.Valid() {
		return 0, feedback.Errorf(feedback.EINVALID, "%q is not a status: use new, triaged, ignored or spam.", *e.Status)
	}
	changed := 0
	err := s.inTx(ctx, "edit feedback", func(tx *sqlx.Tx) error {
		for _, id := range ids {
			n, err := s.editOne(ctx, tx, id, e, u)
			if err != nil {
				return err
			}
			changed += n
		}
		return nil
	})
	return changed, err
}
