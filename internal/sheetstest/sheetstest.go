// Package sheetstest is a local stand-in for the Google Sheets API v4 in tests. It answers the
// REST calls of google.golang.org/api/sheets/v4 (v0.310.0) — the same paths, query parameters,
// JSON shapes and error bodies — keeps spreadsheets in memory, and lets a test act as a person
// editing a sheet in between (SetCell, DeleteRow, InsertColumn, SwapRows).
//
// Build the client against it like this:
//
//	srv := sheetstest.Start(t)
//	srv.AddSpreadsheet("sheet-id", "Roadmap")
//	svc, err := sheets.NewService(ctx, option.WithEndpoint(srv.URL()), option.WithoutAuthentication())
//
// URL is the server's root with a trailing slash, http://127.0.0.1:PORT/. The client takes an
// endpoint containing "://" verbatim as its base path and resolves "v4/spreadsheets/…" against
// it, so the endpoint must be the server's root (with or without the slash), never a path below it.
//
// Like the real API: ranges in A1 notation (quoted titles, whole sheets, columns or rows,
// open-ended A2:Z; sheet names match ignoring case); answers drop trailing empty cells and rows;
// a null value in a write leaves the cell alone; writes larger than a bounded range fail, and so
// do reads and writes past the sheet's grid ("exceeds grid limits"; a new sheet has 1000 rows and
// 26 columns), while append adds the rows and columns it needs; batchUpdate requests apply all or
// nothing; errors carry Google's JSON body.
//
// Not mirrored: formulas and number or date formats (USER_ENTERED only drops a leading
// apostrophe), valueRenderOption (values come back as strings; booleans as TRUE and FALSE),
// majorDimension COLUMNS, includeValuesInResponse, the fields parameter (whole objects come back),
// grid data and named ranges; of the batchUpdate requests only addSheet, updateSheetProperties,
// setBasicFilter, clearBasicFilter and updateDimensionProperties do something, repeatCell and
// updateCells are accepted and ignored, and any other kind fails with 400.
package sheetstest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Server is a running fake Sheets API. It is safe for concurrent use.
type Server struct {
	srv *httptest.Server

	mu       sync.Mutex
	books    map[string]*book
	calls    map[string]int
	failN    int
	failCode int
}

// book is a spreadsheet.
type book struct {
	id     string
	sheets []*sheet // in tab order
}

// sheet is one tab.
type sheet struct {
	id                     int64
	title                  string
	rows, cols             int // the grid's size
	frozenRows, frozenCols int
	filter                 json.RawMessage // the basic filter as set; nil when there is none
	widths                 map[int]int64   // column pixel widths set through the API
	cells                  [][]string      // ragged: missing cells are empty
}

// Start runs a server for the test; it stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{books: map[string]*book{}, calls: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the endpoint to give option.WithEndpoint: the server's root, ending in "/".
func (s *Server) URL() string { return s.srv.URL + "/" }

