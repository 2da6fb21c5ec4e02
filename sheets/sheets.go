// Package sheets keeps Google Sheets in step with Koe through google.golang.org/api/sheets/v4:
// the public roadmap sheet (one way, the same privacy filter as /roadmap). Every value is written
// RAW, so a customer's words that start with "=" stay words, never a formula.
package sheets

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	gsheets "google.golang.org/api/sheets/v4"

	"github.com/koehq/koe/internal/httpretry"
	"github.com/koehq/koe/locale"
)

// Client talks to the Sheets API, retrying quota errors (429 RESOURCE_EXHAUSTED) and server
// errors with backoff.
type Client struct {
	svc *gsheets.Service
	// MaxAttempts per call (6 when zero); Backoff is the first wait (1 s when zero), doubling.
	MaxAttempts int
	Backoff     time.Duration
	Log         *slog.Logger
	// Sleep waits; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// New builds a client: opts carry the credentials (option.WithAuthCredentialsFile with a
// service account) and, for tests or a proxy, option.WithEndpoint.
func New(ctx context.Context, opts ...option.ClientOption) (*Client, error) {
	svc, err := gsheets.NewService(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("sheets: %w", err)
	}
	return &Client{svc: svc}, nil
}

// Options turns Koe's settings into client options: a service-account file (credentials), an
// endpoint (KOE_SHEETS_ENDPOINT; with no credentials, requests go without authentication, for a
// local server).
func Options(credentials, endpoint string) ([]option.ClientOption, error) {
	var opts []option.ClientOption
	if endpoint != "" {
		opts = append(opts, option.WithEndpoint(endpoint))
	}
	switch {
	case credentials != "":
		opts = append(opts, option.WithAuthCredentialsFile(option.ServiceAccount, credentials), option.WithScopes(gsheets.SpreadsheetsScope))
	case endpoint != "":
		opts = append(opts, option.WithoutAuthentication())
	default:
		return nil, errors.New("sheets: no credentials: set KOE_GOOGLE_CREDENTIALS (or GOOGLE_APPLICATION_CREDENTIALS) to a service-account JSON file, and share the spreadsheet with its email")
	}
	return opts, nil
}

// call runs f, again after a quota or server error, waiting Retry-After when Google sends one.
func (c *Client) call(ctx context.Context, what string, f func() error) error {
	attempts, backoff := c.MaxAttempts, c.Backoff
	if attempts == 0 {
		attempts = 6
	}
	if backoff == 0 {
		backoff = time.Second
	}
	sleep := c.Sleep
	if sleep == nil {
		sleep = httpretry.Sleep
	}
	for i := 1; ; i++ {
		err := f()
		if err == nil {
			return nil
		}
		var gerr *googleapi.Error
		retry := errors.As(err, &gerr) && (gerr.Code == http.StatusTooManyRequests || gerr.Code >= 500)
		if !retry || i >= attempts {
			return fmt.Errorf("sheets: %s: %w", what, explain(err))
		}
		wait := httpretry.Backoff(backoff, i)
		if after := httpretry.RetryAfter(gerr.Header.Get("Retry-After"), time.Now()); after > 0 {
			wait = min(after, 5*time.Minute)
		}
		if c.Log != nil {
			c.Log.Warn("sheets: retrying", "call", what, "code", gerr.Code, "wait", wait.String())
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// explain adds what to do to the errors people meet first.
func explain(err error) error {
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		switch gerr.Code {
		case http.StatusForbidden:
			return fmt.Errorf("%w (share the spreadsheet with the service account's email as an editor)", err)
		case http.StatusNotFound:
			return fmt.Errorf("%w (check the spreadsheet id: the part of its URL after /d/)", err)
		case http.StatusBadRequest:
			if strings.Contains(gerr.Message, "Unable to parse range") {
				return fmt.Errorf("%w (no such tab: `koe sheets push` creates it)", err)
			}
		}
	}
	return err
}

// quote makes a sheet title safe in an A1 range.
func quote(tab string) string {
	q := "'"
	for _, r := range tab {
		if r == '\'' {
			q += "''"
		} else {
			q += string(r)
		}
	}
	return q + "'"
}

// column is the A1 letter(s) of a 0-based column.
func column(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// tab finds a sheet by title, creating it (frozen header row, a filter) when it is missing, and
// makes its grid at least rows × cols: values beyond the grid are refused, not added.
func (c *Client) tab(ctx context.Context, spreadsheetID, title string, rows, cols int) (int64, error) {
	var ss *gsheets.Spreadsheet
	if err := c.call(ctx, "read spreadsheet", func() (err error) {
		ss, err = c.svc.Spreadsheets.Get(spreadsheetID).Fields("sheets.properties").Context(ctx).Do()
		return err
	}); err != nil {
		return 0, err
	}
	var props *gsheets.SheetProperties
	for _, sh := range ss.Sheets {
		if sh.Properties != nil && sh.Properties.Title == title {
			props = sh.Properties
		}
	}
	if props == nil {
		var resp *gsheets.BatchUpdateSpreadsheetResponse
		if err := c.call(ctx, "add sheet "+title, func() (err error) {
			resp, err = c.svc.Spreadsheets.BatchUpdate(spreadsheetID, &gsheets.BatchUpdateSpreadsheetRequest{Requests: []*gsheets.Request{
				{AddSheet: &gsheets.AddSheetRequest{Properties: &gsheets.SheetProperties{Title: title,
					GridProperties: &gsheets.GridProperties{FrozenRowCount: 1, RowCount: int64(max(rows, 1000)), ColumnCount: int64(max(cols, 26))}}}},
			}}).Context(ctx).Do()
			return err
		}); err != nil {
			return 0, err
		}
		if len(resp.Replies) == 0 || resp.Replies[0].AddSheet == nil || resp.Replies[0].AddSheet.Properties == nil {
			return 0, fmt.Errorf("sheets: add sheet %s: no sheet in the answer", title)
		}
		props = resp.Replies[0].AddSheet.Properties
		err := c.call(ctx, "filter "+title, func() error {
			_, err := c.svc.Spreadsheets.BatchUpdate(spreadsheetID, &gsheets.BatchUpdateSpreadsheetRequest{Requests: []*gsheets.Request{
				{SetBasicFilter: &gsheets.SetBasicFilterRequest{Filter: &gsheets.BasicFilter{Range: &gsheets.GridRange{SheetId: props.SheetId,
					StartColumnIndex: 0, EndColumnIndex: int64(cols), ForceSendFields: []string{"SheetId", "StartColumnIndex"}}}}},
			}}).Context(ctx).Do()
			return err
		})
		if err != nil {
			return 0, err
		}
	}
	g := props.GridProperties
	if g == nil {
		g = &gsheets.GridProperties{}
	}
	if g.RowCount < int64(rows) || g.ColumnCount < int64(cols) {
		grow := &gsheets.GridProperties{RowCount: max(g.RowCount, int64(rows)), ColumnCount: max(g.ColumnCount, int64(cols))}
		err := c.call(ctx, "grow "+title, func() error {
			_, err := c.svc.Spreadsheets.BatchUpdate(spreadsheetID, &gsheets.BatchUpdateSpreadsheetRequest{Requests: []*gsheets.Request{
				{UpdateSheetProperties: &gsheets.UpdateSheetPropertiesRequest{
					Properties: &gsheets.SheetProperties{SheetId: props.SheetId, GridProperties: grow, ForceSendFields: []string{"SheetId"}},
					Fields:     "gridProperties.rowCount,gridProperties.columnCount"}},
			}}).Context(ctx).Do()
			return err
		})
		if err != nil {
			return 0, err
		}
	}
	return props.SheetId, nil
}

// CheckRoadmap says whether Koe can reach a spreadsheet and whether its tab has the roadmap
// header Koe writes in lang (RoadmapHeader); what is wrong is said in lang.
func (c *Client) CheckRoadmap(ctx context.Context, spreadsheetID, title, lang string, askedBy bool) error {
	header := RoadmapHeader(lang, askedBy)
	var vr *gsheets.ValueRange
	if err := c.call(ctx, "read "+title, func() (err error) {
		vr, err = c.svc.Spreadsheets.Values.Get(spreadsheetID, quote(title)+"!1:1").Context(ctx).Do()
		return err
	}); err != nil {
		return err
	}
	var got []string
	if len(vr.Values) > 0 {
		for _, v := range vr.Values[0] {
			got = append(got, fmt.Sprint(v))
		}
	}
	for i, h := range header {
		if i >= len(got) || got[i] != h {
			return fmt.Errorf("sheets: %s: %s", title, locale.T(lang, "sheet.header_differs", "Have", fmt.Sprintf("%q", got), "Want", fmt.Sprintf("%q", header)))
		}
	}
	return nil
}
