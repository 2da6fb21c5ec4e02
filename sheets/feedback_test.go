package sheets_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/internal/sheetstest"
	"github.com/koehq/koe/internal/storetest"
	"github.com/koehq/koe/sheets"
	"github.com/koehq/koe/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func voices(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	acct := int64(1)
	mrr := feedback.Money{Minor: 120_000, Currency: "JPY"}
	ds := feedback.Dataset{
		Accounts: []feedback.Account{{ID: 1, Source: "t", ExternalID: "1", Name: "株式会社サンプル", NameKey: "s", MRR: mrr, Plan: "Business", Lifecycle: feedback.Customer}},
		Requests: []feedback.Request{{ID: 1, Title: "CSV export", Status: feedback.Planned}, {ID: 2, Title: "SSO", Status: feedback.UnderReview}},
	}
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 5; i++ {
		ds.Items = append(ds.Items, feedback.Item{ID: int64(i), SourceKind: feedback.SourceChat, SourceName: "intercom", SourceID: fmt.Sprint(i),
			ReceivedAt: at.Add(time.Duration(i) * time.Hour), Body: fmt.Sprintf("声 %d: =SUM(A1)", i), AccountID: &acct, MRRAtReceipt: &mrr,
			Status: feedback.StatusNew})
	}
	if err := db.ImportDataset(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return db
}

// find returns the sheet row (0-based, header is 0) of a Koe ID in column 0.
func find(rows [][]string, idCol int, id int64) int {
	for i, r := range rows {
		if idCol < len(r) && r[idCol] == fmt.Sprint(id) {
			return i
		}
	}
	return -1
}