// AddSpreadsheet creates (or replaces) spreadsheet id with empty tabs of these titles ("Sheet1"
// when none), sheet ids 0, 1, 2… and Google's default grid of 1000 rows by 26 columns. The
// spreadsheet's title is its id.
func (s *Server) AddSpreadsheet(id string, sheetTitles ...string) {
	if len(sheetTitles) == 0 {
		sheetTitles = []string{"Sheet1"}
	}
	b := &book{id: id}
	for i, title := range sheetTitles {
		b.sheets = append(b.sheets, newSheet(int64(i), title))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.books[id] = b
}

func newSheet(id int64, title string) *sheet {
	return &sheet{id: id, title: title, rows: 1000, cols: 26, widths: map[int]int64{}}
}

// edit runs f on a tab under the lock. A missing spreadsheet or tab is a mistake in the test, so
// it panics.
func (s *Server) edit(id, title string, f func(sh *sheet)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.books[id]
	if b == nil {
		panic(fmt.Sprintf("sheetstest: no spreadsheet %q", id))
	}
	sh := b.sheetNamed(title)
	if sh == nil {
		panic(fmt.Sprintf("sheetstest: spreadsheet %q has no sheet %q", id, title))
	}
	f(sh)
}

// Rows returns the tab's cells, trailing empty cells and rows dropped, as values.get would.
func (s *Server) Rows(id, title string) (rows [][]string) {
	s.edit(id, title, func(sh *sheet) { rows = trim(sh.block(rect{0, 0, sh.rows, sh.cols})) })
	return rows
}

// SetCell types v into a cell (0-based row and column), growing the grid if needed.
func (s *Server) SetCell(id, title string, row, col int, v string) {
	s.edit(id, title, func(sh *sheet) {
		sh.rows, sh.cols = max(sh.rows, row+1), max(sh.cols, col+1)
		sh.set(row, col, v)
	})
}

// DeleteRow deletes a row (0-based) as a person does: the rows below move up, the grid loses a row.
func (s *Server) DeleteRow(id, title string, row int) {
	s.edit(id, title, func(sh *sheet) {
		if row < len(sh.cells) {
			sh.cells = slices.Delete(sh.cells, row, row+1)
		}
		if row < sh.frozenRows {
			sh.frozenRows--
		}
		if row < sh.rows {
			sh.rows--
		}
	})
}

// InsertColumn inserts an empty column before col (0-based) with header in its first row: the
// cells to its right move right and the grid gains a column.
func (s *Server) InsertColumn(id, title string, col int, header string) {
	s.edit(id, title, func(sh *sheet) {
		for i, row := range sh.cells {
			if col < len(row) {
				sh.cells[i] = slices.Insert(row, col, "")
			}
		}
		sh.cols = max(sh.cols+1, col+1)
		sh.set(0, col, header)
	})
}

// SwapRows exchanges two rows (0-based), as a person sorting or dragging rows does.
func (s *Server) SwapRows(id, title string, a, b int) {
	s.edit(id, title, func(sh *sheet) {
		sh.grow(max(a, b) + 1)
		sh.cells[a], sh.cells[b] = sh.cells[b], sh.cells[a]
	})
}

// Frozen is the tab's frozenRowCount.
func (s *Server) Frozen(id, title string) (n int) {
	s.edit(id, title, func(sh *sheet) { n = sh.frozenRows })
	return n
}

// HasFilter says whether the tab has a basic filter.
func (s *Server) HasFilter(id, title string) (has bool) {
	s.edit(id, title, func(sh *sheet) { has = sh.filter != nil })
	return has
}

// ColumnWidth is the pixel width set for a column (0-based) by updateDimensionProperties, or 0.
func (s *Server) ColumnWidth(id, title string, col int) (px int) {
	s.edit(id, title, func(sh *sheet) { px = int(sh.widths[col]) })
	return px
}

// FailNext makes the next n API calls fail with this HTTP status and Google's error body for it
// (429 RESOURCE_EXHAUSTED, 503 UNAVAILABLE, 403 PERMISSION_DENIED, 500 INTERNAL…).
func (s *Server) FailNext(n int, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failCode = n, code
}

// Calls counts the API calls received, failed ones included, per operation: "spreadsheets.get",
// "spreadsheets.batchUpdate", "values.get", "values.batchGet", "values.update",
// "values.batchUpdate", "values.append", "values.clear", "values.batchClear".
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

// sheetNamed finds a tab by title, ignoring case as Sheets does.
func (b *book) sheetNamed(title string) *sheet {
	i := slices.IndexFunc(b.sheets, func(sh *sheet) bool { return sh.title == title })
	if i < 0 {
		i = slices.IndexFunc(b.sheets, func(sh *sheet) bool { return strings.EqualFold(sh.title, title) })
	}
	if i < 0 {
		return nil
	}
	return b.sheets[i]
}

// grid finds a tab by sheet id, failing as the API does.
func (b *book) grid(id int64) (*sheet, error) {
	for _, sh := range b.sheets {
		if sh.id == id {
			return sh, nil
		}
	}
	return nil, badRequest("No grid with id: %d", id)
}

// clone copies a spreadsheet: a call works on a copy, kept only if the whole call succeeds.
func (b *book) clone() *book {
	c := &book{id: b.id}
	for _, sh := range b.sheets {
		n := *sh
		n.widths = maps.Clone(sh.widths)
		n.cells = make([][]string, len(sh.cells))
		for i, row := range sh.cells {
			n.cells[i] = slices.Clone(row)
		}
		c.sheets = append(c.sheets, &n)
	}
	return c
}

func (sh *sheet) grow(rows int) {
	for len(sh.cells) < rows {
		sh.cells = append(sh.cells, nil)
	}
}

func (sh *sheet) set(r, c int, v string) {
	sh.grow(r + 1)
	for len(sh.cells[r]) <= c {
		sh.cells[r] = append(sh.cells[r], "")
	}
	sh.cells[r][c] = v
}

func (sh *sheet) get(r, c int) string {
	if r < len(sh.cells) && c < len(sh.cells[r]) {
		return sh.cells[r][c]
	}
	return ""
}

// block returns the cells of c as a full rectangle.
func (sh *sheet) block(c rect) [][]string {
	out := [][]string{}
	for r := c.r0; r < c.r1; r++ {
		row := []string{}
		for col := c.c0; col < c.c1; col++ {
			row = append(row, sh.get(r, col))
		}
		out = append(out, row)
	}
	return out
}

// trim drops each row's trailing empty cells, then the trailing empty rows, as the API does.
func trim(rows [][]string) [][]string {
	for i, row := range rows {
		for len(row) > 0 && row[len(row)-1] == "" {
			row = row[:len(row)-1]
		}
		rows[i] = row
	}
	for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	return rows
}

// apiError is an error the API answers with.
type apiError struct {
	code int
	msg  string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// prefixed puts where a part of a call failed before its message: "Invalid data[1]: …".
func prefixed(err error, format string, args ...any) error {
	if e, ok := err.(*apiError); ok {
		return &apiError{e.code, fmt.Sprintf(format, args...) + e.msg}
	}
	return err
}

var statuses = map[int]string{400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
	404: "NOT_FOUND", 409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 501: "NOT_IMPLEMENTED",
	503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}

// injected is the error FailNext asked for, worded as Google words it.
func injected(code int, read bool) *apiError {
	kind := map[bool]string{true: "Read", false: "Write"}[read]
	msg := map[int]string{
		429: fmt.Sprintf("Quota exceeded for quota metric '%s requests' and limit '%[1]s requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:0'.", kind),
		503: "The service is currently unavailable.",
		403: "The caller does not have permission",
		500: "Internal error encountered.",
	}[code]
	if msg == "" {
		msg = http.StatusText(code)
	}
	return &apiError{code, msg}
}

// writeJSON sends v, or Google's error body {"error":{"code","message","status"}} for an error.
func writeJSON(w http.ResponseWriter, v any) {
	code := http.StatusOK
	if e, ok := v.(*apiError); ok {
		code = e.code
		status := statuses[code]
		if status == "" {
			status = "UNKNOWN"
		}
		v = map[string]any{"error": map[string]any{"code": code, "message": e.msg, "status": status}}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// serveHTTP routes a call, counts it, fails it if asked to, and otherwise runs it on a copy of
// the spreadsheet, which replaces the spreadsheet when the call succeeds.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	op, id, rng := route(r.Method, r.URL.EscapedPath())
	if op == "" {
		writeJSON(w, &apiError{http.StatusNotFound, "Method not found."})
		return
	}
	body, _ := io.ReadAll(r.Body)
	writeJSON(w, s.run(op, id, &call{query: r.URL.Query(), rng: rng, body: body}, r.Method == http.MethodGet))
}

func (s *Server) run(op, id string, c *call, read bool) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[op]++
	if s.failN > 0 {
		s.failN--
		return injected(s.failCode, read)
	}
	b := s.books[id]
	if b == nil {
		return &apiError{http.StatusNotFound, "Requested entity was not found."}
	}
	c.book = b.clone()
	answer, err := handlers[op](c)
	if err != nil {
		if e, ok := err.(*apiError); ok {
			return e
		}
		return badRequest("%v", err)
	}
	s.books[id] = c.book
	return answer
}

// apiPath matches the client's URLs. It escapes the range into one path segment (":" becomes
// %3A), so a literal ":append" or ":clear" after it is the method's verb.
var apiPath = regexp.MustCompile(`^/v4/spreadsheets/([^/:]+)(|:batchUpdate|/values:batchGet|/values:batchUpdate|/values:batchClear|/values/([^/]+?)(:append|:clear)?)$`)

var ops = map[string]string{
	"GET ":                     "spreadsheets.get",
	"POST :batchUpdate":        "spreadsheets.batchUpdate",
	"GET /values:batchGet":     "values.batchGet",
	"POST /values:batchUpdate": "values.batchUpdate",
	"POST /values:batchClear":  "values.batchClear",
	"GET /values/R":            "values.get",
	"PUT /values/R":            "values.update",
	"POST /values/R:append":    "values.append",
	"POST /values/R:clear":     "values.clear",
}

// route names the operation a request calls, with its spreadsheet id and range.
func route(method, path string) (op, id, rng string) {
	m := apiPath.FindStringSubmatch(path)
	if m == nil {
		return "", "", ""
	}
	shape := m[2]
	if m[3] != "" {
		shape = "/values/R" + m[4]
	}
	id, err1 := url.PathUnescape(m[1])
	rng, err2 := url.PathUnescape(m[3])
	if err1 != nil || err2 != nil {
		return "", "", ""
	}
	return ops[method+" "+shape], id, rng
}
