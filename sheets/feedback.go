package sheets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	gsheets "google.golang.org/api/sheets/v4"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
	"github.com/koehq/koe/store"
)

// feedbackColumns are the keys of the columns Koe keeps in the feedback sheet, in order; their
// headers are the catalog's sheet.column.<key>. People may edit four of them (insight, who
// benefits, tag, request: readState and editOf).
var feedbackColumns = []string{"id", "received", "source", "account", "mrr", "plan", "employees", "words",
	"insight", "who", "tag", "request", "status", "link"}

// wordsLimit is how much of a customer's words the sheet shows (the Koe link has the rest).
const wordsLimit = 500

// Feedback keeps the CS feedback sheet: one row per voice, keyed by the Koe ID column. Columns are
// found by their header (in any language of the catalog), so people may move them and add their
// own; Koe writes only its own cells. Push writes new and changed voices (a rerun writes nothing);
// Pull reads people's edits of insight, who benefits, tag and request back into Koe.
type Feedback struct {
	Client        *Client
	Store         *store.DB
	SpreadsheetID string
	Tab           string
	Lang          string // of the headers, tag and status labels and messages: one of locale.Languages
	BaseURL       string
	Location      *time.Location // KOE_TIMEZONE: the received time is shown there, with the zone's name
	Log           *slog.Logger
}

// layout is where Koe's columns are in the tab.
type layout struct {
	col   map[string]int // column key → 0-based column
	width int
}

// readLayout reads the header row, adding Koe's columns that are missing after the last one used.
func (f *Feedback) readLayout(ctx context.Context) (layout, error) {
	sheetID, err := f.Client.tab(ctx, f.SpreadsheetID, f.Tab, 1, len(feedbackColumns))
	if err != nil {
		return layout{}, err
	}
	head, err := f.Client.read(ctx, f.SpreadsheetID, quote(f.Tab)+"!1:1")
	if err != nil {
		return layout{}, err
	}
	var cells []string
	if len(head) > 0 {
		cells = head[0]
	}
	l := layout{col: map[string]int{}, width: len(cells)}
	for i, cell := range cells {
		if key, ok := columnOf(cell); ok {
			if _, seen := l.col[key]; !seen {
				l.col[key] = i
			}
		}
	}
	var missing []any
	for _, key := range feedbackColumns {
		if _, ok := l.col[key]; !ok {
			l.col[key] = l.width + len(missing)
			missing = append(missing, f.printer().Label("sheet.column", key))
		}
	}
	if len(missing) == 0 {
		return l, nil
	}
	first := l.width
	l.width += len(missing)
	if _, err := f.Client.tab(ctx, f.SpreadsheetID, f.Tab, 1, l.width); err != nil {
		return layout{}, err
	}
	rng := fmt.Sprintf("%s!%s1:%s1", quote(f.Tab), column(first), column(l.width-1))
	if err := f.Client.call(ctx, "write the header", func() error {
		_, err := f.Client.svc.Spreadsheets.Values.Update(f.SpreadsheetID, rng, &gsheets.ValueRange{Values: [][]any{missing}}).
			ValueInputOption("RAW").Context(ctx).Do()
		return err
	}); err != nil {
		return l, err
	}
	if first == 0 { // a new sheet: widths that fit what each column holds
		return l, f.widths(ctx, sheetID, l)
	}
	return l, nil
}

// columnWidths are the pixel widths of a new sheet's columns (the rest keep the default 100).
var columnWidths = map[string]int64{"received": 130, "source": 140, "account": 180, "words": 420, "insight": 260, "who": 160, "request": 200, "link": 260}

func (f *Feedback) widths(ctx context.Context, sheetID int64, l layout) error {
	var reqs []*gsheets.Request
	for key, px := range columnWidths {
		i := int64(l.col[key])
		reqs = append(reqs, &gsheets.Request{UpdateDimensionProperties: &gsheets.UpdateDimensionPropertiesRequest{
			Range:      &gsheets.DimensionRange{SheetId: sheetID, Dimension: "COLUMNS", StartIndex: i, EndIndex: i + 1, ForceSendFields: []string{"SheetId", "StartIndex"}},
			Properties: &gsheets.DimensionProperties{PixelSize: px}, Fields: "pixelSize"}})
	}
	return f.Client.call(ctx, "set column widths", func() error {
		_, err := f.Client.svc.Spreadsheets.BatchUpdate(f.SpreadsheetID, &gsheets.BatchUpdateSpreadsheetRequest{Requests: reqs}).Context(ctx).Do()
		return err
	})
}

// printer is the catalog in the sheet's language.
func (f *Feedback) printer() locale.Printer { return locale.For(f.Lang) }

