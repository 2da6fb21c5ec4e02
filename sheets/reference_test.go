package sheets_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"google.golang.org/api/option"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/sheetstest"
	"github.com/koehq/koe/sheets"
)

// The answers a feedback-sheet pull reads, written from Google's reference rather than from
// sheetstest: the Spreadsheet, SheetProperties, ValueRange and BatchGetValuesResponse schemas of
// https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets and
// .../v4/spreadsheets.values (the same text as sheets-api.json, see discovery_test.go), and the
// reading guide https://developers.google.com/workspace/sheets/api/guides/values#read. What they
// document and these answers show:
//   - the range is in A1 notation, a title with a space quoted ('Customer Feedback'!A1:Z1), and
//     "for output, this range indicates the entire requested range" — an open-ended A2:A comes
//     back bounded by the grid, A2:A1000;
//   - majorDimension is ROWS unless asked otherwise;
//   - values are arrays of strings (the default FORMATTED_VALUE rendering), and "for output,
//     empty trailing rows and columns will not be included": an empty row inside the range is
//     [], one after the last value is absent, and a range with no value at all has no values;
//   - spreadsheets.get with fields=sheets.properties answers only that part (partial response).
var pullFixture = map[string]string{
	"sheets.spreadsheets.get": `{
  "sheets": [
    {"properties": {"sheetId": 0, "title": "Sheet1", "index": 0, "sheetType": "GRID",
      "gridProperties": {"rowCount": 1000, "columnCount": 26}}},
    {"properties": {"sheetId": 1873502468, "title": "Customer Feedback", "index": 1, "sheetType": "GRID",
      "gridProperties": {"rowCount": 1000, "columnCount": 26, "frozenRowCount": 1}}}
  ]
}`,
	"sheets.spreadsheets.values.get": `{
  "range": "'Customer Feedback'!A1:Z1",
  "majorDimension": "ROWS",
  "values": [
    ["Koe ID", "Received", "Source", "Account", "MRR", "Plan", "Employees", "Customer's words",
     "Insight", "Who benefits", "Tag", "Request", "Status", "Koe link"]
  ]
}`,
	"sheets.spreadsheets.values.batchGet": `{
  "spreadsheetId": "ss",
  "valueRanges": [
    {"range": "'Customer Feedback'!A2:A1000", "majorDimension": "ROWS",
     "values": [["1"], ["2"], ["3"], ["4"], ["5"]]},
    {"range": "'Customer Feedback'!K2:K1000", "majorDimension": "ROWS",
     "values": [[], ["Expansion"]]},
    {"range": "'Customer Feedback'!I2:I1000", "majorDimension": "ROWS",
     "values": [[], [], ["Month-end close gets faster"]]},
    {"range": "'Customer Feedback'!J2:J1000", "majorDimension": "ROWS"},
    {"range": "'Customer Feedback'!L2:L1000", "majorDimension": "ROWS",
     "values": [[], [], [], ["2"]]}
  ]
}`,
}

// wantRequests are the calls a pull makes, with the ranges and fields it asks for.
var wantRequests = map[string]string{
	"sheets.spreadsheets.get":             "fields=sheets.properties",
	"sheets.spreadsheets.values.get":      "'Customer Feedback'!1:1",
	"sheets.spreadsheets.values.batchGet": "'Customer Feedback'!A2:A 'Customer Feedback'!K2:K 'Customer Feedback'!I2:I 'Customer Feedback'!J2:J 'Customer Feedback'!L2:L",
}

// serveFixture answers the three reads of a pull from pullFixture and refuses anything else: a
// pull writes nothing.
func serveFixture(t *testing.T) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := ""
		for _, m := range methodOf {
			if m.method == r.Method && m.path.MatchString(r.URL.EscapedPath()) {
				id = m.id
				break
			}
		}
		var asked string
		switch id {
		case "sheets.spreadsheets.get":
			asked = "fields=" + r.URL.Query().Get("fields")
		case "sheets.spreadsheets.values.get":
			asked, _ = url.PathUnescape(r.URL.EscapedPath()[strings.LastIndex(r.URL.EscapedPath(), "/")+1:])
		case "sheets.spreadsheets.values.batchGet":
			asked = strings.Join(r.URL.Query()["ranges"], " ")
		}
		if want, ok := wantRequests[id]; !ok || asked != want {
			t.Errorf("unexpected call %s %s (%s %q)", r.Method, r.URL, id, asked)
			http.Error(w, `{"error": {"code": 400, "message": "not in the fixture", "status": "INVALID_ARGUMENT"}}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Write([]byte(pullFixture[id]))
	}))
}

// TestPullReadsDocumentedAnswers pushes the feedback sheet through sheetstest, then pulls from
// answers written from Google's reference with a person's edits in them: an edited tag, insight
// and request are applied, and cells the API leaves out read as empty.
func TestPullReadsDocumentedAnswers(t *testing.T) {
	d := loadDiscovery(t)
	for id, body := range pullFixture {
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("%s fixture: %v", id, err)
		}
		if bad := d.check(id, v, d.response(id)); len(bad) > 0 {
			t.Fatalf("%s fixture does not fit the published schema:\n%s", id, strings.Join(bad, "\n"))
		}
	}
	ctx := context.Background()
	db := voices(t)
	fake := sheetstest.Start(t)
	fake.AddSpreadsheet("ss", "Sheet1")
	f := &sheets.Feedback{Client: client(t, fake), Store: db, SpreadsheetID: "ss", Tab: "Customer Feedback", Lang: "en", BaseURL: "https://koe.example"}
	if res, err := f.Push(ctx, false); err != nil || res.Appended != 5 {
		t.Fatalf("push = %+v, %v", res, err)
	}
	// The fixture's rows are the pushed ones: the header and the ids in the same places.
	var header struct{ Values [][]string }
	json.Unmarshal([]byte(pullFixture["sheets.spreadsheets.values.get"]), &header)
	rows := fake.Rows("ss", "Customer Feedback")
	if !slices.Equal(rows[0], header.Values[0]) {
		t.Fatalf("pushed header %q, the fixture has %q", rows[0], header.Values[0])
	}
	for i, id := range []string{"1", "2", "3", "4", "5"} {
		if rows[i+1][0] != id {
			t.Fatalf("pushed row %d has id %q, the fixture %q", i+2, rows[i+1][0], id)
		}
	}

	srv := serveFixture(t)
	defer srv.Close()
	c, err := sheets.New(ctx, option.WithEndpoint(srv.URL+"/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	f.Client = c
	res, err := f.Pull(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 3 || res.Conflicts != 0 || len(res.Problems) != 0 {
		t.Fatalf("pull = %+v, want 3 edits applied", res)
	}
	v2, _ := db.FeedbackByID(ctx, 2)
	v3, _ := db.FeedbackByID(ctx, 3)
	v4, _ := db.FeedbackByID(ctx, 4)
	v1, _ := db.FeedbackByID(ctx, 1)
	if v2.Tag != feedback.TagExpansion || v3.Insight != "Month-end close gets faster" || v4.RequestID == nil || *v4.RequestID != 2 {
		t.Fatalf("after the pull: 2=%+v 3=%+v 4=%+v", v2, v3, v4)
	}
	if v1.Tag != feedback.TagNone || v1.Insight != "" || v1.RequestID != nil {
		t.Fatalf("voice 1, whose cells the API left out, changed: %+v", v1)
	}
}
