package sheetstest_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"

	"github.com/koehq/koe/internal/sheetstest"
)

// client builds the real client against srv, as tests elsewhere will.
func client(t *testing.T, srv *sheetstest.Server) *sheets.Service {
	t.Helper()
	svc, err := sheets.NewService(context.Background(), option.WithEndpoint(srv.URL()), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// text turns the client's values into strings.
func text(vals [][]any) [][]string {
	out := [][]string{}
	for _, row := range vals {
		r := []string{}
		for _, v := range row {
			r = append(r, fmt.Sprint(v))
		}
		out = append(out, r)
	}
	return out
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

// apiErr checks that err is the API's error with this code and a message containing msg.
func apiErr(t *testing.T, err error, code int, msg string) {
	t.Helper()
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		t.Fatalf("want a *googleapi.Error %d %q, got %v", code, msg, err)
	}
	if gerr.Code != code || !strings.Contains(gerr.Message, msg) {
		t.Errorf("got %d %q, want %d with %q", gerr.Code, gerr.Message, code, msg)
	}
}

func write(t *testing.T, svc *sheets.Service, id, rng string, rows ...[]any) *sheets.BatchUpdateValuesResponse {
	t.Helper()
	res, err := svc.Spreadsheets.Values.BatchUpdate(id, &sheets.BatchUpdateValuesRequest{ValueInputOption: "RAW",
		Data: []*sheets.ValueRange{{Range: rng, Values: rows}}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func get(t *testing.T, svc *sheets.Service, id, rng string) *sheets.ValueRange {
	t.Helper()
	vr, err := svc.Spreadsheets.Values.Get(id, rng).Do()
	if err != nil {
		t.Fatal(err)
	}
	return vr
}

func TestEndpointWithOrWithoutSlash(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("book")
	for _, ep := range []string{srv.URL(), strings.TrimSuffix(srv.URL(), "/")} {
		svc, err := sheets.NewService(context.Background(), option.WithEndpoint(ep), option.WithoutAuthentication())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Spreadsheets.Get("book").Do(); err != nil {
			t.Errorf("endpoint %s: %v", ep, err)
		}
	}
}

func TestGetSpreadsheet(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("book", "Sheet1", "Feedback")
	svc := client(t, srv)
	ss, err := svc.Spreadsheets.Get("book").Fields("properties.title,sheets.properties").Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "title", ss.Properties.Title, "book")
	if len(ss.Sheets) != 2 {
		t.Fatalf("got %d sheets", len(ss.Sheets))
	}
	p := ss.Sheets[1].Properties
	same(t, "second sheet", []any{p.SheetId, p.Title, p.Index, p.GridProperties.RowCount, p.GridProperties.ColumnCount},
		[]any{int64(1), "Feedback", int64(1), int64(1000), int64(26)})
	if ss.Sheets[0].BasicFilter != nil {
		t.Error("a basic filter on a new sheet")
	}

	_, err = svc.Spreadsheets.Get("nope").Do()
	apiErr(t, err, 404, "Requested entity was not found.")
	var gerr *googleapi.Error
	errors.As(err, &gerr)
	if !strings.Contains(gerr.Body, `"status":"NOT_FOUND"`) {
		t.Errorf("body %s", gerr.Body)
	}
}

func TestWriteThenReadRagged(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("book")
	svc := client(t, srv)
	res := write(t, svc, "book", "Sheet1!A1:D5",
		[]any{"id", "title", "votes", ""},
		[]any{1, "Dark mode", 12.0, ""},
		[]any{"", "", "", ""},
		[]any{2, "", 2.5, true},
		[]any{"", "", "", ""})
	same(t, "totals", []int64{res.TotalUpdatedRows, res.TotalUpdatedColumns, res.TotalUpdatedCells, res.TotalUpdatedSheets},
		[]int64{5, 4, 20, 1})
	same(t, "updated range", res.Responses[0].UpdatedRange, "Sheet1!A1:D5")

	vr := get(t, svc, "book", "Sheet1")
	same(t, "range", vr.Range, "Sheet1!A1:Z1000")
	same(t, "major dimension", vr.MajorDimension, "ROWS")
	want := [][]string{{"id", "title", "votes"}, {"1", "Dark mode", "12"}, {}, {"2", "", "2.5", "TRUE"}}
	same(t, "values", text(vr.Values), want)
	same(t, "Rows", srv.Rows("book", "Sheet1"), want)

	// null leaves a cell alone; "" empties it.
	write(t, svc, "book", "Sheet1!B2", []any{nil, ""})
	same(t, "after nulls", text(get(t, svc, "book", "Sheet1!A2:C2").Values), [][]string{{"1", "Dark mode"}})

	for rng, want := range map[string]string{
		"Sheet1!A1:Z": "Sheet1!A1:Z1000", "Sheet1!A:A": "Sheet1!A1:A1000", "A2:Z": "Sheet1!A2:Z1000",
		"Sheet1!1:1": "Sheet1!A1:Z1", "sheet1!b2": "Sheet1!B2", "Sheet1!C3:A1": "Sheet1!A1:C3",
	} {
		same(t, "range of "+rng, get(t, svc, "book", rng).Range, want)
	}
	same(t, "header row", text(get(t, svc, "book", "Sheet1!1:1").Values), [][]string{{"id", "title", "votes"}})
	same(t, "a column", text(get(t, svc, "book", "Sheet1!A:A").Values), [][]string{{"id"}, {"1"}, {}, {"2"}})
	if vr := get(t, svc, "book", "Sheet1!E1:F9"); vr.Values != nil {
		t.Errorf("empty block has values %v", vr.Values)
	}

	bg, err := svc.Spreadsheets.Values.BatchGet("book").Ranges("Sheet1!A1:B1", "Sheet1!D4").Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "batchGet", []any{bg.ValueRanges[0].Range, text(bg.ValueRanges[0].Values), bg.ValueRanges[1].Range, text(bg.ValueRanges[1].Values)},
		[]any{"Sheet1!A1:B1", [][]string{{"id", "title"}}, "Sheet1!D4", [][]string{{"TRUE"}}})
}

func TestUpdate(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("book")
	svc := client(t, srv)
	vr := &sheets.ValueRange{Values: [][]any{{"'=1+1", "'007"}}}
	_, err := svc.Spreadsheets.Values.Update("book", "Sheet1!A1", vr).Do()
	apiErr(t, err, 400, "Invalid valueInputOption")
	_, err = svc.Spreadsheets.Values.BatchUpdate("book", &sheets.BatchUpdateValuesRequest{Data: []*sheets.ValueRange{{Range: "A1", Values: vr.Values}}}).Do()
	apiErr(t, err, 400, "Invalid valueInputOption")

	res, err := svc.Spreadsheets.Values.Update("book", "Sheet1!A1", vr).ValueInputOption("USER_ENTERED").Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "update", []any{res.UpdatedRange, res.UpdatedRows, res.UpdatedColumns, res.UpdatedCells}, []any{"Sheet1!A1:B1", int64(1), int64(2), int64(2)})
	if _, err := svc.Spreadsheets.Values.Update("book", "Sheet1!A2", vr).ValueInputOption("RAW").Do(); err != nil {
		t.Fatal(err)
	}
	same(t, "USER_ENTERED drops the apostrophe, RAW keeps it", srv.Rows("book", "Sheet1"), [][]string{{"=1+1", "007"}, {"'=1+1", "'007"}})
}

func TestErrors(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("book", "Sheet1")
	svc := client(t, srv)
	row := []any{"a", "b", "c"}

	_, err := svc.Spreadsheets.Values.Get("book", "Nope!A1").Do()
	apiErr(t, err, 400, "Unable to parse range: Nope!A1")
	var gerr *googleapi.Error
	errors.As(err, &gerr)
	if !strings.Contains(gerr.Body, `"status":"INVALID_ARGUMENT"`) {
		t.Errorf("body %s", gerr.Body)
	}
	_, err = svc.Spreadsheets.Values.Get("book", "Sheet1!A1:").Do()
	apiErr(t, err, 400, "Unable to parse range: Sheet1!A1:")
	_, err = svc.Spreadsheets.Values.Get("book", "Sheet1!A1:AA").Do()
	apiErr(t, err, 400, "Range ('Sheet1'!A1:AA) exceeds grid limits. Max rows: 1000, max columns: 26")

	_, err = svc.Spreadsheets.Values.Update("book", "Sheet1!A1:B1", &sheets.ValueRange{Values: [][]any{row}}).ValueInputOption("RAW").Do()
	apiErr(t, err, 400, "Requested writing within range [Sheet1!A1:B1], but tried writing to column [C]")
	_, err = svc.Spreadsheets.Values.BatchUpdate("book", &sheets.BatchUpdateValuesRequest{ValueInputOption: "RAW",
		Data: []*sheets.ValueRange{{Range: "Sheet1!A1", Values: [][]any{row}}, {Range: "Sheet1!A1000", Values: [][]any{row, row}}}}).Do()
	apiErr(t, err, 400, "Invalid data[1]: Range ('Sheet1'!A1000:C1001) exceeds grid limits")
	same(t, "a failed batch writes nothing", srv.Rows("book", "Sheet1"), [][]string{})
	_, err = svc.Spreadsheets.Values.Update("book", "Sheet1!Z1", &sheets.ValueRange{Values: [][]any{row}}).ValueInputOption("RAW").Do()
	apiErr(t, err, 400, "exceeds grid limits. Max rows: 1000, max columns: 26")
	same(t, "calls", srv.Calls(), map[string]int{"values.get": 3, "values.update": 2, "values.batchUpdate": 1})
}

func TestAppend(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("book", "Sheet1")
	svc := client(t, srv)
	write(t, svc, "book", "Sheet1!A1", []any{"id", "title"}, []any{"1", "one"}, []any{}, []any{"3", "three"})
	srv.SetCell("book", "Sheet1", 9, 4, "a note far right") // E10, outside A:B

	res, err := svc.Spreadsheets.Values.Append("book", "Sheet1!A:B", &sheets.ValueRange{Values: [][]any{{"4", "four"}}}).
		ValueInputOption("RAW").Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "append", []any{res.TableRange, res.Updates.UpdatedRange, res.Updates.UpdatedRows, res.Updates.UpdatedColumns, res.Updates.UpdatedCells},
		[]any{"Sheet1!A1:B4", "Sheet1!A5:B5", int64(1), int64(2), int64(2)})

	// A single cell searches the whole sheet from there; INSERT_ROWS pushes the rows below down.
	res, err = svc.Spreadsheets.Values.Append("book", "Sheet1!A1", &sheets.ValueRange{Values: [][]any{{"5", "five"}}}).
		ValueInputOption("RAW").InsertDataOption("INSERT_ROWS").Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "after the note", res.Updates.UpdatedRange, "Sheet1!A11:B11")
	res, err = svc.Spreadsheets.Values.Append("book", "Sheet1!A1:B5", &sheets.ValueRange{Values: [][]any{{"6", "six"}}}).
		ValueInputOption("RAW").InsertDataOption("INSERT_ROWS").Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "inserted", res.Updates.UpdatedRange, "Sheet1!A6:B6")
	rows := srv.Rows("book", "Sheet1")
	same(t, "rows", rows[:6], [][]string{{"id", "title"}, {"1", "one"}, {}, {"3", "three"}, {"4", "four"}, {"6", "six"}})
	same(t, "pushed down", rows[10:], [][]string{{"", "", "", "", "a note far right"}, {"5", "five"}})

	// Append grows the grid of a small sheet.
	if _, err := svc.Spreadsheets.BatchUpdate("book", &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "Small", GridProperties: &sheets.GridProperties{RowCount: 2, ColumnCount: 2}}}},
	}}).Do(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := svc.Spreadsheets.Values.Append("book", "Small", &sheets.ValueRange{Values: [][]any{{"a", "b", "c"}}}).ValueInputOption("RAW").Do(); err != nil {
			t.Fatal(err)
		}
	}
	ss, _ := svc.Spreadsheets.Get("book").Do()
	g := ss.Sheets[1].Properties.GridProperties
	same(t, "grown grid", []int64{g.RowCount, g.ColumnCount}, []int64{2, 3})
	write(t, svc, "book", "Small!A1", []any{"x"})
	res, err = svc.Spreadsheets.Values.Append("book", "Small", &sheets.ValueRange{Values: [][]any{{"d"}}}).ValueInputOption("RAW").Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "grown again", res.Updates.UpdatedRange, "Small!A3")
}

