package main

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koehq/koe/internal/pgtest"
)

func TestRankCommand(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	if _, errOut, code := koe(t, env, "demo", "--no-serve"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	out, errOut, code := koe(t, env, "rank", "--format", "json", "--limit", "3")
	if code != 0 {
		t.Fatalf("rank: %s", errOut)
	}
	var ranked []map[string]any
	if err := json.Unmarshal([]byte(out), &ranked); err != nil || len(ranked) != 3 {
		t.Fatalf("rank json: %v\n%s", err, out)
	}
	for _, k := range []string{"rank", "request_id", "title", "status", "score", "accounts", "mrr_total", "churn", "expansion", "pipeline", "other", "breakdown"} {
		if _, ok := ranked[0][k]; !ok {
			t.Errorf("rank JSON lacks %q", k)
		}
	}
	if ranked[0]["score"].(float64) < ranked[1]["score"].(float64) {
		t.Errorf("not in score order")
	}
	out, _, code = koe(t, env, "rank", "--format", "csv", "--tag", "churn_risk", "--mrr-band", "<50k")
	if code != 0 || !strings.HasPrefix(out, "rank,request_id,title,status,score,accounts,mrr_total,churn,expansion,pipeline,other\n") {
		t.Fatalf("rank csv: %d %q", code, out[:min(len(out), 200)])
	}
	if out, _, code = koe(t, env, "rank"); code != 0 || !strings.Contains(out, "SCORE/YEAR") {
		t.Fatalf("rank table: %d %q", code, out)
	}
	if _, errOut, code := koe(t, env, "rank", "--tag", "vip"); code != 1 || !strings.Contains(errOut, "--tag") {
		t.Fatalf("bad tag: %d %q", code, errOut)
	}
	// Open requests by default; --status all adds the shipped and declined ones.
	count := func(args ...string) (n int, statuses map[string]bool) {
		out, errOut, code := koe(t, env, append([]string{"rank", "--format", "json"}, args...)...)
		var list []map[string]any
		if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil {
			t.Fatalf("rank %v: %d %v %s", args, code, err, errOut)
		}
		statuses = map[string]bool{}
		for _, r := range list {
			statuses[r["status"].(string)] = true
		}
		return len(list), statuses
	}
	open, st := count()
	if st["shipped"] || st["declined"] || open == 0 {
		t.Fatalf("default rank has statuses %v", st)
	}
	all, st := count("--status", "all")
	if !st["shipped"] || !st["declined"] || all <= open {
		t.Fatalf("--status all: %d requests, statuses %v (open: %d)", all, st, open)
	}
	if n, st := count("--status", "shipped,declined"); n != all-open || st["planned"] {
		t.Fatalf("--status shipped,declined: %d, %v; want %d", n, st, all-open)
	}
	if _, errOut, code := koe(t, env, "rank", "--status", "done"); code != 1 || !strings.Contains(errOut, "--status") {
		t.Fatalf("bad status: %d %q", code, errOut)
	}
	// The breakdown: a row per request and account, headers in the reader's language.
	out, _, code = koe(t, env, "rank", "--format", "csv", "--breakdown", "--limit", "2")
	if code != 0 || !strings.HasPrefix(out, "rank,request_id,title,status,account_id,account,tag,reason,mrr,currency,mrr_base,rate,rate_on,probability,decay,last_voice,at_stake_per_year,working\n") ||
		strings.Count(out, "\n") < 4 || !strings.Contains(out, "× 12 months") {
		t.Fatalf("rank --breakdown: %d %q", code, out[:min(len(out), 400)])
	}
	out, _, _ = koe(t, append(env, "LANG=ja_JP.UTF-8"), "rank", "--format", "csv", "--breakdown", "--limit", "1")
	if !strings.HasPrefix(out, "順位,リクエスト番号,タイトル,状態,") || !strings.Contains(out, "× 12 か月") {
		t.Fatalf("rank --breakdown in Japanese: %q", out[:min(len(out), 400)])
	}
	// Accounts in a currency without a rate are left out, with a warning naming the fix.
	db, err := sql.Open("postgres", strings.TrimPrefix(env[0], "DATABASE_URL="))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE accounts SET currency = 'EUR', mrr_minor = mrr_minor / 160 * 100 WHERE id % 2 = 0`); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := koe(t, env, "rank", "--limit", "1"); code != 0 || !strings.Contains(errOut, "EUR") || !strings.Contains(errOut, "koe rates set EUR=") {
		t.Fatalf("rank with EUR accounts and no rate: %d %q", code, errOut)
	}
	koe(t, env, "rates", "set", "EUR=160")
	if _, errOut, code := koe(t, env, "rank", "--limit", "1"); code != 0 || strings.Contains(errOut, "EUR") {
		t.Fatalf("rank with a EUR rate: %d %q", code, errOut)
	}
	out, _, code = koe(t, env, "requests", "merge", "55", "1")
	if code != 1 { // the demo's request 55 is merged already
		t.Fatalf("merging a merged request: %d %q", code, out)
	}
}

func TestSuggestAndSimilarityCommands(t *testing.T) {
	dir := t.TempDir()
	reqs := filepath.Join(dir, "r.jsonl")
	fb := filepath.Join(dir, "f.jsonl")
	pairs := filepath.Join(dir, "p.jsonl")
	os.WriteFile(reqs, []byte(`{"id":1,"title":"CSV出力","examples":["レポートをCSVで出力したい"]}`+"\n"+`{"id":"sso","title":"SAML SSO","examples":["SSOしたい","single sign-on please"]}`+"\n"), 0o644)
	os.WriteFile(fb, []byte(`{"id":"a","text":"CSVでエクスポートしたい"}`+"\n"+`{"id":7,"text":"Do you support single sign-on?"}`+"\n"), 0o644)
	os.WriteFile(pairs, []byte(`{"id":1,"a":"犬が走る","b":"犬が走っている"}`+"\n"+`{"id":"x","a":"犬が走る","b":"空が青い"}`+"\n"), 0o644)
	out, errOut, code := koe(t, nil, "suggest", "--requests", reqs, "--feedback", fb, "--top", "2")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], `{"id":"a","suggestions":[{"request_id":1,`) || !strings.HasPrefix(lines[1], `{"id":7,"suggestions":[{"request_id":"sso",`) {
		t.Fatalf("suggest: %d %q %q", code, out, errOut)
	}
	out, _, code = koe(t, nil, "similarity", "--pairs", pairs)
	var a, b struct {
		ID    any     `json:"id"`
		Score float64 `json:"score"`
	}
	ls := strings.Split(strings.TrimSpace(out), "\n")
	json.Unmarshal([]byte(ls[0]), &a)
	json.Unmarshal([]byte(ls[1]), &b)
	if code != 0 || a.ID != float64(1) || b.ID != "x" || a.Score <= b.Score {
		t.Fatalf("similarity: %d %q", code, out)
	}
}