// columnOf is the key of the column a header names, in any language of the catalog.
func columnOf(header string) (string, bool) {
	header = strings.TrimSpace(header)
	for _, key := range feedbackColumns {
		for _, lang := range locale.Languages() {
			if header == locale.Label(lang, "sheet.column", key) {
				return key, true
			}
		}
	}
	return "", false
}

// sheetState is the key and editable cells of every row, as the sheet holds them now.
type sheetState struct {
	row   map[int64]int // Koe ID → 1-based sheet row (the first, if a person copied a row)
	edit  map[int64]store.SheetEdit
	order []int64 // Koe IDs in sheet order
}

func (f *Feedback) readState(ctx context.Context, l layout) (sheetState, error) {
	keys := []string{"id", "tag", "insight", "who", "request"}
	ranges := make([]string, len(keys))
	for i, k := range keys {
		c := column(l.col[k])
		ranges[i] = fmt.Sprintf("%s!%s2:%s", quote(f.Tab), c, c)
	}
	var resp *gsheets.BatchGetValuesResponse
	if err := f.Client.call(ctx, "read the sheet", func() (err error) {
		resp, err = f.Client.svc.Spreadsheets.Values.BatchGet(f.SpreadsheetID).Ranges(ranges...).Context(ctx).Do()
		return err
	}); err != nil {
		return sheetState{}, err
	}
	cell := func(k, i int) string {
		if k >= len(resp.ValueRanges) || i >= len(resp.ValueRanges[k].Values) || len(resp.ValueRanges[k].Values[i]) == 0 {
			return ""
		}
		return fmt.Sprint(resp.ValueRanges[k].Values[i][0])
	}
	st := sheetState{row: map[int64]int{}, edit: map[int64]store.SheetEdit{}}
	if len(resp.ValueRanges) == 0 {
		return st, nil
	}
	for i := range resp.ValueRanges[0].Values {
		id, err := strconv.ParseInt(strings.TrimSpace(cell(0, i)), 10, 64)
		if err != nil || id <= 0 {
			continue // a row people added, or a blank one
		}
		if _, dup := st.row[id]; dup {
			continue
		}
		st.row[id] = i + 2
		st.edit[id] = store.SheetEdit{Tag: cell(1, i), Insight: cell(2, i), WhoBenefits: cell(3, i), Request: cell(4, i)}
		st.order = append(st.order, id)
	}
	return st, nil
}

// render is a voice's cells by column key.
func (f *Feedback) render(v store.VoiceRow) map[string]any {
	loc := f.Location
	if loc == nil {
		loc = time.UTC
	}
	words := v.Body
	if v.Title != "" {
		words = v.Title + "\n" + words
	}
	if r := []rune(words); len(r) > wordsLimit {
		words = string(r[:wordsLimit]) + "…"
	}
	var mrr, employees any = "", ""
	if v.MRRMinor != nil {
		mrr = feedback.Money{Minor: *v.MRRMinor, Currency: v.Currency}.Major()
	}
	if v.Employees != nil {
		employees = *v.Employees
	}
	request := ""
	if v.RequestID != nil {
		request = strings.TrimSpace(fmt.Sprintf("#%d %s", *v.RequestID, v.RequestTitle))
	}
	p := f.printer()
	return map[string]any{
		"id": v.ID, "received": v.ReceivedAt.In(loc).Format("2006-01-02 15:04 MST"), "source": v.Source + " / " + v.SourceName,
		"account": v.Account, "mrr": mrr, "plan": v.Plan, "employees": employees, "words": words,
		"insight": v.Insight, "who": v.WhoBenefits, "tag": p.Label("tag", v.Tag), "request": request,
		"status": p.Label("voice_status", v.Status), "link": fmt.Sprintf("%s/app/feedback/%d", f.BaseURL, v.ID),
	}
}

func hashCells(cells map[string]any) []byte {
	h := sha256.New()
	for _, key := range feedbackColumns {
		fmt.Fprintf(h, "%s\x00%v\x00", key, cells[key])
	}
	return h.Sum(nil)
}

func editOf(cells map[string]any) store.SheetEdit {
	return store.SheetEdit{Tag: fmt.Sprint(cells["tag"]), Insight: fmt.Sprint(cells["insight"]),
		WhoBenefits: fmt.Sprint(cells["who"]), Request: fmt.Sprint(cells["request"])}
}

// rowOf lays a voice's cells out across the sheet's columns; other columns get blank (null: a
// write leaves people's cells alone).
func (l layout) rowOf(cells map[string]any, blank any) []any {
	row := make([]any, l.width)
	for i := range row {
		row[i] = blank
	}
	for k, v := range cells {
		row[l.col[k]] = v
	}
	return row
}