func TestClear(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("book", "Sheet1", "Other")
	svc := client(t, srv)
	write(t, svc, "book", "Sheet1!A1", []any{"h1", "h2", "h3"}, []any{"a", "b", "c"}, []any{"d", "e", "f"})
	write(t, svc, "book", "Other!A1", []any{"x"})
	res, err := svc.Spreadsheets.Values.Clear("book", "Sheet1!A2:B", &sheets.ClearValuesRequest{}).Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "cleared", res.ClearedRange, "Sheet1!A2:B1000")
	same(t, "rows", srv.Rows("book", "Sheet1"), [][]string{{"h1", "h2", "h3"}, {"", "", "c"}, {"", "", "f"}})
	bc, err := svc.Spreadsheets.Values.BatchClear("book", &sheets.BatchClearValuesRequest{Ranges: []string{"Sheet1!C:C", "Other"}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "batch cleared", bc.ClearedRanges, []string{"Sheet1!C1:C1000", "Other!A1:Z1000"})
	same(t, "rows", srv.Rows("book", "Sheet1"), [][]string{{"h1", "h2"}})
	same(t, "other", srv.Rows("book", "Other"), [][]string{})
}

func TestPersonEdits(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("book", "Roadmap")
	svc := client(t, srv)
	write(t, svc, "book", "Roadmap!A1", []any{"id", "title"}, []any{"1", "one"}, []any{"2", "two"}, []any{"3", "three"})

	srv.SetCell("book", "Roadmap", 1, 1, "one, edited")
	srv.DeleteRow("book", "Roadmap", 2)
	srv.InsertColumn("book", "Roadmap", 1, "owner")
	srv.SetCell("book", "Roadmap", 2, 1, "ana")
	srv.SwapRows("book", "Roadmap", 1, 2)
	want := [][]string{{"id", "owner", "title"}, {"3", "ana", "three"}, {"1", "", "one, edited"}}
	same(t, "values.get", text(get(t, svc, "book", "Roadmap!A:C").Values), want)
	same(t, "Rows", srv.Rows("book", "Roadmap"), want)
	ss, _ := svc.Spreadsheets.Get("book").Do()
	g := ss.Sheets[0].Properties.GridProperties
	same(t, "grid", []int64{g.RowCount, g.ColumnCount}, []int64{999, 27})
	srv.SetCell("book", "Roadmap", 1999, 29, "far")
	same(t, "far", get(t, svc, "book", "Roadmap!AD2000").Values, [][]any{{"far"}})
}

