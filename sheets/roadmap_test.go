package sheets_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/option"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/sheetstest"
	"github.com/koehq/koe/sheets"
)

func sheetsOptions(srv *sheetstest.Server) []option.ClientOption {
	return []option.ClientOption{option.WithEndpoint(srv.URL()), option.WithoutAuthentication()}
}

func client(t *testing.T, srv *sheetstest.Server) *sheets.Client {
	t.Helper()
	c, err := sheets.New(context.Background(), sheetsOptions(srv)...)
	if err != nil {
		t.Fatal(err)
	}
	c.Sleep = func(context.Context, time.Duration) error { return nil }
	return c
}

func public(n int) []feedback.PublicRequest {
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	out := make([]feedback.PublicRequest, n)
	for i := range out {
		out[i] = feedback.PublicRequest{ID: int64(i + 1), Title: fmt.Sprintf("Request %d", i+1), Status: feedback.Planned, StatusChangedAt: at}
	}
	return out
}

func TestPushRoadmap(t *testing.T) {
	ctx := context.Background()
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("ss", "Sheet1")
	c := client(t, srv)
	reqs := public(3)
	reqs[0].Title, reqs[0].Note = "=HYPERLINK(\"http://evil\")", "7月に提供予定"

	// The first push makes the tab: a frozen header, a filter, the rows.
	res, err := c.PushRoadmap(ctx, "ss", "ロードマップ", reqs, "ja", "https://koe.example", false)
	if err != nil {
		t.Fatal(err)
	}
	rows := srv.Rows("ss", "ロードマップ")
	if res.Rows != 3 || res.Written != 4 || len(rows) != 4 || rows[0][1] != "リクエスト" || rows[1][1] != reqs[0].Title || rows[1][4] != "予定" ||
		rows[1][6] != "7月に提供予定" || rows[3][7] != "https://koe.example/roadmap/3" {
		t.Fatalf("first push: %+v\n%q", res, rows)
	}
	if srv.Frozen("ss", "ロードマップ") != 1 || !srv.HasFilter("ss", "ロードマップ") {
		t.Errorf("header not frozen or no filter")
	}
	// Again: nothing to write.
	writes := srv.Calls()["values.batchUpdate"]
	if res, err := c.PushRoadmap(ctx, "ss", "ロードマップ", reqs, "ja", "https://koe.example", false); err != nil || res.Written != 0 ||
		srv.Calls()["values.batchUpdate"] != writes {
		t.Fatalf("rerun: %+v %v", res, err)
	}
	// A person's edit is undone (the sheet follows Koe), a shorter list clears what is left.
	srv.SetCell("ss", "ロードマップ", 2, 1, "edited by hand")
	res, err = c.PushRoadmap(ctx, "ss", "ロードマップ", reqs[:2], "ja", "https://koe.example", false)
	if err != nil || res.Cleared != 1 {
		t.Fatalf("shorter: %+v %v", res, err)
	}
	if rows := srv.Rows("ss", "ロードマップ"); len(rows) != 3 || rows[2][1] != "Request 2" {
		t.Fatalf("after the shorter push: %q", rows)
	}
	// Quota errors are waited out.
	srv.FailNext(2, 429)
	if _, err := c.PushRoadmap(ctx, "ss", "ロードマップ", reqs, "en", "https://koe.example", true); err != nil {
		t.Fatalf("after 429s: %v", err)
	}
	if rows := srv.Rows("ss", "ロードマップ"); rows[0][8] != "Companies asking" || rows[1][4] != "Planned" {
		t.Fatalf("english with counts: %q", rows[:2])
	}
	// Check: the header matches; another header is explained.
	if err := c.CheckRoadmap(ctx, "ss", "ロードマップ", "en", true); err != nil {
		t.Errorf("check: %v", err)
	}
	if err := c.CheckRoadmap(ctx, "ss", "ロードマップ", "ja", false); err == nil || !strings.Contains(err.Error(), "koe sheets push") ||
		!strings.Contains(err.Error(), "見出しが") {
		t.Errorf("check of another header: %v", err)
	}
	if _, err := c.PushRoadmap(ctx, "ss", "ja", reqs, "ja", "", false); err != nil {
		t.Fatal(err)
	}
	if err := c.CheckRoadmap(ctx, "ss", "ja", "en", false); err == nil ||
		!strings.Contains(err.Error(), `sheets: ja: the header is ["ID" "リクエスト" "説明" "状態コード" "状態" "最終更新" "お知らせ" "リンク"], Koe writes ["ID" "Request" "Description" "Status code" "Status" "Last change" "Note" "Link"]: run`) {
		t.Errorf("check of another header, in en: %v", err)
	}
	if _, err := c.PushRoadmap(ctx, "no-such", "Roadmap", reqs, "en", "", false); err == nil || !strings.Contains(err.Error(), "spreadsheet id") {
		t.Errorf("unknown spreadsheet: %v", err)
	}
}

func TestPushRoadmapGrowsTheGrid(t *testing.T) {
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("ss", "Roadmap") // 1,000 rows
	c := client(t, srv)
	res, err := c.PushRoadmap(context.Background(), "ss", "Roadmap", public(2500), "en", "", false)
	if err != nil || res.Rows != 2500 {
		t.Fatalf("%+v %v", res, err)
	}
	if rows := srv.Rows("ss", "Roadmap"); len(rows) != 2501 || rows[2500][0] != "2500" {
		t.Fatalf("%d rows", len(rows))
	}
}

// TestRoadmapHeader: the catalog's column names read as they did before the catalog.
func TestRoadmapHeader(t *testing.T) {
	for _, tc := range []struct {
		lang    string
		askedBy bool
		want    string
	}{
		{"ja", true, "ID|リクエスト|説明|状態コード|状態|最終更新|お知らせ|リンク|要望した企業数"},
		{"en", true, "ID|Request|Description|Status code|Status|Last change|Note|Link|Companies asking"},
		{"en", false, "ID|Request|Description|Status code|Status|Last change|Note|Link"},
	} {
		if got := strings.Join(sheets.RoadmapHeader(tc.lang, tc.askedBy), "|"); got != tc.want {
			t.Errorf("%s header %q, want %q", tc.lang, got, tc.want)
		}
	}
}