// load reads the sheet's layout and rows, and what Koe last wrote there.
func (f *Feedback) load(ctx context.Context) (layout, sheetState, map[int64]store.SheetRowState, error) {
	l, err := f.readLayout(ctx)
	if err != nil {
		return l, sheetState{}, nil, err
	}
	sheet, err := f.readState(ctx, l)
	if err != nil {
		return l, sheet, nil, err
	}
	states, err := f.Store.SheetRowStates(ctx, f.SpreadsheetID)
	return l, sheet, states, err
}

// PushResult says what a push did.
type PushResult struct {
	Appended, Updated, Unchanged int
	// Pending rows hold a person's edit not read back yet (Pull first); Deleted rows were deleted
	// in the sheet and stay deleted until the voice changes in Koe (or a full push).
	Pending, Deleted int
}

// Push writes new voices (appended) and changed ones (in place) in chunks. With full it looks at
// every voice, not only those changed since their last push, and puts back rows people deleted.
func (f *Feedback) Push(ctx context.Context, full bool) (PushResult, error) {
	l, sheet, states, err := f.load(ctx)
	if err != nil {
		return PushResult{}, err
	}
	return f.push(ctx, full, l, sheet, states)
}

// Sync pulls people's edits, then pushes what changed, reading the sheet once (it does not
// change in between: Koe writes only after the pull).
func (f *Feedback) Sync(ctx context.Context) (PullResult, PushResult, error) {
	l, sheet, states, err := f.load(ctx)
	if err != nil {
		return PullResult{}, PushResult{}, err
	}
	pulled, err := f.pull(ctx, sheet, states)
	if err != nil {
		return pulled, PushResult{}, err
	}
	if states, err = f.Store.SheetRowStates(ctx, f.SpreadsheetID); err != nil { // as the pull left them
		return pulled, PushResult{}, err
	}
	pushed, err := f.push(ctx, false, l, sheet, states)
	return pulled, pushed, err
}

func (f *Feedback) push(ctx context.Context, full bool, l layout, sheet sheetState, states map[int64]store.SheetRowState) (PushResult, error) {
	var res PushResult
	voices, err := f.Store.SheetVoices(ctx, f.SpreadsheetID, full)
	if err != nil {
		return res, err
	}
	type pending struct {
		row   int // 0: append
		cells []any
		state store.SheetRowState
	}
	var updates, appends []pending
	var unchanged []store.SheetRowState
	for _, v := range voices {
		cells := f.render(v)
		st := store.SheetRowState{FeedbackID: v.ID, Hash: hashCells(cells), Edit: editOf(cells), Version: v.UpdatedAt}
		old, known := states[v.ID]
		row, present := sheet.row[v.ID]
		switch {
		case present && known && sheet.edit[v.ID] != old.Edit:
			res.Pending++
		case present && known && bytes.Equal(old.Hash, st.Hash):
			unchanged = append(unchanged, st)
		case present:
			updates = append(updates, pending{row: row, cells: l.rowOf(cells, nil), state: st})
		case known && !full && !v.UpdatedAt.After(old.Version):
			res.Deleted++
		default:
			appends = append(appends, pending{cells: l.rowOf(cells, ""), state: st})
		}
	}
	if err := f.Store.SaveSheetRows(ctx, f.SpreadsheetID, unchanged); err != nil {
		return res, err
	}
	res.Unchanged = len(unchanged)
	last := column(l.width - 1)
	for chunk := range slices.Chunk(updates, 1000) {
		data := make([]*gsheets.ValueRange, len(chunk))
		saves := make([]store.SheetRowState, len(chunk))
		for i, u := range chunk {
			data[i] = &gsheets.ValueRange{Range: fmt.Sprintf("%s!A%d:%s%d", quote(f.Tab), u.row, last, u.row), Values: [][]any{u.cells}}
			saves[i] = u.state
		}
		if err := f.Client.call(ctx, "update rows", func() error {
			_, err := f.Client.svc.Spreadsheets.Values.BatchUpdate(f.SpreadsheetID, &gsheets.BatchUpdateValuesRequest{
				ValueInputOption: "RAW", Data: data}).Context(ctx).Do()
			return err
		}); err != nil {
			return res, err
		}
		if err := f.Store.SaveSheetRows(ctx, f.SpreadsheetID, saves); err != nil {
			return res, err
		}
		res.Updated += len(chunk)
	}
	for chunk := range slices.Chunk(appends, chunkRows) {
		vr := &gsheets.ValueRange{}
		saves := make([]store.SheetRowState, len(chunk))
		for i, a := range chunk {
			vr.Values = append(vr.Values, a.cells)
			saves[i] = a.state
		}
		// A crash after this call and before the save is safe: the next push finds the rows by
		// their Koe ID and updates them instead of appending them again.
		if err := f.Client.call(ctx, "append rows", func() error {
			_, err := f.Client.svc.Spreadsheets.Values.Append(f.SpreadsheetID, quote(f.Tab)+"!A1", vr).
				ValueInputOption("RAW").InsertDataOption("INSERT_ROWS").Context(ctx).Do()
			return err
		}); err != nil {
			return res, err
		}
		if err := f.Store.SaveSheetRows(ctx, f.SpreadsheetID, saves); err != nil {
			return res, err
		}
		res.Appended += len(chunk)
	}
	return res, nil
}