func TestFailNext(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("book")
	svc := client(t, srv)
	srv.FailNext(1, 429)
	_, err := svc.Spreadsheets.Values.Get("book", "Sheet1").Do()
	apiErr(t, err, 429, "Quota exceeded for quota metric 'Read requests'")
	var gerr *googleapi.Error
	errors.As(err, &gerr)
	if !strings.Contains(gerr.Body, `"status":"RESOURCE_EXHAUSTED"`) {
		t.Errorf("body %s", gerr.Body)
	}
	get(t, svc, "book", "Sheet1")

	srv.FailNext(2, 503)
	for range 2 {
		_, err = svc.Spreadsheets.Values.Append("book", "Sheet1", &sheets.ValueRange{Values: [][]any{{"x"}}}).ValueInputOption("RAW").Do()
		apiErr(t, err, 503, "The service is currently unavailable.")
	}
	srv.FailNext(1, 403)
	_, err = svc.Spreadsheets.Get("book").Do()
	apiErr(t, err, 403, "The caller does not have permission")
	same(t, "nothing written", srv.Rows("book", "Sheet1"), [][]string{})
	same(t, "calls", srv.Calls(), map[string]int{"values.get": 2, "values.append": 2, "spreadsheets.get": 1})
}

func TestQuotedSheetNames(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("book", "Quoted sheet", "フィードバック", "It's", "A1", "Q1/Q2")
	svc := client(t, srv)
	res := write(t, svc, "book", "'フィードバック'!A1", []any{"名前", "コメント"}, []any{"田中", "とても良い"})
	same(t, "updated", res.Responses[0].UpdatedRange, "'フィードバック'!A1:B2")
	vr := get(t, svc, "book", "'フィードバック'!A1")
	same(t, "one cell", []any{vr.Range, text(vr.Values)}, []any{"'フィードバック'!A1", [][]string{{"名前"}}})
	same(t, "whole", text(get(t, svc, "book", "'フィードバック'").Values), [][]string{{"名前", "コメント"}, {"田中", "とても良い"}})

	write(t, svc, "book", "'Quoted sheet'!A2:C10", []any{"q"})
	write(t, svc, "book", "'It''s'!B2", []any{"apostrophe"})
	write(t, svc, "book", "'A1'!A1", []any{"cell-like"})
	bg, err := svc.Spreadsheets.Values.BatchGet("book").Ranges("'Quoted sheet'!A2:C10", "'It''s'!A1:B2", "'A1'!A1").Do()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, vr := range bg.ValueRanges {
		got = append(got, vr.Range+"="+fmt.Sprint(text(vr.Values)))
	}
	same(t, "batchGet", got, []string{"'Quoted sheet'!A2:C10=[[q]]", "'It''s'!A1:B2=[[] [ apostrophe]]", "'A1'!A1=[[cell-like]]"})
	same(t, "Rows", srv.Rows("book", "It's"), [][]string{{}, {"", "apostrophe"}})
	write(t, svc, "book", "'Q1/Q2'!A1", []any{"slash"})
	same(t, "slash", get(t, svc, "book", "'Q1/Q2'!A1:A2").Range, "'Q1/Q2'!A1:A2")
}

