package sheets

import (
	"context"
	"fmt"
	"slices"

	gsheets "google.golang.org/api/sheets/v4"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
)

// chunkRows is how many rows one values.batchUpdate carries (about 5,000 rows × 9 columns stays
// well under the API's request size).
const chunkRows = 5000

// Result says what a push did.
type Result struct {
	Rows    int // data rows the tab holds now
	Written int // rows written (0: the tab already matched)
	Cleared int // rows cleared below the table
}

// PushRoadmap writes the public request list — RoadmapHeader, then RoadmapRows with status
// labels in lang — to the tab title, creating it when missing. It reads the tab first and writes
// only when it differs, so a rerun changes nothing; rows left below a shorter list are cleared.
func (c *Client) PushRoadmap(ctx context.Context, spreadsheetID, title string, reqs []feedback.PublicRequest, lang, baseURL string, askedBy bool) (Result, error) {
	p := locale.For(lang)
	status := func(s feedback.RequestStatus) string { return p.Label("status", string(s)) }
	want := append([][]string{RoadmapHeader(lang, askedBy)}, feedback.RoadmapRows(reqs, status, baseURL, askedBy)...)
	return c.replaceTable(ctx, spreadsheetID, title, want)
}

// RoadmapHeader names feedback.RoadmapRows' columns for people, in lang: the catalog's
// roadmap_column.<column>.
func RoadmapHeader(lang string, askedBy bool) []string {
	cols := feedback.RoadmapColumns(askedBy)
	h := make([]string, len(cols))
	for i, col := range cols {
		h[i] = locale.Label(lang, "roadmap_column", col)
	}
	return h
}

// replaceTable makes the tab hold exactly want (from A1), writing only when it differs.
func (c *Client) replaceTable(ctx context.Context, spreadsheetID, title string, want [][]string) (Result, error) {
	width := 0
	for _, r := range want {
		width = max(width, len(r))
	}
	if _, err := c.tab(ctx, spreadsheetID, title, len(want), width); err != nil {
		return Result{}, err
	}
	have, err := c.read(ctx, spreadsheetID, quote(title)+"!A:"+column(width-1))
	if err != nil {
		return Result{}, err
	}
	res := Result{Rows: len(want) - 1}
	if equalTables(have, want) {
		return res, nil
	}
	for start := 0; start < len(want); start += chunkRows {
		end := min(start+chunkRows, len(want))
		vr := &gsheets.ValueRange{Range: fmt.Sprintf("%s!A%d:%s%d", quote(title), start+1, column(width-1), end)}
		for _, row := range want[start:end] {
			cells := make([]any, width)
			for i := range cells {
				cells[i] = ""
				if i < len(row) {
					cells[i] = row[i]
				}
			}
			vr.Values = append(vr.Values, cells)
		}
		if err := c.call(ctx, "write "+title, func() error {
			_, err := c.svc.Spreadsheets.Values.BatchUpdate(spreadsheetID, &gsheets.BatchUpdateValuesRequest{
				ValueInputOption: "RAW", Data: []*gsheets.ValueRange{vr}}).Context(ctx).Do()
			return err
		}); err != nil {
			return res, err
		}
		res.Written += end - start
	}
	if len(have) > len(want) {
		rng := fmt.Sprintf("%s!A%d:%s%d", quote(title), len(want)+1, column(width-1), len(have))
		if err := c.call(ctx, "clear "+title, func() error {
			_, err := c.svc.Spreadsheets.Values.Clear(spreadsheetID, rng, &gsheets.ClearValuesRequest{}).Context(ctx).Do()
			return err
		}); err != nil {
			return res, err
		}
		res.Cleared = len(have) - len(want)
	}
	return res, nil
}

// read returns a range's cells as text (rows may be ragged: the API drops trailing empty cells).
func (c *Client) read(ctx context.Context, spreadsheetID, rng string) ([][]string, error) {
	var vr *gsheets.ValueRange
	if err := c.call(ctx, "read "+rng, func() (err error) {
		vr, err = c.svc.Spreadsheets.Values.Get(spreadsheetID, rng).Context(ctx).Do()
		return err
	}); err != nil {
		return nil, err
	}
	out := make([][]string, len(vr.Values))
	for i, row := range vr.Values {
		out[i] = make([]string, len(row))
		for j, v := range row {
			out[i][j] = fmt.Sprint(v)
		}
	}
	return out, nil
}

// equalTables compares two tables as the API returns them: trailing empty cells and rows do not
// count.
func equalTables(a, b [][]string) bool {
	trim := func(t [][]string) [][]string {
		out := make([][]string, len(t))
		for i, r := range t {
			n := len(r)
			for n > 0 && r[n-1] == "" {
				n--
			}
			out[i] = r[:n]
		}
		n := len(out)
		for n > 0 && len(out[n-1]) == 0 {
			n--
		}
		return out[:n]
	}
	return slices.EqualFunc(trim(a), trim(b), slices.Equal)
}
