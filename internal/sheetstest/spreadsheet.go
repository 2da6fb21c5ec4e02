package sheetstest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// props is the API's SheetProperties as answered.
func (b *book) props(sh *sheet) map[string]any {
	grid := map[string]any{"rowCount": sh.rows, "columnCount": sh.cols}
	if sh.frozenRows > 0 {
		grid["frozenRowCount"] = sh.frozenRows
	}
	if sh.frozenCols > 0 {
		grid["frozenColumnCount"] = sh.frozenCols
	}
	return map[string]any{"sheetId": sh.id, "title": sh.title, "index": slices.Index(b.sheets, sh),
		"sheetType": "GRID", "gridProperties": grid}
}

// spreadsheet is the API's Spreadsheet, without grid data.
func (b *book) spreadsheet() map[string]any {
	sheets := []map[string]any{}
	for _, sh := range b.sheets {
		s := map[string]any{"properties": b.props(sh)}
		if sh.filter != nil {
			s["basicFilter"] = sh.filter
		}
		sheets = append(sheets, s)
	}
	return map[string]any{"spreadsheetId": b.id, "sheets": sheets,
		"properties":     map[string]any{"title": b.id, "locale": "en_US", "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT"},
		"spreadsheetUrl": "https://docs.google.com/spreadsheets/d/" + b.id + "/edit"}
}

// batchUpdate applies the requests in order, all or nothing. Each has a reply, {} for the kinds
// that have none.
func batchUpdate(c *call) (any, error) {
	var req struct {
		Requests                     []map[string]json.RawMessage `json:"requests"`
		IncludeSpreadsheetInResponse bool                         `json:"includeSpreadsheetInResponse"`
		ResponseRanges               []string                     `json:"responseRanges"`
		ResponseIncludeGridData      bool                         `json:"responseIncludeGridData"`
		CommentsViewMode             string                       `json:"commentsViewMode"`
	}
	if err := decode(c.body, &req); err != nil {
		return nil, err
	}
	replies := []any{}
	for i, r := range req.Requests {
		if len(r) != 1 {
			return nil, badRequest("Invalid requests[%d]: a request has exactly one kind, this one has %d", i, len(r))
		}
		for kind, raw := range r {
			reply, err := c.book.apply(kind, raw)
			if err != nil {
				return nil, prefixed(err, "Invalid requests[%d].%s: ", i, kind)
			}
			replies = append(replies, reply)
		}
	}
	res := map[string]any{"spreadsheetId": c.book.id, "replies": replies}
	if req.IncludeSpreadsheetInResponse {
		res["updatedSpreadsheet"] = c.book.spreadsheet()
	}
	return res, nil
}

// request holds one batchUpdate request of any kind this server handles: their fields together.
type request struct {
	Properties *properties // SheetProperties, or DimensionProperties for updateDimensionProperties
	Fields     string
	Filter     json.RawMessage // setBasicFilter
	Range      *struct {       // a GridRange, or a DimensionRange for updateDimensionProperties
		SheetID              int64
		Dimension            string
		StartIndex, EndIndex *int
	}
	Start   *struct{ SheetID int64 } // updateCells
	SheetID int64                    // clearBasicFilter
}

type properties struct {
	SheetID        *int64
	Title          *string
	GridProperties struct{ RowCount, ColumnCount, FrozenRowCount, FrozenColumnCount *int }
	PixelSize      int64
}