func TestFeedbackSheet(t *testing.T) {
	ctx := context.Background()
	db := voices(t)
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("fb", "Sheet1")
	f := &sheets.Feedback{Client: client(t, srv), Store: db, SpreadsheetID: "fb", Tab: "フィードバック", Lang: "ja",
		BaseURL: "https://koe.example", Location: time.FixedZone("JST", 9*3600)}
	push := func(full bool) sheets.PushResult {
		t.Helper()
		res, err := f.Push(ctx, full)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	cs := store.Triager{Actor: "cs@koe.example"}

	// First push: a header, five rows.
	if res := push(false); res.Appended != 5 {
		t.Fatalf("first push: %+v", res)
	}
	rows := srv.Rows("fb", "フィードバック")
	if srv.Frozen("fb", "フィードバック") != 1 || !srv.HasFilter("fb", "フィードバック") || srv.ColumnWidth("fb", "フィードバック", 7) != 420 {
		t.Errorf("the new sheet lacks its frozen header, filter or widths")
	}
	if len(rows) != 6 || rows[0][0] != "Koe ID" || rows[0][8] != "インサイト" || rows[1][0] != "1" || rows[1][1] != "2026-11-01 10:00 JST" ||
		rows[1][3] != "株式会社サンプル" || rows[1][4] != "120000" || rows[1][7] != "声 1: =SUM(A1)" || rows[1][12] != "新規" ||
		rows[1][13] != "https://koe.example/app/feedback/1" {
		t.Fatalf("sheet after the first push:\n%q", rows)
	}
	// Again: nothing written.
	calls := srv.Calls()
	if res := push(false); res.Appended+res.Updated != 0 || srv.Calls()["values.batchUpdate"] != calls["values.batchUpdate"] ||
		srv.Calls()["values.append"] != calls["values.append"] {
		t.Fatalf("rerun: %+v", res)
	}

	// People add a column of their own and reorder rows; Koe tags voice 1.
	srv.InsertColumn("fb", "フィードバック", 2, "メモ")
	srv.SetCell("fb", "フィードバック", 1, 2, "電話で確認済み")
	srv.SwapRows("fb", "フィードバック", 1, 5)
	if err := db.TagFeedback(ctx, 1, feedback.TagChurnRisk, cs); err != nil {
		t.Fatal(err)
	}
	if res := push(false); res.Updated != 1 || res.Appended != 0 {
		t.Fatalf("push after a tag: %+v", res)
	}
	rows = srv.Rows("fb", "フィードバック")
	if r := find(rows, 0, 1); r != 5 || rows[r][11] != "解約リスク" || rows[r][13] != "対応済み" || rows[r][2] != "電話で確認済み" || rows[1][2] != "" {
		t.Fatalf("after the tag (row of voice 1 = %d):\n%q", r, rows)
	}

	// People edit in the sheet: a tag and an insight, a request by number, a tag that does not exist.
	row := func(id int64) int { return find(srv.Rows("fb", "フィードバック"), 0, id) }
	srv.SetCell("fb", "フィードバック", row(2), 11, "拡大")
	srv.SetCell("fb", "フィードバック", row(2), 9, "月末の締めが早くなる")
	srv.SetCell("fb", "フィードバック", row(3), 12, "2")
	srv.SetCell("fb", "フィードバック", row(4), 11, "VIP")
	// And one edit races a change in Koe: Koe's stays.
	srv.SetCell("fb", "フィードバック", row(5), 9, "from the sheet")
	koeInsight := "from Koe"
	if _, err := db.EditFeedback(ctx, []int64{5}, store.TriageEdit{Insight: &koeInsight}, cs); err != nil {
		t.Fatal(err)
	}
	res, err := f.Pull(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 2 || res.Conflicts != 1 || len(res.Problems) != 2 || !strings.Contains(strings.Join(res.Problems, "\n"), `5行目（Koe ID 4）: "VIP" はタグではありません。解約リスク, 拡大, 使いやすさ, 社内効率 のどれか`) {
		t.Fatalf("pull: %+v", res)
	}
	v2, _ := db.FeedbackByID(ctx, 2)
	v3, _ := db.FeedbackByID(ctx, 3)
	v5, _ := db.FeedbackByID(ctx, 5)
	if v2.Tag != feedback.TagExpansion || v2.Insight != "月末の締めが早くなる" || v3.RequestID == nil || *v3.RequestID != 2 || v5.Insight != "from Koe" {
		t.Fatalf("after the pull: %+v / %+v / %+v", v2, v3, v5)
	}
	if h, _ := db.History(ctx, "feedback", 2); len(h) == 0 || h[len(h)-1].Actor != "sheet:fb" {
		t.Errorf("audit of the sheet's edit: %+v", h)
	}
	// The next push writes Koe's view back: "#2 SSO", Koe's insight; the bad tag waits for a person.
	if res := push(false); res.Updated != 3 {
		t.Fatalf("push after the pull: %+v", res)
	}
	rows = srv.Rows("fb", "フィードバック")
	if rows[find(rows, 0, 3)][12] != "#2 SSO" || rows[find(rows, 0, 5)][9] != "from Koe" || rows[find(rows, 0, 4)][11] != "VIP" {
		t.Fatalf("after the push:\n%q", rows)
	}
	// A second pull applies nothing more.
	if res, err := f.Pull(ctx); err != nil || res.Applied != 0 || res.Conflicts != 0 || len(res.Problems) != 1 {
		t.Fatalf("second pull: %+v %v", res, err)
	}

	// A row people delete stays deleted until its voice changes, or a full push.
	srv.DeleteRow("fb", "フィードバック", row(1))
	if res := push(false); res.Appended != 0 || row(1) != -1 {
		t.Fatalf("deleted row came back: %+v", res)
	}
	if res := push(true); res.Appended != 1 || row(1) == -1 {
		t.Fatalf("full push: %+v", res)
	}
	// Sync: a person's edit is pulled and the row written back as Koe shows it, with one read
	// of the sheet.
	srv.SetCell("fb", "フィードバック", row(2), 10, "営業")
	reads := srv.Calls()["values.batchGet"]
	pulled, pushed, err := f.Sync(ctx)
	if err != nil || pulled.Applied != 1 || pushed.Updated != 1 || srv.Calls()["values.batchGet"] != reads+1 {
		t.Fatalf("sync: %+v %+v %v, %d reads", pulled, pushed, err, srv.Calls()["values.batchGet"]-reads)
	}
	if v2, _ := db.FeedbackByID(ctx, 2); v2.WhoBenefits != "営業" {
		t.Fatalf("who benefits after the sync = %q", v2.WhoBenefits)
	}
	// Quota errors are waited out.
	srv.FailNext(2, 429)
	if err := db.TagFeedback(ctx, 1, feedback.TagUsability, cs); err != nil {
		t.Fatal(err)
	}
	if res := push(false); res.Updated != 1 {
		t.Fatalf("after 429s: %+v", res)
	}
}

// TestFeedbackSheetReadsEveryLanguage: a sheet Koe wrote in English is read by a Koe set to
// Japanese — its headers and its tag labels — and its messages come in the sheet's language.
func TestFeedbackSheetReadsEveryLanguage(t *testing.T) {
	ctx := context.Background()
	db := voices(t)
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("fb", "Sheet1")
	en := &sheets.Feedback{Client: client(t, srv), Store: db, SpreadsheetID: "fb", Tab: "Feedback", Lang: "en", BaseURL: "https://koe.example"}
	if _, err := en.Push(ctx, false); err != nil {
		t.Fatal(err)
	}
	rows := srv.Rows("fb", "Feedback")
	if got, want := strings.Join(rows[0], "|"), "Koe ID|Received|Source|Account|MRR|Plan|Employees|Customer's words|Insight|Who benefits|Tag|Request|Status|Koe link"; got != want {
		t.Fatalf("english header %q, want %q", got, want)
	}
	if got, want := rows[1][12], "New"; got != want {
		t.Errorf("status %q, want %q", got, want)
	}
	srv.SetCell("fb", "Feedback", find(rows, 0, 4), 10, "VIP")
	res, err := en.Pull(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(res.Problems, "\n"), `row 5 (Koe ID 4): "VIP" is not a tag: use Churn risk, Expansion, Usability, Internal efficiency, or leave it empty`; got != want {
		t.Errorf("problem %q, want %q", got, want)
	}

	ja := &sheets.Feedback{Client: client(t, srv), Store: db, SpreadsheetID: "fb", Tab: "Feedback", Lang: "ja", BaseURL: "https://koe.example"}
	if err := ja.Check(ctx); err != nil {
		t.Fatalf("check of an english header by a japanese Koe: %v", err)
	}
	srv.SetCell("fb", "Feedback", find(rows, 0, 2), 10, "usability")
	srv.SetCell("fb", "Feedback", find(rows, 0, 3), 10, "Churn risk")
	srv.SetCell("fb", "Feedback", find(rows, 0, 4), 10, "社内効率")
	res, err = ja.Pull(ctx)
	if err != nil || res.Applied != 3 || len(res.Problems) != 0 {
		t.Fatalf("pull of labels in both languages: %+v %v", res, err)
	}
	for id, want := range map[int64]feedback.Tag{2: feedback.TagUsability, 3: feedback.TagChurnRisk, 4: feedback.TagInternalEfficiency} {
		if v, _ := db.FeedbackByID(ctx, id); v.Tag != want {
			t.Errorf("voice %d tag %q, want %q", id, v.Tag, want)
		}
	}
	// Koe's columns are found, not added again; the cells Koe writes are Japanese now.
	if _, err := ja.Push(ctx, false); err != nil {
		t.Fatal(err)
	}
	rows = srv.Rows("fb", "Feedback")
	if got, want := len(rows[0]), 14; got != want {
		t.Fatalf("header has %d columns, want %d: %q", got, want, rows[0])
	}
	if got, want := rows[find(rows, 0, 2)][10], "使いやすさ"; got != want {
		t.Errorf("tag cell %q, want %q", got, want)
	}
}