// PullResult says what a pull did.
type PullResult struct {
	Applied   int
	Conflicts int // edits made in the sheet to voices changed in Koe since: Koe's stay
	// Problems are the edits not applied, each naming its row.
	Problems []string
}

var requestRef = regexp.MustCompile(`^#?\s*(\d+)\b`)

// Pull applies people's edits of the editable columns. An unknown tag or request is reported
// and left in the sheet for the person to fix; an edit to a voice changed in Koe since the sheet
// was written loses to Koe's (the next push rewrites the row).
func (f *Feedback) Pull(ctx context.Context) (PullResult, error) {
	_, sheet, states, err := f.load(ctx)
	if err != nil {
		return PullResult{}, err
	}
	return f.pull(ctx, sheet, states)
}

func (f *Feedback) pull(ctx context.Context, sheet sheetState, states map[int64]store.SheetRowState) (PullResult, error) {
	var res PullResult
	var saves []store.SheetRowState
	for _, id := range sheet.order {
		st, known := states[id]
		now := sheet.edit[id]
		if !known || now == st.Edit {
			continue
		}
		where := f.printer().T("sheet.row", "Row", sheet.row[id], "ID", id)
		change, problem := f.parse(st.Edit, now)
		if problem != "" {
			res.Problems = append(res.Problems, where+": "+problem)
			continue
		}
		_, err := f.Store.ApplySheetEdit(ctx, id, st.Version, change, "sheet:"+f.SpreadsheetID)
		switch feedback.ErrorCode(err) {
		case "":
			res.Applied++
		case feedback.ECONFLICT:
			res.Conflicts++
			res.Problems = append(res.Problems, where+": "+feedback.ErrorMessage(err))
		case feedback.ENOTFOUND, feedback.EINVALID:
			res.Problems = append(res.Problems, where+": "+feedback.ErrorMessage(err))
			continue
		default:
			return res, err
		}
		// The sheet's cells are now known; the version stays, so the next push rewrites the row
		// as Koe shows it (Koe's values after a conflict, "#12 Title" for a typed "12").
		st.Edit = now
		saves = append(saves, st)
	}
	return res, f.Store.SaveSheetRows(ctx, f.SpreadsheetID, saves)
}

// parse turns the edited cells into a change, or says what is wrong with them.
func (f *Feedback) parse(was, now store.SheetEdit) (store.SheetChange, string) {
	var c store.SheetChange
	if now.Tag != was.Tag {
		tag, ok := locale.ParseTag(now.Tag)
		if !ok {
			return c, f.printer().T("sheet.not_a_tag", "Value", strconv.Quote(now.Tag), "Tags", locale.TagLabels(f.printer().Lang()))
		}
		c.Edit.Tag = &tag
	}
	if now.Insight != was.Insight {
		v := strings.TrimSpace(now.Insight)
		c.Edit.Insight = &v
	}
	if now.WhoBenefits != was.WhoBenefits {
		v := strings.TrimSpace(now.WhoBenefits)
		c.Edit.WhoBenefits = &v
	}
	if now.Request != was.Request {
		switch m := requestRef.FindStringSubmatch(strings.TrimSpace(now.Request)); {
		case strings.TrimSpace(now.Request) == "":
			c.Unlink = true
		case m != nil:
			id, _ := strconv.ParseInt(m[1], 10, 64)
			c.RequestID = &id
		default:
			return c, f.printer().T("sheet.not_a_request", "Value", strconv.Quote(now.Request))
		}
	}
	return c, ""
}

// Check says whether Koe can reach the feedback sheet and whether its header has every one of
// Koe's columns (in any order, in any language of the catalog, among people's own).
func (f *Feedback) Check(ctx context.Context) error {
	head, err := f.Client.read(ctx, f.SpreadsheetID, quote(f.Tab)+"!1:1")
	if err != nil {
		return err
	}
	have := map[string]bool{}
	if len(head) > 0 {
		for _, cell := range head[0] {
			if key, ok := columnOf(cell); ok {
				have[key] = true
			}
		}
	}
	var missing []string
	for _, key := range feedbackColumns {
		if !have[key] {
			missing = append(missing, f.printer().Label("sheet.column", key))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("sheets: %s: %s", f.Tab, f.printer().T("sheet.header_lacks", "Missing", fmt.Sprintf("%q", missing)))
	}
	return nil
}