// or is *p, or def when p is nil.
func or[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// apply runs one request of spreadsheets.batchUpdate on the spreadsheet.
func (b *book) apply(kind string, raw json.RawMessage) (any, error) {
	var q request
	if err := json.Unmarshal(raw, &q); err != nil {
		return nil, badRequest("%v", err)
	}
	p := or(q.Properties, properties{})
	none := map[string]any{}
	switch kind {
	case "addSheet":
		return b.addSheet(p)
	case "updateSheetProperties":
		return none, b.updateSheet(p, q.Fields)
	case "setBasicFilter":
		var f struct{ Range struct{ SheetID int64 } }
		if q.Filter == nil || json.Unmarshal(q.Filter, &f) != nil {
			return nil, badRequest("a filter is required")
		}
		sh, err := b.grid(f.Range.SheetID)
		if err == nil {
			sh.filter = q.Filter
		}
		return none, err
	case "clearBasicFilter":
		sh, err := b.grid(q.SheetID)
		if err == nil {
			sh.filter = nil
		}
		return none, err
	case "updateDimensionProperties":
		return none, b.updateDimension(q, p)
	case "repeatCell", "updateCells": // formatting: the sheet must exist, the rest is not kept
		id := q.SheetID
		if q.Range != nil {
			id = q.Range.SheetID
		} else if q.Start != nil {
			id = q.Start.SheetID
		}
		_, err := b.grid(id)
		return none, err
	}
	return nil, badRequest("sheetstest does not support this kind of request")
}

// addSheet adds a tab at the end: Sheet2, Sheet3… when untitled, the next free sheet id unless
// one is given, 1000 rows by 26 columns unless told otherwise.
func (b *book) addSheet(p properties) (any, error) {
	title := or(p.Title, "")
	for n := len(b.sheets) + 1; title == ""; n++ {
		if b.sheetNamed(fmt.Sprint("Sheet", n)) == nil {
			title = fmt.Sprint("Sheet", n)
		}
	}
	if b.sheetNamed(title) != nil {
		return nil, badRequest("A sheet with the name \"%s\" already exists. Please enter another name.", title)
	}
	id := int64(0)
	for _, sh := range b.sheets {
		id = max(id, sh.id+1)
	}
	if p.SheetID != nil {
		if _, err := b.grid(*p.SheetID); err == nil {
			return nil, badRequest("A sheet with the id %d already exists.", *p.SheetID)
		}
		id = *p.SheetID
	}
	sh, g := newSheet(id, title), p.GridProperties
	sh.rows, sh.cols = or(g.RowCount, 1000), or(g.ColumnCount, 26)
	sh.frozenRows, sh.frozenCols = or(g.FrozenRowCount, 0), or(g.FrozenColumnCount, 0)
	b.sheets = append(b.sheets, sh)
	if err := sh.fit(); err != nil {
		return nil, err
	}
	return map[string]any{"addSheet": map[string]any{"properties": b.props(sh)}}, nil
}

// updateSheet sets the properties named by fields, a field mask such as
// "gridProperties.frozenRowCount"; a named property missing from p is reset, as in the API.
func (b *book) updateSheet(p properties, fields string) error {
	sh, err := b.grid(or(p.SheetID, 0))
	if err != nil {
		return err
	}
	if strings.TrimSpace(fields) == "" {
		return badRequest("fields is empty: name the properties to change, such as gridProperties.frozenRowCount")
	}
	g := p.GridProperties
	for _, f := range strings.Split(fields, ",") {
		switch f = strings.TrimSpace(f); f {
		case "title":
			if other := b.sheetNamed(or(p.Title, "")); other != nil && other != sh {
				return badRequest("A sheet with the name \"%s\" already exists. Please enter another name.", *p.Title)
			}
			if sh.title = or(p.Title, ""); sh.title == "" {
				return badRequest("a sheet's title cannot be empty")
			}
		case "gridProperties":
			sh.rows, sh.cols = or(g.RowCount, 0), or(g.ColumnCount, 0)
			sh.frozenRows, sh.frozenCols = or(g.FrozenRowCount, 0), or(g.FrozenColumnCount, 0)
		case "gridProperties.rowCount":
			sh.rows = or(g.RowCount, 0)
		case "gridProperties.columnCount":
			sh.cols = or(g.ColumnCount, 0)
		case "gridProperties.frozenRowCount":
			sh.frozenRows = or(g.FrozenRowCount, 0)
		case "gridProperties.frozenColumnCount":
			sh.frozenCols = or(g.FrozenColumnCount, 0)
		case "hidden", "tabColor", "tabColorStyle", "rightToLeft", "gridProperties.hideGridlines":
			// accepted, not kept
		default:
			return badRequest("sheetstest cannot update the sheet property %q", f)
		}
	}
	return sh.fit()
}

// fit checks the grid's size and drops the cells outside it.
func (sh *sheet) fit() error {
	switch {
	case sh.rows < 1 || sh.cols < 1:
		return badRequest("a sheet needs at least one row and one column")
	case sh.frozenRows >= sh.rows:
		return badRequest("You can't freeze all visible rows on the sheet.")
	case sh.frozenCols >= sh.cols:
		return badRequest("You can't freeze all visible columns on the sheet.")
	}
	sh.cells = sh.cells[:min(len(sh.cells), sh.rows)]
	for i, row := range sh.cells {
		sh.cells[i] = row[:min(len(row), sh.cols)]
	}
	return nil
}

// updateDimension accepts row and column properties and keeps column widths (pixelSize).
func (b *book) updateDimension(q request, p properties) error {
	if q.Range == nil {
		return badRequest("a range is required")
	}
	sh, err := b.grid(q.Range.SheetID)
	if err != nil {
		return err
	}
	if d := q.Range.Dimension; d != "ROWS" && d != "COLUMNS" {
		return badRequest("range.dimension must be ROWS or COLUMNS, not %q", d)
	}
	if q.Fields == "" {
		return badRequest("fields is empty: name the properties to change, such as pixelSize")
	}
	if q.Range.Dimension == "COLUMNS" && (q.Fields == "*" || strings.Contains(q.Fields, "pixelSize")) {
		for col := or(q.Range.StartIndex, 0); col < or(q.Range.EndIndex, sh.cols); col++ {
			sh.widths[col] = p.PixelSize
		}
	}
	return nil
}
