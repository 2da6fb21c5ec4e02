package sheetstest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// rect is a block of cells: rows r0..r1-1 and columns c0..c1-1, 0-based. In a parsed range an
// end of -1 is open: it runs to the end of the grid.
type rect struct{ r0, c0, r1, c1 int }

// a1 is a parsed A1 range on one sheet.
type a1 struct {
	sheet *sheet
	rect
	cells string // the part after "!" as sent: "A2:C10", "" for a whole sheet
}

var (
	quotedSheet = regexp.MustCompile(`^'((?:[^']|'')*)'(?:!(.*))?$`)
	cellRef     = regexp.MustCompile(`^\$?([A-Za-z]{0,3})\$?([0-9]{0,7})$`)
	plainTitle  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	cellLike    = regexp.MustCompile(`^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*)$`)
)

// parseRange reads an A1 range as the API does: "Sheet1", "Sheet1!A1:Z", "'My tab'!A2:C10",
// "Sheet1!A:A", "Sheet1!1:1", or cells alone ("A2:Z"), which are on the first sheet.
func (b *book) parseRange(s string) (a1, error) {
	bad := badRequest("Unable to parse range: %s", s)
	var name, cells string
	if m := quotedSheet.FindStringSubmatch(s); m != nil {
		name, cells = strings.ReplaceAll(m[1], "''", "'"), m[2]
	} else if i := strings.LastIndex(s, "!"); i >= 0 {
		name, cells = s[:i], s[i+1:]
	} else if b.sheetNamed(s) != nil {
		name = s
	} else if len(b.sheets) > 0 {
		name, cells = b.sheets[0].title, s
	}
	r := a1{sheet: b.sheetNamed(name), rect: rect{0, 0, -1, -1}, cells: cells}
	if r.sheet == nil {
		return a1{}, bad
	}
	if cells == "" {
		return r, nil
	}
	from, to, pair := strings.Cut(cells, ":")
	if !pair {
		to = from
	}
	c0, r0, ok0 := parseRef(from)
	c1, r1, ok1 := parseRef(to)
	if !ok0 || !ok1 {
		return a1{}, bad
	}
	r.c0, r.r0 = max(c0, 0), max(r0, 0)
	if c1 >= 0 {
		r.c1 = c1 + 1
	}
	if r1 >= 0 {
		r.r1 = r1 + 1
	}
	if r.r1 >= 0 && r.r1 <= r.r0 { // "A5:A1" is A1:A5
		r.r0, r.r1 = r.r1-1, r.r0+1
	}
	if r.c1 >= 0 && r.c1 <= r.c0 {
		r.c0, r.c1 = r.c1-1, r.c0+1
	}
	return r, nil
}

// parseRef reads "B3", "B" or "3" into a 0-based column and row, -1 where absent.
func parseRef(s string) (col, row int, ok bool) {
	m := cellRef.FindStringSubmatch(s)
	if m == nil || m[1] == "" && m[2] == "" || strings.HasPrefix(m[2], "0") {
		return 0, 0, false
	}
	col, row = -1, -1
	if m[1] != "" {
		col = 0
		for _, ch := range strings.ToUpper(m[1]) {
			col = col*26 + int(ch-'A') + 1
		}
		col--
	}
	if m[2] != "" {
		n, _ := strconv.Atoi(m[2])
		row = n - 1
	}
	return col, row, true
}

// clip resolves open ends against the sheet's grid.
func (r a1) clip() rect {
	c := r.rect
	if c.r1 < 0 {
		c.r1 = r.sheet.rows
	}
	if c.c1 < 0 {
		c.c1 = r.sheet.cols
	}
	return c
}

// single says whether the range is one cell, which a write takes as the top-left corner of values
// of any size.
func (r a1) single() bool { return r.r1 == r.r0+1 && r.c1 == r.c0+1 }

// checkGrid fails, as the API does, when the range reaches past the sheet's rows or columns.
func (r a1) checkGrid() error {
	if sh := r.sheet; r.r0 >= sh.rows || r.c0 >= sh.cols || r.r1 > sh.rows || r.c1 > sh.cols {
		return gridError(sh, r.cells)
	}
	return nil
}

func gridError(sh *sheet, cells string) error {
	return badRequest("Range ('%s'!%s) exceeds grid limits. Max rows: %d, max columns: %d",
		strings.ReplaceAll(sh.title, "'", "''"), strings.ToUpper(cells), sh.rows, sh.cols)
}

// format writes a block as the API reports it: "Sheet1!A1:C3", "'My tab'!B2" for one cell. Titles
// are quoted unless they are a plain ASCII word that cannot be mistaken for a cell.
func format(sh *sheet, c rect) string {
	title := sh.title
	if !plainTitle.MatchString(title) || cellLike.MatchString(title) {
		title = "'" + strings.ReplaceAll(title, "'", "''") + "'"
	}
	return title + "!" + cellsOf(c)
}

// cellsOf is the A1 part of a block: "A1:C3", or "B2" for one cell.
func cellsOf(c rect) string {
	s := column(c.c0) + strconv.Itoa(c.r0+1)
	if c.r1 != c.r0+1 || c.c1 != c.c0+1 {
		s += ":" + column(c.c1-1) + strconv.Itoa(c.r1)
	}
	return s
}

// column is the letters of a 0-based column: 0 is A, 26 is AA.
func column(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// cellText turns a value of a request into the cell's text. A null leaves the cell as it is
// (skip); under USER_ENTERED a leading apostrophe only marks text and is dropped.
func cellText(v any, userEntered bool) (text string, skip bool, err error) {
	switch v := v.(type) {
	case nil:
		return "", true, nil
	case string:
		if userEntered {
			v = strings.TrimPrefix(v, "'")
		}
		return v, false, nil
	case bool:
		return strings.ToUpper(strconv.FormatBool(v)), false, nil
	case interface{ Float64() (float64, error) }: // json.Number
		f, err := v.Float64()
		return strconv.FormatFloat(f, 'f', -1, 64), false, err
	}
	return "", false, fmt.Errorf("a cell holds a string, a number or a boolean, not %T", v)
}
