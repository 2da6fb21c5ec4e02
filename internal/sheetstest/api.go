package sheetstest

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
)

// call is one API call at work on a copy of its spreadsheet.
type call struct {
	book  *book
	query url.Values
	rng   string // the range in the path, unescaped
	body  []byte
}

var handlers = map[string]func(*call) (any, error){
	"spreadsheets.get":         func(c *call) (any, error) { return c.book.spreadsheet(), nil },
	"spreadsheets.batchUpdate": batchUpdate,
	"values.get":               func(c *call) (any, error) { return c.read(c.rng) },
	"values.batchGet":          batchGetValues,
	"values.update":            updateValues,
	"values.batchUpdate":       batchUpdateValues,
	"values.append":            appendValues,
	"values.clear":             clearValues,
	"values.batchClear":        batchClearValues,
}

// valueRange is the API's ValueRange, in requests and answers.
type valueRange struct {
	Range          string  `json:"range,omitempty"`
	MajorDimension string  `json:"majorDimension,omitempty"`
	Values         [][]any `json:"values,omitempty"`
}

// updated is the API's UpdateValuesResponse.
type updated struct {
	SpreadsheetID  string `json:"spreadsheetId"`
	UpdatedRange   string `json:"updatedRange,omitempty"`
	UpdatedRows    int    `json:"updatedRows,omitempty"`
	UpdatedColumns int    `json:"updatedColumns,omitempty"`
	UpdatedCells   int    `json:"updatedCells,omitempty"`
	sheet          *sheet
	box            rect
}

// decode reads a request body, refusing fields the API does not have, as Google does.
func decode(body []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return badRequest("Invalid JSON payload received. %v", err)
	}
	return nil
}

func enumError(field, enum, value string) error {
	return badRequest("Invalid value at '%s' (type.googleapis.com/google.apps.sheets.v4.%s), %q", field, enum, value)
}