func TestFormattingRequests(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("book", "Sheet1")
	svc := client(t, srv)
	res, err := svc.Spreadsheets.BatchUpdate("book", &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "Roadmap", GridProperties: &sheets.GridProperties{FrozenRowCount: 1}}}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	p := res.Replies[0].AddSheet.Properties
	same(t, "added", []any{p.SheetId, p.Title, p.Index, p.GridProperties.FrozenRowCount, p.GridProperties.RowCount}, []any{int64(1), "Roadmap", int64(1), int64(1), int64(1000)})
	same(t, "frozen", srv.Frozen("book", "Roadmap"), 1)

	id := p.SheetId
	res, err = svc.Spreadsheets.BatchUpdate("book", &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{UpdateSheetProperties: &sheets.UpdateSheetPropertiesRequest{Fields: "gridProperties.frozenRowCount",
			Properties: &sheets.SheetProperties{SheetId: id, GridProperties: &sheets.GridProperties{FrozenRowCount: 2}}}},
		{SetBasicFilter: &sheets.SetBasicFilterRequest{Filter: &sheets.BasicFilter{Range: &sheets.GridRange{SheetId: id,
			StartColumnIndex: 0, EndColumnIndex: 5, ForceSendFields: []string{"SheetId", "StartColumnIndex"}}}}},
		{UpdateDimensionProperties: &sheets.UpdateDimensionPropertiesRequest{Fields: "pixelSize",
			Range:      &sheets.DimensionRange{SheetId: id, Dimension: "COLUMNS", StartIndex: 1, EndIndex: 3},
			Properties: &sheets.DimensionProperties{PixelSize: 320}}},
		{RepeatCell: &sheets.RepeatCellRequest{Fields: "userEnteredFormat.textFormat.bold",
			Range: &sheets.GridRange{SheetId: id, EndRowIndex: 1},
			Cell:  &sheets.CellData{UserEnteredFormat: &sheets.CellFormat{TextFormat: &sheets.TextFormat{Bold: true}}}}},
		{UpdateCells: &sheets.UpdateCellsRequest{Fields: "note", Start: &sheets.GridCoordinate{SheetId: id},
			Rows: []*sheets.RowData{{Values: []*sheets.CellData{{Note: "hello"}}}}}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "replies", len(res.Replies), 5)
	same(t, "state", []any{srv.Frozen("book", "Roadmap"), srv.HasFilter("book", "Roadmap"), srv.HasFilter("book", "Sheet1"),
		srv.ColumnWidth("book", "Roadmap", 0), srv.ColumnWidth("book", "Roadmap", 2)}, []any{2, true, false, 0, 320})

	ss, err := svc.Spreadsheets.Get("book").Do()
	if err != nil {
		t.Fatal(err)
	}
	sh := ss.Sheets[1]
	same(t, "get", []any{sh.Properties.GridProperties.FrozenRowCount, sh.BasicFilter.Range.SheetId, sh.BasicFilter.Range.EndColumnIndex},
		[]any{int64(2), id, int64(5)})

	// Unfreezing sends a zero, which the client leaves out: the field mask says what to reset.
	if _, err := svc.Spreadsheets.BatchUpdate("book", &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{UpdateSheetProperties: &sheets.UpdateSheetPropertiesRequest{Fields: "gridProperties.frozenRowCount",
			Properties: &sheets.SheetProperties{SheetId: id}}},
		{ClearBasicFilter: &sheets.ClearBasicFilterRequest{SheetId: id}},
	}}).Do(); err != nil {
		t.Fatal(err)
	}
	same(t, "unfrozen, unfiltered", []any{srv.Frozen("book", "Roadmap"), srv.HasFilter("book", "Roadmap")}, []any{0, false})

	_, err = svc.Spreadsheets.BatchUpdate("book", &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{UpdateSheetProperties: &sheets.UpdateSheetPropertiesRequest{Fields: "title,gridProperties.frozenRowCount",
			Properties: &sheets.SheetProperties{SheetId: id, Title: "Plan", GridProperties: &sheets.GridProperties{FrozenRowCount: 1000}}}},
	}}).Do()
	apiErr(t, err, 400, "Invalid requests[0].updateSheetProperties: You can't freeze all visible rows on the sheet.")
	if _, err := svc.Spreadsheets.BatchUpdate("book", &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{UpdateSheetProperties: &sheets.UpdateSheetPropertiesRequest{Fields: "title",
			Properties: &sheets.SheetProperties{SheetId: id, Title: "Plan"}}},
	}}).Do(); err != nil {
		t.Fatal(err)
	}
	same(t, "renamed", srv.Frozen("book", "Plan"), 0)

	// Requests apply all or nothing.
	_, err = svc.Spreadsheets.BatchUpdate("book", &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "Never"}}},
		{AutoResizeDimensions: &sheets.AutoResizeDimensionsRequest{Dimensions: &sheets.DimensionRange{SheetId: id, Dimension: "COLUMNS"}}},
	}}).Do()
	apiErr(t, err, 400, "Invalid requests[1].autoResizeDimensions: sheetstest does not support")
	_, err = svc.Spreadsheets.BatchUpdate("book", &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "plan"}}},
	}}).Do()
	apiErr(t, err, 400, `Invalid requests[0].addSheet: A sheet with the name "plan" already exists.`)
	_, err = svc.Spreadsheets.BatchUpdate("book", &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{SetBasicFilter: &sheets.SetBasicFilterRequest{Filter: &sheets.BasicFilter{Range: &sheets.GridRange{SheetId: 77}}}},
	}}).Do()
	apiErr(t, err, 400, "Invalid requests[0].setBasicFilter: No grid with id: 77")
	ss, _ = svc.Spreadsheets.Get("book").Do()
	same(t, "sheets", len(ss.Sheets), 2)
}

func TestConcurrentUse(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("book")
	svc := client(t, srv)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			rng := fmt.Sprintf("Sheet1!A%d", i+1)
			if _, err := svc.Spreadsheets.Values.Update("book", rng, &sheets.ValueRange{Values: [][]any{{i}}}).ValueInputOption("RAW").Do(); err != nil {
				t.Error(err)
			}
			srv.SetCell("book", "Sheet1", i, 1, "b")
			srv.Rows("book", "Sheet1")
		})
	}
	wg.Wait()
	rows := srv.Rows("book", "Sheet1")
	same(t, "row 20", rows[19], []string{"19", "b"})
	same(t, "calls", srv.Calls()["values.update"], 20)
}