// inputOption reads valueInputOption, which every write must set.
func inputOption(v string) (userEntered bool, err error) {
	switch v {
	case "RAW", "USER_ENTERED":
		return v == "USER_ENTERED", nil
	case "", "INPUT_VALUE_OPTION_UNSPECIFIED":
		return false, badRequest("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
	}
	return false, enumError("value_input_option", "ValueInputOption", v)
}

// rowsOnly refuses a majorDimension other than ROWS, which this server does not mirror.
func rowsOnly(dim string) error {
	if dim != "" && dim != "ROWS" && dim != "DIMENSION_UNSPECIFIED" {
		return badRequest("sheetstest only supports majorDimension ROWS, not %q", dim)
	}
	return nil
}

// read answers a range with its values, ragged as the API sends them.
func (c *call) read(rng string) (*valueRange, error) {
	r, err := c.book.parseRange(rng)
	if err == nil {
		err = r.checkGrid()
	}
	if err == nil {
		err = rowsOnly(c.query.Get("majorDimension"))
	}
	if err != nil {
		return nil, err
	}
	vr := &valueRange{Range: format(r.sheet, r.clip()), MajorDimension: "ROWS"}
	for _, row := range trim(r.sheet.block(r.clip())) {
		vals := []any{}
		for _, v := range row {
			vals = append(vals, v)
		}
		vr.Values = append(vr.Values, vals)
	}
	return vr, nil
}

func batchGetValues(c *call) (any, error) {
	var out []*valueRange
	for _, rng := range c.query["ranges"] {
		vr, err := c.read(rng)
		if err != nil {
			return nil, err
		}
		out = append(out, vr)
	}
	return map[string]any{"spreadsheetId": c.book.id, "valueRanges": out}, nil
}

func updateValues(c *call) (any, error) {
	var vr valueRange
	userEntered, err := inputOption(c.query.Get("valueInputOption"))
	if err == nil {
		err = decode(c.body, &vr)
	}
	if err != nil {
		return nil, err
	}
	r, err := c.book.parseRange(c.rng)
	if err != nil {
		return nil, err
	}
	return c.write(r, vr, userEntered)
}

func batchUpdateValues(c *call) (any, error) {
	var req struct {
		ValueInputOption             string       `json:"valueInputOption"`
		Data                         []valueRange `json:"data"`
		IncludeValuesInResponse      bool         `json:"includeValuesInResponse"`
		ResponseValueRenderOption    string       `json:"responseValueRenderOption"`
		ResponseDateTimeRenderOption string       `json:"responseDateTimeRenderOption"`
	}
	if err := decode(c.body, &req); err != nil {
		return nil, err
	}
	userEntered, err := inputOption(req.ValueInputOption)
	if err != nil {
		return nil, err
	}
	var responses []*updated
	rows, cols, sheets, cells := map[[2]int64]bool{}, map[[2]int64]bool{}, map[int64]bool{}, 0
	for i, vr := range req.Data {
		r, err := c.book.parseRange(vr.Range)
		var u *updated
		if err == nil {
			u, err = c.write(r, vr, userEntered)
		}
		if err != nil {
			return nil, prefixed(err, "Invalid data[%d]: ", i)
		}
		responses, cells = append(responses, u), cells+u.UpdatedCells
		for row := u.box.r0; row < u.box.r1; row++ {
			rows[[2]int64{u.sheet.id, int64(row)}], sheets[u.sheet.id] = true, true
		}
		for col := u.box.c0; col < u.box.c1; col++ {
			cols[[2]int64{u.sheet.id, int64(col)}] = true
		}
	}
	return map[string]any{"spreadsheetId": c.book.id, "totalUpdatedRows": len(rows), "totalUpdatedColumns": len(cols),
		"totalUpdatedCells": cells, "totalUpdatedSheets": len(sheets), "responses": responses}, nil
}

// write puts values into a range. A single cell is the top-left corner of values of any size; a
// larger range must hold them; either way they must fit in the grid.
func (c *call) write(r a1, vr valueRange, userEntered bool) (*updated, error) {
	if err := rowsOnly(vr.MajorDimension); err != nil {
		return nil, err
	}
	sh, height, width := r.sheet, len(vr.Values), 0
	for _, row := range vr.Values {
		width = max(width, len(row))
	}
	if height == 0 || width == 0 {
		return &updated{SpreadsheetID: c.book.id, UpdatedRange: format(sh, r.clip()), sheet: sh}, r.checkGrid()
	}
	box := rect{r.r0, r.c0, r.r0 + height, r.c0 + width}
	switch {
	case !r.single() && r.r1 >= 0 && box.r1 > r.r1:
		return nil, badRequest("Requested writing within range [%s], but tried writing to row [%d]", format(sh, r.clip()), r.r1+1)
	case !r.single() && r.c1 >= 0 && box.c1 > r.c1:
		return nil, badRequest("Requested writing within range [%s], but tried writing to column [%s]", format(sh, r.clip()), column(r.c1))
	case box.r1 > sh.rows || box.c1 > sh.cols:
		return nil, gridError(sh, cellsOf(box))
	}
	u := &updated{SpreadsheetID: c.book.id, UpdatedRange: format(sh, box), UpdatedRows: height, UpdatedColumns: width, sheet: sh, box: box}
	for i, row := range vr.Values {
		for j, v := range row {
			text, skip, err := cellText(v, userEntered)
			if err != nil {
				return nil, badRequest("Invalid values[%d][%d]: %v", i, j, err)
			}
			if !skip {
				sh.set(box.r0+i, box.c0+j, text)
				u.UpdatedCells++
			}
		}
	}
	return u, nil
}

// appendValues finds the table in the range — from its first to its last row with a value, empty
// rows in between included — and writes below it, from the table's first column. A single cell
// searches from there to the end of the sheet. The grid grows to fit; INSERT_ROWS also pushes the
// rows below down.
func appendValues(c *call) (any, error) {
	userEntered, err := inputOption(c.query.Get("valueInputOption"))
	if err != nil {
		return nil, err
	}
	insert := c.query.Get("insertDataOption")
	if insert != "" && insert != "OVERWRITE" && insert != "INSERT_ROWS" {
		return nil, enumError("insert_data_option", "InsertDataOption", insert)
	}
	var vr valueRange
	if err := decode(c.body, &vr); err != nil {
		return nil, err
	}
	r, err := c.book.parseRange(c.rng)
	if err == nil {
		err = r.checkGrid()
	}
	if err != nil {
		return nil, err
	}
	sh, search := r.sheet, r.clip()
	if r.single() {
		search.r1, search.c1 = sh.rows, sh.cols
	}
	first, last, left, right := -1, -1, search.c1, -1
	for row := search.r0; row < search.r1; row++ {
		for col := search.c0; col < search.c1; col++ {
			if sh.get(row, col) == "" {
				continue
			}
			if first < 0 {
				first = row
			}
			last, left, right = row, min(left, col), max(right, col)
		}
	}
	res := map[string]any{"spreadsheetId": c.book.id}
	at := rect{search.r0, search.c0, search.r0 + 1, search.c0 + 1}
	if first >= 0 {
		res["tableRange"] = format(sh, rect{first, left, last + 1, right + 1})
		at = rect{last + 1, left, last + 2, left + 1}
	}
	height, width := len(vr.Values), 0
	for _, row := range vr.Values {
		width = max(width, len(row))
	}
	if insert == "INSERT_ROWS" && at.r0 < len(sh.cells) {
		sh.cells = slices.Insert(sh.cells, at.r0, make([][]string, height)...)
	}
	if insert == "INSERT_ROWS" {
		sh.rows += height
	}
	sh.rows, sh.cols = max(sh.rows, at.r0+height), max(sh.cols, at.c0+width)
	u, err := c.write(a1{sheet: sh, rect: at}, vr, userEntered)
	res["updates"] = u
	return res, err
}

func clearValues(c *call) (any, error) {
	cleared, err := c.clear(c.rng)
	return map[string]any{"spreadsheetId": c.book.id, "clearedRange": cleared}, err
}

func batchClearValues(c *call) (any, error) {
	var req struct {
		Ranges []string `json:"ranges"`
	}
	if err := decode(c.body, &req); err != nil {
		return nil, err
	}
	var cleared []string
	for _, rng := range req.Ranges {
		s, err := c.clear(rng)
		if err != nil {
			return nil, err
		}
		cleared = append(cleared, s)
	}
	return map[string]any{"spreadsheetId": c.book.id, "clearedRanges": cleared}, nil
}

// clear empties a range's values and returns the range cleared.
func (c *call) clear(rng string) (string, error) {
	r, err := c.book.parseRange(rng)
	if err == nil {
		err = r.checkGrid()
	}
	if err != nil {
		return "", err
	}
	box := r.clip()
	for row := box.r0; row < min(box.r1, len(r.sheet.cells)); row++ {
		for col := box.c0; col < min(box.c1, len(r.sheet.cells[row])); col++ {
			r.sheet.cells[row][col] = ""
		}
	}
	return format(r.sheet, box), nil
}
